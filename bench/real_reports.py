"""Score the extractor on the real reports of ``../shared/reports/`` (development machines only).

The real set is third-party text kept beside the project, never in it: this module reads it
when the folder exists and says so when it does not (a user's clone). The annotation format
and scoring rules are in ``../shared/reports/README.md``:

- **place mentions**: every place string the text names (``all_place_mentions``, regions
  included) against the names the extractor found (places and unknown introduced names),
  compared as normalised text, one containing the other;
- **candidate places**: per report, the incidents' canonical places that a gazetteer
  locates against the candidates' positions; a candidate is right when it lies within the
  place's ``tolerance_km``. A candidate at a place no gazetteer locates (``NOT FOUND``,
  matched by name) is not counted against precision, and such places are not counted in
  recall (they cannot be scored);
- **incident fields**: each annotated incident is paired with the nearest candidate at each
  of its places (the same type preferred, then the one dated by the incident's date
  phrase). Type, killed and injured (summed over the incident's places; null = not
  stated), actor (the annotation's wording mapped to ACLED's actor names) and date
  (reports whose publication date is known) are then scored over the paired incidents.
  Incidents of the vague types ``attack`` and ``other`` are not scored for type.

Run it alone to list every miss: ``.venv/bin/python bench/real_reports.py [--problems]``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.coords import LonLat  # noqa: E402
from geo.geocode import distance_km  # noqa: E402
from geo.ingest.extract import Candidate, Extraction, extract  # noqa: E402
from geo.ingest.mentions import MentionFinder  # noqa: E402

if TYPE_CHECKING:
    from geo.geocode import Gazetteer

REPORTS_DIR = ROOT.parent / "shared" / "reports"
#: The date given for a report whose publication date is unknown, when the extractor needs one.
UNDATED_STAND_IN = dt.date(2021, 1, 1)

_ERV = "Explosions/Remote violence"
TYPES = {
    "shelling": ("Shelling/artillery/missile attack", ""),
    "missile": ("Shelling/artillery/missile attack", "missile"),
    "airstrike": ("Air/drone strike", ""),
    "drone": ("Air/drone strike", "drone"),
    "ied": ("Remote explosive/landmine/IED", ""),
    "armed_clash": ("Armed clash", ""),
}
SYRIA = "Military Forces of Syria (2000-)"
RUSSIA = "Military Forces of Russia (2000-)"
TURKEY = "Military Forces of Turkey (2016-)"
_ACTOR_WORDS = (
    (SYRIA, re.compile(r"regime|government|assad|esed|esad|baas|syrian arab army|النظام|الأسد",
                       re.IGNORECASE)),
    (RUSSIA, re.compile(r"russia|\brus\b|روس", re.IGNORECASE)),
    (TURKEY, re.compile(r"turkish|türk|ترك", re.IGNORECASE)),
    ("Unidentified Armed Group (Syria)", re.compile(r"unknown|unidentified|kimliği belirsiz",
                                                    re.IGNORECASE)),
    ("HTS: Hayat Tahrir al-Sham", re.compile(r"\bhts\b|tahrir al-sham|nusra", re.IGNORECASE)),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Spot:
    """Where a canonical place is, and how close a candidate must be; None if not located."""

    position: LonLat | None
    tolerance_km: float


@dataclass
class Measures:
    """Counts over a set of reports; :meth:`summary` turns them into rates."""

    reports: int = 0
    undated: int = 0
    refused: int = 0
    mention_tp_expected: int = 0
    mention_expected: int = 0
    mention_tp_found: int = 0
    mention_found: int = 0
    place_tp: int = 0
    place_expected: int = 0
    place_unscorable: int = 0
    cand_tp: int = 0
    cand_scored: int = 0
    incidents: int = 0
    paired: int = 0
    typed: int = 0
    type_right: int = 0
    killed_right: int = 0
    injured_right: int = 0
    killed_stated: int = 0
    killed_stated_right: int = 0
    injured_stated: int = 0
    injured_stated_right: int = 0
    dated: int = 0
    date_right: int = 0
    date_day_precision: int = 0
    actor_scored: int = 0
    actor_right: int = 0
    text_dated: int = 0
    text_date_right: int = 0
    needs_date: int = 0
    unresolved_rows: int = 0
    missed_places: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, float | int]:
        """Return the rates (0–1) and the counts they are taken over."""

        def rate(part: int, whole: int) -> float:
            return round(part / whole, 4) if whole else 1.0

        return {
            "reports": self.reports,
            "refused": self.refused,
            "mention_recall": rate(self.mention_tp_expected, self.mention_expected),
            "mention_precision": rate(self.mention_tp_found, self.mention_found),
            "candidate_place_recall": rate(self.place_tp, self.place_expected),
            "candidate_place_precision": rate(self.cand_tp, self.cand_scored),
            "type_accuracy": rate(self.type_right, self.typed),
            "killed_exact": rate(self.killed_right, self.paired),
            "injured_exact": rate(self.injured_right, self.paired),
            "killed_exact_where_stated": rate(self.killed_stated_right, self.killed_stated),
            "injured_exact_where_stated": rate(self.injured_stated_right, self.injured_stated),
            "date_accuracy": rate(self.date_right, self.dated),
            "date_at_day_precision": rate(self.date_day_precision, self.date_right),
            "actor1_accuracy": rate(self.actor_right, self.actor_scored),
            "unresolved_rows": self.unresolved_rows,
            "undated_reports": self.undated,
            "undated_left_needs_date": self.needs_date,
            "dated_reports_dated_from_text": rate(self.text_date_right, self.text_dated),
            "expected_places": self.place_expected,
            "unscorable_places": self.place_unscorable,
            "incidents": self.incidents,
            "incidents_paired": self.paired,
        }


def available() -> bool:
    """Return True when the real reports are beside the project (not in a user's clone)."""
    return (REPORTS_DIR / "real" / "reports.jsonl").is_file()


def load(name: str) -> tuple[list[dict[str, Any]], dict[str, Spot], dict[str, str]]:
    """Return the reports of ``real`` or ``seeds``, their canonical places and sources."""
    folder = REPORTS_DIR / name
    spots: dict[str, Spot] = {}
    sources: dict[str, str] = {}
    places_file = folder / ("places.csv" if name == "real" else "seeds_places.csv")
    with places_file.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            located = row["lat"] and row["lon"]
            position = LonLat(float(row["lon"]), float(row["lat"])) if located else None
            spots[row["canonical"]] = Spot(position, float(row["tolerance_km"] or 0))
            sources[row["canonical"]] = row["source"]
    jsonl = folder / ("reports.jsonl" if name == "real" else "seeds.jsonl")
    reports = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    for report in reports:
        if report.get("text") is None and report.get("file"):
            report["text"] = (REPORTS_DIR / report["file"]).read_text(encoding="utf-8")
    return reports, spots, sources


def normal(text: str) -> str:
    """Return ``text`` casefolded, without marks, apostrophes or punctuation."""
    text = unicodedata.normalize("NFKD", text.replace("ı", "i").replace("İ", "I")).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[\u064b-\u0652\u0640]", "", text)
    return " ".join(re.sub(r"[^\w]+", " ", text).replace("_", " ").split())


def _contains(a: str, b: str) -> bool:
    return bool(a and b) and (f" {a} " in f" {b} " or f" {b} " in f" {a} ")


def run_extract(
    report: dict[str, Any], finder: MentionFinder, *, dated_only: bool
) -> tuple[Extraction, bool]:
    """Extract a report as a user would; return it and whether the CLI would refuse it.

    ``dated_only`` reproduces the code before undated reports were read: it needs a
    publication date, so an undated report gets :data:`UNDATED_STAND_IN` and is counted
    refused.
    """
    published = dt.date.fromisoformat(report["published"]) if report["published"] else None
    if published is None and dated_only:
        return extract(report["text"], published=UNDATED_STAND_IN, finder=finder), True
    return extract(report["text"], published=published, finder=finder), False


def measure(gazetteer: Gazetteer, name: str, *, dated_only: bool = False) -> Measures:
    """Score the extractor on the ``real`` or ``seeds`` set."""
    reports, spots, sources = load(name)
    finder = MentionFinder(gazetteer)
    result = Measures()
    known = _gazetteer_sources(gazetteer)
    for number, report in enumerate(reports):
        label = f"{name}[{number}] {report.get('outlet', '')} {report['lang']}"
        found, refused = run_extract(report, finder, dated_only=dated_only)
        result.reports += 1
        result.refused += refused
        result.undated += report["published"] is None
        _score_mentions(report, found, result, label)
        _score_places(report, found, spots, sources, result, label, known=known)
        _score_incidents(report, found, spots, result, label)
        if report["published"] is None and not dated_only:
            result.needs_date += any(c.date is None for c in found.candidates)
        if report["published"] is not None and not dated_only:
            _score_text_date(report, finder, result, label)
    return result


def _score_text_date(
    report: dict[str, Any], finder: MentionFinder, result: Measures, label: str
) -> None:
    """Read a dated report without its date, to see whether the text alone gives it."""
    undated = extract(report["text"], published=None, finder=finder)
    result.text_dated += 1
    if undated.published is not None and undated.published.isoformat() == report["published"]:
        result.text_date_right += 1
    else:
        result.problems.append(
            f"{label}: publication date from the text {undated.published} != {report['published']}"
        )


_SOURCE_ID = re.compile(r"^(WOF|GN):(\d+)|^WP:([^(]+?)(?:\s*\(|$)|^CUR:(\w+)")


def _gazetteer_sources(gazetteer: Gazetteer) -> set[str]:
    """Return every source id the gazetteer's places carry, and their place ids as CUR:id."""
    known = {source for place in gazetteer.places for source in place.sources}
    return known | {f"CUR:{place.place_id}" for place in gazetteer.places}


def _in_gazetteer(source: str, known: set[str]) -> bool:
    """Return True if an annotation's source id (WOF:…, GN:…, WP:…, CUR:…) is a gazetteer source."""
    m = _SOURCE_ID.match(source)
    if m is None:
        return False
    if m[1]:
        return f"{m[1]}:{m[2]}" in known
    if m[3]:
        return f"WP:{m[3].strip()}" in known
    return f"CUR:{m[4]}" in known


def _found_names(found: Extraction) -> list[str]:
    return [p.text for p in found.places] + [u.text for u in found.unresolved]


def _score_mentions(
    report: dict[str, Any], found: Extraction, result: Measures, label: str
) -> None:
    expected = {normal(m) for m in report.get("all_place_mentions") or []} - {""}
    got = {normal(m) for m in _found_names(found)} - {""}
    result.mention_expected += len(expected)
    result.mention_found += len(got)
    hit = {e for e in expected if any(_contains(e, g) for g in got)}
    result.mention_tp_expected += len(hit)
    result.mention_tp_found += sum(any(_contains(e, g) for e in expected) for g in got)
    result.problems += [f"{label}: mention missed {e!r}" for e in sorted(expected - hit)]
    result.problems += [
        f"{label}: mention not expected {g!r}"
        for g in sorted(got)
        if not any(_contains(e, g) for e in expected)
    ]


def _position(c: Candidate) -> LonLat | None:
    return c.place.place.position if c.place is not None else None


def _near(c: Candidate, spot: Spot) -> bool:
    position = _position(c)
    return (
        position is not None
        and spot.position is not None
        and distance_km(position, spot.position) <= spot.tolerance_km
    )


def _distance_km(c: Candidate, spot: Spot) -> float:
    position = _position(c)
    if position is None or spot.position is None:
        return float("inf")
    return distance_km(position, spot.position)


def _score_places(
    report: dict[str, Any],
    found: Extraction,
    spots: dict[str, Spot],
    sources: dict[str, str],
    result: Measures,
    label: str,
    *,
    known: set[str],
) -> None:
    canon = {p for i in report["incidents"] for p in i["canonical_places"]}
    written_unlocated = {
        normal(w)
        for i in report["incidents"]
        for w, p in zip(i["places"], i["canonical_places"], strict=False)
        if spots.get(p, Spot(None, 0)).position is None
    }
    located = {p: spots[p] for p in canon if p in spots and spots[p].position is not None}
    result.place_unscorable += len(canon) - len(located)
    candidates = list(found.candidates)
    for place, spot in sorted(located.items()):
        result.place_expected += 1
        if any(_near(c, spot) for c in candidates):
            result.place_tp += 1
        else:
            source = sources.get(place, "")
            kind = "in the gazetteer" if _in_gazetteer(source, known) else "not in the gazetteer"
            result.missed_places[kind] = result.missed_places.get(kind, 0) + 1
            result.problems.append(f"{label}: place missed {place} ({source}) [{kind}]")
    seen: set[str] = set()
    for c in candidates:
        key = c.place.place.place_id if c.place is not None else f"?{c.mention}"
        if key in seen:
            continue
        seen.add(key)
        if c.place is None:
            result.unresolved_rows += 1
            continue  # an unresolved row puts no point on the map: not scored for precision
        if any(_near(c, spot) for spot in located.values()):
            result.cand_scored += 1
            result.cand_tp += 1
        elif any(_contains(normal(c.mention), w) for w in written_unlocated):
            continue  # at a place no gazetteer locates: not counted against precision
        else:
            result.cand_scored += 1
            result.problems.append(f"{label}: candidate not expected at {c.location}")


def _expected_actors(actor: str | None) -> set[str] | None:
    """Return the ACLED names the annotation's actor wording stands for ({""} for none)."""
    if actor is None:
        return {""}
    names = {name for name, pattern in _ACTOR_WORDS if pattern.search(actor)}
    return names or None


def _score_incidents(
    report: dict[str, Any],
    found: Extraction,
    spots: dict[str, Spot],
    result: Measures,
    label: str,
) -> None:
    for incident in report["incidents"]:
        result.incidents += 1
        want_type = TYPES.get(incident["event_type"])
        paired: list[Candidate] = []
        for written, place in zip(incident["places"], incident["canonical_places"], strict=False):
            spot = spots.get(place, Spot(None, 0))
            if spot.position is not None:  # the nearest first: a neighbour's is not its own
                here = sorted(
                    (c for c in found.candidates if _near(c, spot)),
                    key=lambda c: _distance_km(c, spot),
                )
            else:
                here = [
                    c for c in found.candidates if _contains(normal(c.mention), normal(written))
                ]
            same = [c for c in here if (c.kind.sub_event_type, c.kind.tag) == want_type]
            said = [c for c in same or here if _same_phrase(c, incident.get("date_phrase"))]
            pick = (said or same or here)[:1]
            paired += [c for c in pick if c not in paired]
        if paired:
            _score_fields(report, incident, paired, result, label)


def _same_phrase(c: Candidate, phrase: str | None) -> bool:
    """Return True if the candidate is dated by the incident's own date phrase."""
    return bool(phrase and c.date_text) and normal(c.date_text) in normal(phrase)


def _score_fields(
    report: dict[str, Any],
    incident: dict[str, Any],
    paired: list[Candidate],
    result: Measures,
    label: str,
) -> None:
    """Score type, counts, actor and date of one incident against its paired candidates."""
    want_type = TYPES.get(incident["event_type"])
    where = "/".join(incident["canonical_places"])
    result.paired += 1
    if want_type is not None:
        result.typed += 1
        types = {(c.kind.sub_event_type, c.kind.tag) for c in paired}
        if types == {want_type}:
            result.type_right += 1
        else:
            result.problems.append(f"{label}: {where} type {sorted(types)} != {want_type}")
    for attr, stated in (("killed", "killed_stated"), ("injured", "injured_stated")):
        values = [getattr(c, attr) for c in paired if getattr(c, attr) is not None]
        got = sum(values) if values else None
        right = got == incident[attr]
        setattr(result, f"{attr}_right", getattr(result, f"{attr}_right") + right)
        if incident[attr] is not None:
            setattr(result, stated, getattr(result, stated) + 1)
            setattr(result, f"{stated}_right", getattr(result, f"{stated}_right") + right)
        if not right:
            result.problems.append(f"{label}: {where} {attr} {got} != {incident[attr]}")
    actors = _expected_actors(incident["actor"])
    if actors is not None:
        result.actor_scored += 1
        got_actors = {c.actor1 for c in paired}
        if got_actors <= actors:
            result.actor_right += 1
        else:
            result.problems.append(
                f"{label}: {where} actor {sorted(got_actors)} not in {sorted(actors)} "
                f"({incident['actor']!r})"
            )
    if report["published"] is not None and incident["date"]:
        result.dated += 1
        dates = {c.date.isoformat() if c.date else None for c in paired}
        if dates == {incident["date"]}:
            result.date_right += 1
            result.date_day_precision += all(c.time_precision == 1 for c in paired)
        else:
            result.problems.append(
                f"{label}: {where} date {sorted(map(str, dates))} != {incident['date']} "
                f"({incident['date_phrase']!r})"
            )


if __name__ == "__main__":
    from geo.gazetteer import load_gazetteer

    if not available():
        print(f"{REPORTS_DIR} is absent: the real set cannot be scored here")
        sys.exit(0)
    gazetteer = load_gazetteer()
    first_look = "--first-look" in sys.argv
    for set_name in ("real", "seeds"):
        measured = measure(gazetteer, set_name, dated_only=first_look)
        print(set_name, json.dumps(measured.summary(), indent=1))
        print("place misses:", measured.missed_places)
        if "--problems" in sys.argv:
            print("\n".join(measured.problems))
