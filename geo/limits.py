"""Size limits on what the tool reads, so that a wrong or hostile file is refused, not an OOM.

=====================  ===============  ===================================================
what                   limit            why
=====================  ===============  ===================================================
incident store         1 GiB on disk    1,000,000 incidents take about 400 MB; a build of
                       1,000,000 rows   them peaks at about 2.1 GB of memory
one field              100,000 chars    a long ACLED note is 2,000; more is a pasted file
add --from, ACLED      256 MiB          a batch or an export of north-west Syria is a few MB
report (ingest)        1,000,000 chars  see :mod:`geo.ingest.text`
=====================  ===============  ===================================================

A file over a byte limit is refused from its size, and a store with more lines than
:data:`MAX_STORE_LINES` from a count of its line breaks read in blocks, both before the file
is read whole; so a refusal costs no more memory than the interpreter (about 110 MB).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.errors import DataFileError

if TYPE_CHECKING:
    from pathlib import Path

MAX_STORE_BYTES = 1 << 30
MAX_STORE_ROWS = 1_000_000
#: Line breaks a store may hold (notes may span lines; four per row is generous).
MAX_STORE_LINES = 4 * MAX_STORE_ROWS
MAX_FIELD_CHARS = 100_000
MAX_INPUT_BYTES = 256 << 20
_BLOCK_BYTES = 16 << 20


class TooLargeError(DataFileError):
    """A file or field is over one of the limits of :mod:`geo.limits`."""


def check_file_size(path: Path, *, limit_bytes: int, what: str) -> None:
    """Refuse ``path`` if it is larger than ``limit_bytes`` (a missing file passes).

    Raises
    ------
    TooLargeError
        Naming the file, its size and the limit.
    """
    try:
        size = path.stat().st_size
    except OSError:
        return
    if size > limit_bytes:
        msg = (
            f"{path}: {size:,} bytes is over the limit of {limit_bytes:,} for {what}; "
            "nothing was read. Is it the right file?"
        )
        raise TooLargeError(msg)


def check_store_lines(path: Path) -> None:
    """Refuse a store with more line breaks than :data:`MAX_STORE_LINES`, before reading it.

    The file is scanned in 16 MB blocks (about 10 ms per 40 MB), so the refusal of a
    10-million-row file costs no more memory than the interpreter itself.
    """
    lines = 0
    try:
        if path.stat().st_size <= MAX_STORE_LINES:  # fewer bytes than the limit of lines
            return
        with path.open("rb") as handle:
            while block := handle.read(_BLOCK_BYTES):
                lines += block.count(b"\n")
                if lines > MAX_STORE_LINES:
                    break
    except OSError:
        return  # the reader that follows names the problem
    if lines > MAX_STORE_LINES:
        msg = (
            f"{path}: over {MAX_STORE_LINES:,} lines; a store may hold at most "
            f"{MAX_STORE_ROWS:,} incidents. Split it into several stores (--incidents)."
        )
        raise TooLargeError(msg)


def check_store_rows(path: Path | str, rows: int) -> None:
    """Refuse a store of more than :data:`MAX_STORE_ROWS` incidents."""
    if rows > MAX_STORE_ROWS:
        msg = (
            f"{path}: {rows:,} incidents; a store may hold at most {MAX_STORE_ROWS:,} (a build "
            "of that many needs about 2 GB of memory). Split it into several stores."
        )
        raise TooLargeError(msg)


def field_too_long(path: Path | str, line: int) -> DataFileError:
    """Return the error for a CSV field over :data:`MAX_FIELD_CHARS` on ``line``."""
    return TooLargeError(
        f"{path}, line {line}: a field is longer than {MAX_FIELD_CHARS:,} characters, the "
        "limit for one field (a pasted file or an unclosed quote?)"
    )


def looks_like_utf16(head: bytes | str) -> bool:
    """Return True if the first 4 KB are a quarter NUL: ASCII text saved as UTF-16.

    A single NUL is a character a field may hold (validation refuses it by column); ASCII
    text in UTF-16 has one in every two bytes.
    """
    sample = head[:4096]
    nuls = sample.count(b"\x00") if isinstance(sample, bytes) else sample.count("\x00")
    return nuls > len(sample) // 4
