"""Pack columns of non-negative integers into short ASCII strings for the page.

Each value is written as base-32 digits, least significant first; a digit is one character
of the URL-safe base-64 alphabet, and its sixth bit says that another digit follows. Values
below 32 take one character, below 1,024 two, below 32,768 three. The alphabet holds no
character that JSON or HTML treats specially, so a packed column is inert in a ``<script>``.
``js/incidents.js`` unpacks with the same rule (``unpack``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
DIGIT_BITS = 5
#: Largest value a column may hold; JavaScript unpacks into 32-bit integers.
MAX_VALUE = 2**31 - 1
_CODES = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)
_DIGITS = {char: code for code, char in enumerate(ALPHABET)}


class PackingError(ValueError):
    """A value cannot be packed (negative or too large) or a packed column is corrupt."""


def pack(values: ArrayLike) -> str:
    """Return the non-negative integers ``values`` as one packed string.

    Examples
    --------
    >>> pack([0, 1, 31, 32, 1000])
    'ABfgBof'
    >>> unpack(pack([5, 70000, 0]))
    [5, 70000, 0]
    """
    array = np.asarray(values, dtype=np.int64).ravel()
    if not array.size:
        return ""
    if int(array.min()) < 0 or int(array.max()) > MAX_VALUE:
        msg = f"packed values must lie in 0..{MAX_VALUE}, got {array.min()}..{array.max()}"
        raise PackingError(msg)
    # Number of base-32 digits of each value (at least one).
    lengths = np.ones(array.size, dtype=np.int64)
    while True:
        more = (array >> (DIGIT_BITS * lengths)) > 0
        if not more.any():
            break
        lengths += more
    width = int(lengths.max())
    digits = np.empty((array.size, width), dtype=np.uint8)
    for k in range(width):
        value = (array >> (DIGIT_BITS * k)) & 31
        follows = k < lengths - 1
        digits[:, k] = _CODES[value + 32 * follows]
    used = np.arange(width) < lengths[:, None]
    return digits[used].tobytes().decode("ascii")


def unpack(text: str) -> list[int]:
    """Return the integers of a packed string (the inverse of :func:`pack`)."""
    values: list[int] = []
    value = shift = 0
    for position, char in enumerate(text):
        code = _DIGITS.get(char)
        if code is None:
            msg = f"character {char!r} at {position} is not in the packing alphabet"
            raise PackingError(msg)
        value |= (code & 31) << shift
        if code & 32:
            shift += DIGIT_BITS
        else:
            values.append(value)
            value = shift = 0
    if shift:
        msg = "packed text ends inside a value"
        raise PackingError(msg)
    return values


def script_json(value: Any) -> str:  # noqa: ANN401 - any JSON-serialisable value
    r"""Serialise ``value`` as JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` become unicode escapes, so no ``</script>`` or ``<!--`` can appear,
    and U+2028/U+2029 are escaped for older JavaScript parsers. It is strict JSON (a NaN is
    refused with ``ValueError``), so a page can read it with ``JSON.parse``.

    Examples
    --------
    >>> script_json({"name": "</script>"})
    '{"name":"\\u003c/script\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False)  # fmt: skip
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
