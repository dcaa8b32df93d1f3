"""Write candidates for review (``candidates.csv``) and describe them in a few lines.

The file has the incident store's columns, so ``build_map.py add --from`` reads it, then
the review columns:

``status``
    ``candidate``; ``unresolved`` when the place is not in the gazetteer or the report's
    context does not settle which of several places a name means; ``needs_date`` when no
    date is known (no ``--published``, no dateline, only words such as "on Tuesday"). Set
    ``reject`` to skip a row, or delete it.
``confidence``
    0–1, the product of the place match score, how directly the type was worded and how
    the date was given.
``mention``
    The place as the report writes it.
``did_you_mean``
    Other places the name may mean, or close names for an unresolved one.
``already_in_store``
    The ids of incidents in the store with the same date, place and type (``add`` would
    refuse the row as entered twice, unless ``--force``).
``evidence``
    Each field and the sentence it came from.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from geo.atomic import atomic_write_text
from geo.csvfile import lf_line_breaks, neutralise
from geo.errors import DataFileError
from geo.incidents.schema import DISORDER_OF_EVENT, INCIDENT_COLUMNS

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    from geo.geocode import Match
    from geo.ingest.extract import Candidate, Extraction
    from geo.store.base import Store

REVIEW_COLUMNS = (
    "status", "confidence", "mention", "did_you_mean", "already_in_store", "evidence",
)  # fmt: skip
CANDIDATE_COLUMNS = (*INCIDENT_COLUMNS, *REVIEW_COLUMNS)
MAX_NOTES_CHARS = 2_000


def candidate_rows(
    extraction: Extraction, *, source: str, source_url: str, published: dt.date | None
) -> list[dict[str, str]]:
    """Return one store-schema row (plus review columns) per candidate, in reading order."""
    sentences = {s.number: s.text for s in extraction.sentences}
    if source and published is not None and published.isoformat() not in source:
        source = f"{source}, {published:%-d %b %Y}"
    return [_row(c, sentences, source, source_url) for c in extraction.candidates]


def write_candidates(path: Path, rows: list[dict[str, str]]) -> None:
    """Write ``rows`` as UTF-8 CSV to ``path`` atomically (a spreadsheet opens it safely)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CANDIDATE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(
        {key: lf_line_breaks([value])[0] for key, value in row.items()} for row in rows
    )
    atomic_write_text(path, buffer.getvalue())


def summary_lines(extraction: Extraction, rows: list[dict[str, str]], path: Path) -> list[str]:
    """Return a readable account of what a report yielded, and what to do next."""
    places = sorted(
        {
            p.text + " (province)"
            if p.role == "province"
            else p.match.place.name_en + (" (area)" if p.role != "place" else "")
            for p in extraction.places
        }
    )
    lines = [
        f"{len(extraction.sentences)} sentences; places: {', '.join(places) or 'none found'}"
        + (f"; roads: {', '.join(extraction.roads)}" if extraction.roads else "")
    ]
    for u in extraction.unresolved:
        hint = f" (did you mean {_names(u.suggestions)}?)" if u.suggestions else ""
        lines.append(f"not in the gazetteer: {u.text!r}{hint}")
    lines += [
        f"sentence {number} reports an event but names no place; not a candidate"
        for number in extraction.events_without_place
    ]
    lines += _date_lines(extraction, rows)
    lines.append(f"{len(rows)} candidate incident{'s' if len(rows) != 1 else ''} → {path}")
    for n, (c, row) in enumerate(zip(extraction.candidates, rows, strict=True), start=1):
        counts = ", ".join(
            f"{label} {value}"
            for label, value in (("killed", c.killed), ("injured", c.injured))
            if value is not None
        )
        where = c.location + ("" if c.place is not None else " [unresolved]")
        lines.append(
            f"  {n}. {_when(c, row)}  "
            f"{c.kind.sub_event_type}{f' ({c.kind.tag})' if c.kind.tag else ''} at {where}"
            f"{f'; {counts}' if counts else ''}{f'; by {c.actor1}' if c.actor1 else ''}"
            f"  [confidence {c.confidence:.2f}]"
            + (
                f"  already in the store: {row['already_in_store']}"
                if row["already_in_store"]
                else ""
            )
        )
    if rows:
        if not rows[0]["source"]:
            lines.append("the source column is empty: fill it in (or pass --source) before adding")
        lines.append(
            "Review the file: fix fields, delete wrong rows or set status to reject; then "
            f"`python build_map.py add --from {path}`."
        )
    return lines


