"""Ingest one report from a file or standard input into a candidates file, safely.

The candidates file is an analyst's work once they start reviewing it, so it is replaced
only if it is still exactly what the last ingest wrote (a digest beside it says so), unless
``overwrite`` is given.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from geo.atomic import atomic_write_text
from geo.ingest.candidates import candidate_rows, mark_known, summary_lines, write_candidates
from geo.ingest.extract import Extraction, extract
from geo.ingest.mentions import MentionFinder
from geo.ingest.text import MAX_REPORT_CHARS, ReportError, decode_report

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    from geo.geocode import Gazetteer
    from geo.store.base import Store

#: Bytes read at most: the character limit at the longest UTF-8 encoding of Arabic text,
#: plus one to tell "at the limit" from "over it". A 2 GB file is never read whole.
MAX_REPORT_BYTES = 2 * MAX_REPORT_CHARS + 1
CANDIDATES_FILENAME = "candidates.csv"


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What one ingest did: the extraction, the rows written and the summary lines."""

    extraction: Extraction
    rows: list[dict[str, str]]
    lines: list[str]


@dataclass(frozen=True, slots=True)
class Report:
    """A report as read: its bytes, how messages name it, and what the analyst said of it."""

    data: bytes
    origin: str
    published: dt.date | None
    source: str = ""
    url: str = ""


def read_report(
    path: Path | None,
    stdin: BinaryIO,
    *,
    published: dt.date | None = None,
    source: str = "",
    url: str = "",
) -> Report:
    """Read a report (at most :data:`MAX_REPORT_BYTES`) from ``path``, or ``stdin`` if None.

    Raises
    ------
    ReportError
        The file is missing, a folder, unreadable or larger than the limit.
    """
    origin = str(path) if path is not None else "standard input"
    try:
        if path is None:
            data = stdin.read(MAX_REPORT_BYTES)
        else:
            with path.open("rb") as handle:
                data = handle.read(MAX_REPORT_BYTES)
    except FileNotFoundError:
        raise ReportError(f"{origin}: file not found") from None
    except IsADirectoryError:
        raise ReportError(f"{origin}: is a folder, not a report file") from None
    except OSError as exc:
        raise ReportError(f"{origin}: cannot be read ({exc.strerror})") from None
    if len(data) >= MAX_REPORT_BYTES:
        msg = (
            f"{origin}: larger than {MAX_REPORT_BYTES - 1:,} bytes; a report is rarely over "
            "100 kB. Paste the article's text only, or split it."
        )
        raise ReportError(msg)
    return Report(data, origin, published, source, url)


def ingest(
    report: Report,
    *,
    gazetteer: Gazetteer,
    out_path: Path,
    overwrite: bool = False,
    store: Store | None = None,
) -> IngestResult:
    """Extract candidates from a report and write them to ``out_path`` for review.

    With ``store``, a candidate with the date, place and type of an incident already there
    names it in the ``already_in_store`` column (an unreadable store is skipped).

    Raises
    ------
    ReportError
        The report is not usable text, or ``out_path`` holds edits not written by ingest.
    """
    _check_replaceable(out_path, overwrite=overwrite)
    origin, published = report.origin, report.published
    text = decode_report(report.data, origin=origin)
    extraction = extract(text, published=published, finder=MentionFinder(gazetteer), origin=origin)
    rows = candidate_rows(
        extraction, source=report.source, source_url=report.url, published=extraction.published
    )
    if store is not None:
        mark_known(rows, store)
    write_candidates(out_path, rows)
    atomic_write_text(_digest_path(out_path), _digest(out_path))
    first, *rest = summary_lines(extraction, rows, out_path)
    return IngestResult(extraction, rows, [f"{origin}: {first}", *rest])


def _check_replaceable(path: Path, *, overwrite: bool) -> None:
    if overwrite or not path.exists():
        return
    stamp = _digest_path(path)
    written = stamp.read_text(encoding="utf-8").strip() if stamp.exists() else None
    if written != _digest(path):
        msg = (
            f"{path} has been edited since ingest wrote it (or was not written by ingest); "
            f"add its rows first (`add --from {path}`), move it away, or pass --overwrite"
        )
        raise ReportError(msg)


def _digest_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.sha256")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
