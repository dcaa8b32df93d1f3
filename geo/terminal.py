r"""Write text from incidents and reports to a terminal without letting it drive the terminal.

Report text is hostile by accident or design: an ANSI escape in a place name recolours or
rewrites the analyst's screen, a right-to-left override reorders what they read. The
command line wraps its output streams in :class:`SafeStream`, which writes such
characters as visible ``\\u001b`` escapes (also valid inside JSON strings).
"""

from __future__ import annotations

import re
import sys
from typing import TextIO

#: C0 and C1 controls (not tab and line feed), DEL, and bidirectional overrides/isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_KEEP_CR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str, *, keep_cr: bool = False) -> str:
    r"""Return ``text`` with control and bidi-override characters as ``\uXXXX`` escapes.

    Examples
    --------
    >>> escape_controls("Ariha\x1b[31m red")
    'Ariha\\u001b[31m red'
    """
    pattern = _UNSAFE_KEEP_CR if keep_cr else _UNSAFE
    return pattern.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class SafeStream:
    """A text stream that escapes control characters before writing to ``stream``.

    ``keep_cr`` lets carriage returns through (a progress bar redraws its line with them).
    """

    def __init__(self, stream: TextIO, *, keep_cr: bool = False) -> None:
        self._stream = stream
        self._keep_cr = keep_cr

    def write(self, text: str) -> int:
        """Write ``text`` escaped; return the length given (as ``TextIO.write`` does)."""
        self._stream.write(escape_controls(text, keep_cr=self._keep_cr))
        return len(text)

    def __getattr__(self, name: str) -> object:
        """Pass everything else (flush, isatty, encoding, fileno …) to the stream."""
        return getattr(self._stream, name)


def protect_streams() -> None:
    """Wrap ``sys.stdout`` and ``sys.stderr`` in :class:`SafeStream` (once)."""
    if not isinstance(sys.stdout, SafeStream):
        sys.stdout = SafeStream(sys.stdout)
        sys.stderr = SafeStream(sys.stderr, keep_cr=True)