def _when(c: Candidate, row: dict[str, str]) -> str:
    if c.date is None:
        return f"date unknown ({c.date_text})" if c.date_text else "date unknown"
    return row["event_date"] + ("" if c.time_precision == 1 else " (approx.)")


def _date_lines(extraction: Extraction, rows: list[dict[str, str]]) -> list[str]:
    """Say where the publication date came from, and what lacks a date."""
    lines = []
    if extraction.dateline and extraction.published is not None:
        lines.append(
            f"publication date read from the text: {extraction.dateline!r} = "
            f"{extraction.published.isoformat()} (pass --published to override)"
        )
    undated = sum(row["status"] == "needs_date" for row in rows)
    if extraction.published is None and undated:
        lines.append(
            f"no publication date given (--published) or found in the text: {undated} "
            f"{'candidates have' if undated != 1 else 'candidate has'} status needs_date; fill "
            "in event_date "
            "(the evidence column quotes the report's words, e.g. 'on Tuesday') or ingest "
            "again with --published"
        )
    return lines


def mark_known(rows: list[dict[str, str]], store: Store) -> None:
    """Fill ``already_in_store`` with the ids of stored incidents each row repeats.

    Same event means same date, sub-event type and place (gazetteer id, else location),
    the test ``add`` applies. A store that cannot be read is left to ``add`` to report.
    """
    try:
        table = store.table()
    except (DataFileError, OSError):
        return
    data = table.data
    known: dict[tuple[str, str, str], list[str]] = {}
    for i, event_id in enumerate(data["event_id_cnty"]):
        place = data["place_id"][i] or data["location"][i]
        known.setdefault((data["event_date"][i], data["sub_event_type"][i], place), []).append(
            event_id
        )
    for row in rows:
        key = (row["event_date"], row["sub_event_type"], row["place_id"] or row["location"])
        row["already_in_store"] = "; ".join(known.get(key, []))


def _row(c: Candidate, sentences: dict[int, str], source: str, source_url: str) -> dict[str, str]:
    place = c.place.place if c.place is not None else None
    event_type = c.kind.event_type
    tags = [t for t in (c.kind.tag, *c.roads) if t]
    evidence = " | ".join(
        f"{', '.join(fields)}: {sentences[number]}" for number, fields in sorted(c.evidence.items())
    )
    if c.date is None:
        said = f"the report says only {c.date_text!r}" if c.date_text else "the report gives none"
        evidence = f"date: not known ({said}; no publication date given or found) | {evidence}"

    notes = " ".join(sentences[number] for number in sorted(c.evidence))[:MAX_NOTES_CHARS]
    others = c.alternatives
    return {
        "event_id_cnty": "",
        "event_date": c.date.isoformat() if c.date is not None else "",
        "year": str(c.date.year) if c.date is not None else "",
        "time_precision": str(c.time_precision),
        "disorder_type": DISORDER_OF_EVENT[event_type],
        "event_type": event_type,
        "sub_event_type": c.kind.sub_event_type,
        "actor1": c.actor1,
        "assoc_actor_1": "",
        "actor2": c.actor2,
        "assoc_actor_2": "",
        "civilian_targeting": "",
        "iso": "760",
        "country": "Syria",
        "admin1": place.admin1 if place else "",
        "admin2": place.admin2 if place else "",
        "admin3": place.admin3 if place else "",
        "location": neutralise(c.location),
        "latitude": f"{place.position.lat:.5f}" if place else "",
        "longitude": f"{place.position.lon:.5f}" if place else "",
        "geo_precision": str(c.geo_precision),
        "source": source,
        "source_scale": "",
        "notes": neutralise(notes),
        "fatalities": "" if c.killed is None else str(c.killed),
        "injured": "" if c.injured is None else str(c.injured),
        "tags": ";".join(tags),
        "timestamp": "",
        "source_url": source_url,
        "place_id": place.place_id if place else "",
        "status": "unresolved" if not place else "needs_date" if c.date is None else "candidate",
        "confidence": f"{c.confidence:.2f}",
        "mention": neutralise(c.mention),
        "did_you_mean": _names(others),
        "already_in_store": "",
        "evidence": neutralise(evidence),
    }


def _names(matches: tuple[Match, ...]) -> str:
    return "; ".join(
        f"{m.place.name_en} [{m.place.place_id}] ({m.place.position.lat:.4f}, "
        f"{m.place.position.lon:.4f})"
        for m in matches
    )
