"""The report-ingest evaluation corpus (tests/data/ingest/) and the measures the README reports.

Place mentions are scored as sets of place ids per report (micro-averaged). Candidates are
paired with the expected ones by place (the place id, or the name as written when
unresolved), preferring the same type among several at one place; type, casualties and
dates are then scored over the pairs, so a missed place is counted once, in recall.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.ingest.extract import Candidate, extract
from geo.ingest.mentions import MentionFinder

if TYPE_CHECKING:
    from geo.geocode import Gazetteer

DATA = Path(__file__).resolve().parent / "data" / "ingest"
SETS = ("dev", "held_out", "fresh")


@dataclass
class Measures:
    reports: int = 0
    mention_tp: int = 0
    mention_expected: int = 0
    mention_found: int = 0
    candidate_tp: int = 0
    candidate_expected: int = 0
    candidate_found: int = 0
    pairs: int = 0
    type_right: int = 0
    casualties_right: int = 0
    killed_right: int = 0
    injured_right: int = 0
    dates_right: int = 0
    actor_right: int = 0
    unresolved_tp: int = 0
    unresolved_expected: int = 0
    problems: list[str] = field(default_factory=list)

    def rate(self, part: int, whole: int) -> float:
        return part / whole if whole else 1.0

    def summary(self) -> dict[str, float | int]:
        return {
            "reports": self.reports,
            "mention_recall": self.rate(self.mention_tp, self.mention_expected),
            "mention_precision": self.rate(self.mention_tp, self.mention_found),
            "candidate_place_recall": self.rate(self.candidate_tp, self.candidate_expected),
            "candidate_place_precision": self.rate(self.candidate_tp, self.candidate_found),
            "type_accuracy": self.rate(self.type_right, self.pairs),
            "casualties_exact": self.rate(self.casualties_right, self.pairs),
            "killed_exact": self.rate(self.killed_right, self.pairs),
            "injured_exact": self.rate(self.injured_right, self.pairs),
            "date_accuracy": self.rate(self.dates_right, self.pairs),
            "actor1_accuracy": self.rate(self.actor_right, self.pairs),
            "unresolved_recall": self.rate(self.unresolved_tp, self.unresolved_expected),
            "expected_candidates": self.candidate_expected,
            "expected_mentions": self.mention_expected,
        }


def reports(name: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    return data


def measure(gazetteer: Gazetteer, name: str) -> Measures:
    finder = MentionFinder(gazetteer)
    result = Measures()
    for report in reports(name):
        published = dt.date.fromisoformat(report["published"])
        found = extract(report["text"], published=published, finder=finder)
        result.reports += 1
        _score_mentions(report, found.places, result)
        expected_unresolved = set(report.get("unresolved", []))
        got_unresolved = {u.text for u in found.unresolved}
        result.unresolved_expected += len(expected_unresolved)
        result.unresolved_tp += len(expected_unresolved & got_unresolved)
        _score_candidates(report, list(found.candidates), result)
    return result


def _score_mentions(report: dict[str, Any], places: Any, result: Measures) -> None:
    expected = set(report["mentions"])
    got = {p.match.place.place_id for p in places}
    result.mention_expected += len(expected)
    result.mention_found += len(got)
    result.mention_tp += len(expected & got)
    for missing in sorted(expected - got):
        result.problems.append(f"{report['id']}: mention missed {missing}")
    for extra in sorted(got - expected):
        result.problems.append(f"{report['id']}: mention not expected {extra}")


def _key(place_id: str | None, location: str | None) -> str:
    return place_id or f"?{location}"


def _score_candidates(report: dict[str, Any], got: list[Candidate], result: Measures) -> None:
    expected = list(report["candidates"])
    result.candidate_expected += len(expected)
    result.candidate_found += len(got)
    free = list(got)
    for want in expected:
        key = _key(want["place_id"], want.get("location"))
        same_place = [c for c in free if _key(_place_id(c), c.mention) == key]
        if not same_place:
            result.problems.append(f"{report['id']}: candidate missed at {key}")
            continue
        same_type = [c for c in same_place if _type(c) == (want["sub_event_type"], want["tag"])]
        pick = (same_type or same_place)[0]
        free.remove(pick)
        result.candidate_tp += 1
        result.pairs += 1
        checks = {
            "type": _type(pick) == (want["sub_event_type"], want["tag"]),
            "casualties": (pick.killed, pick.injured) == (want["fatalities"], want["injured"]),
            "date": (str(pick.date), pick.time_precision)
            == (want["event_date"], want["time_precision"]),
            "actor1": pick.actor1 == want["actor1"],
        }
        result.type_right += checks["type"]
        result.casualties_right += checks["casualties"]
        result.killed_right += pick.killed == want["fatalities"]
        result.injured_right += pick.injured == want["injured"]
        result.dates_right += checks["date"]
        result.actor_right += checks["actor1"]
        got_values = {
            "type": _type(pick),
            "casualties": (pick.killed, pick.injured),
            "date": (str(pick.date), pick.time_precision),
            "actor1": pick.actor1,
        }
        want_values = {
            "type": (want["sub_event_type"], want["tag"]),
            "casualties": (want["fatalities"], want["injured"]),
            "date": (want["event_date"], want["time_precision"]),
            "actor1": want["actor1"],
        }
        result.problems += [
            f"{report['id']}: {key} {what} {got_values[what]} != {want_values[what]}"
            for what, ok in checks.items()
            if not ok
        ]
    for extra in free:
        key = _key(_place_id(extra), extra.mention)
        result.problems.append(f"{report['id']}: candidate not expected at {key}")


def _place_id(c: Candidate) -> str | None:
    return c.place.place.place_id if c.place is not None else None


def _type(c: Candidate) -> tuple[str, str]:
    return (c.kind.sub_event_type, c.kind.tag)


if __name__ == "__main__":
    import sys

    from geo.gazetteer import load_gazetteer

    gazetteer = load_gazetteer()
    for name in sys.argv[1:] or ["dev"]:
        measured = measure(gazetteer, name)
        print(name, json.dumps(measured.summary(), indent=1))  # noqa: T201
        print("\n".join(measured.problems))  # noqa: T201
