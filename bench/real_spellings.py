"""The real-spellings set: place names as real reports write them, each with the place meant.

Read at benchmark time from ``../shared/reports/`` (``real/reports.jsonl`` with
``real/places.csv``, and ``seeds/seeds.jsonl`` with ``seeds/seeds_places.csv``). Nothing of it
is copied into the project: a user's clone has no ``../shared``, and then :func:`load` returns
``None`` and the benchmark says the set was not measured.

Each distinct (spelling, place meant) pair counts once. A pair whose place has a position is
scored for right / wrong / unresolved; a pair whose place no gazetteer locates ("NOT FOUND")
is an *absent name* and must not resolve, unless it is a region, road or area reference (the
annotation says so), which is neither scored nor counted as absent.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from geo.coords import LonLat
from geo.errors import AmbiguousPlaceError, PlaceNotFoundError
from geo.geocode import Gazetteer, Match, distance_km

REPORTS = Path(__file__).resolve().parents[2] / "shared" / "reports"
#: Words in a NOT FOUND annotation that mark a reference to a region, road or area, not a place.
_FILES = (
    ("real/reports.jsonl", "real/places.csv"),
    ("seeds/seeds.jsonl", "seeds/seeds_places.csv"),
)
_NOT_A_PLACE = ("region-level", "governorate-level", "road,", "area,", "area not", "plain,")


@dataclass(frozen=True, slots=True)
class Spelling:
    """One name as written, the language of its report and where the place meant lies."""

    text: str
    lang: str
    canonical: str
    position: LonLat | None  # None: no gazetteer locates it (an absent name)
    tolerance_km: float
    context: tuple[str, ...] = ()  # the other names written in the same report


@dataclass
class RealScore:
    """What resolve() answered on the set."""

    scored: int = 0
    right: int = 0
    right_ambiguous: int = 0
    wrong: list[tuple[str, str, str]] = field(default_factory=list)
    unresolved: list[tuple[str, str, str]] = field(default_factory=list)
    absent: int = 0
    absent_resolved: list[tuple[str, str]] = field(default_factory=list)

    @property
    def right_rate(self) -> float:
        """Share of the scored spellings answered right."""
        return self.right / self.scored if self.scored else 0.0


def load(root: Path = REPORTS) -> list[Spelling] | None:
    """Return the set, or None when ``root`` (``../shared/reports``) is not there."""
    if not (root / "real" / "reports.jsonl").exists():
        return None
    out: dict[tuple[str, str], Spelling] = {}
    for reports_file, places_file in _FILES:
        places = _places(root / places_file)
        with (root / reports_file).open(encoding="utf-8") as handle:
            reports = [json.loads(line) for line in handle if line.strip()]
        for report in reports:
            written = [name for incident in report["incidents"] for name in incident["places"]]
            for incident in report["incidents"]:
                for text, canonical in zip(
                    incident["places"], incident["canonical_places"], strict=True
                ):
                    row = places.get(canonical)
                    if row is None or (not row["lat"] and _not_a_place(row["source"])):
                        continue
                    position = LonLat(float(row["lon"]), float(row["lat"])) if row["lat"] else None
                    context = tuple(dict.fromkeys(n for n in written if n != text))
                    out.setdefault(
                        (text, canonical),
                        Spelling(text, report["lang"], canonical, position,
                                 float(row["tolerance_km"] or 3), context),
                    )  # fmt: skip
    return list(out.values())


def _places(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return {row["canonical"]: row for row in csv.DictReader(handle)}


def _not_a_place(note: str) -> bool:
    lowered = note.casefold()
    return any(word in lowered for word in _NOT_A_PLACE) or "highway" in lowered


def score(
    gazetteer: Gazetteer, spellings: list[Spelling], *, with_context: bool = False
) -> RealScore:
    """Resolve every spelling and score the answers.

    Without context each name is resolved alone. ``with_context`` passes, as ``ingest``
    does, the positions of the report's other names that resolve alone as context points.
    An ambiguous answer counts as right only when one candidate is the place meant and every
    other candidate lies beyond the tolerance from it (they really are other places).
    """
    result = RealScore()
    alone = _resolved_alone(gazetteer, spellings)
    for item in spellings:
        points = [p for n in item.context if (p := alone[n]) is not None] if with_context else []
        if item.position is None:
            result.absent += 1
            found = _answer(gazetteer, item, points)
            if isinstance(found, Match):
                result.absent_resolved.append((item.text, found.place.name_en))
            continue
        result.scored += 1
        _score_one(item, item.position, _answer(gazetteer, item, points), result)
    return result


def _resolved_alone(gazetteer: Gazetteer, spellings: list[Spelling]) -> dict[str, LonLat | None]:
    alone: dict[str, LonLat | None] = {}
    for item in spellings:
        for name in (item.text, *item.context):
            if name not in alone:
                found = _answer(gazetteer, replace(item, text=name), [])
                alone[name] = found.place.position if isinstance(found, Match) else None
    return alone


def _answer(
    gazetteer: Gazetteer, item: Spelling, points: list[LonLat]
) -> Match | list[Match] | None:
    """Return the resolved match, the tied candidates, or None when nothing matches."""
    try:
        return gazetteer.resolve(item.text, context=points)
    except PlaceNotFoundError:
        return None
    except AmbiguousPlaceError as exc:
        return list(exc.candidates)


def _score_one(
    item: Spelling, truth: LonLat, found: Match | list[Match] | None, result: RealScore
) -> None:
    if found is None:
        result.unresolved.append((item.lang, item.text, item.canonical))
    elif isinstance(found, list):
        near = [m for m in found if distance_km(m.place.position, truth) <= item.tolerance_km]
        if len(near) == 1:
            result.right += 1
            result.right_ambiguous += 1
        else:
            result.unresolved.append((item.lang, item.text, item.canonical))
    elif distance_km(found.place.position, truth) <= item.tolerance_km:
        result.right += 1
    else:
        result.wrong.append((item.lang, item.text, found.place.name_en))
