"""The geocoder's evaluation corpus (tests/data/) and the measures reported in the README."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from geo.coords import AREA_OF_INTEREST, LonLat
from geo.errors import AmbiguousPlaceError, PlaceNotFoundError
from geo.geocode import Gazetteer, distance_km

DATA = Path(__file__).resolve().parent / "data"
WITHIN_KM = 2.0


@dataclass
class Accuracy:
    total: int = 0
    top1: int = 0
    resolved_right: int = 0
    resolved_wrong: list[tuple[str, str]] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    misses_by_rule: Counter[str] = field(default_factory=Counter)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.total


def variants() -> list[dict[str, str]]:
    with (DATA / "geocode_variants.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def negatives() -> list[str]:
    with (DATA / "geocode_negatives.csv").open(encoding="utf-8") as handle:
        return [row["query"] for row in csv.DictReader(handle)]


def ambiguous_groups() -> dict[str, list[LonLat]]:
    """Names that stand for several places (inside the area of interest), with their points."""
    groups: dict[str, list[LonLat]] = {}
    with (DATA / "geocode_ambiguous.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            point = LonLat(float(row["lon"]), float(row["lat"]))
            if AREA_OF_INTEREST.contains(point) and row["label"] == row["query"]:
                groups.setdefault(row["query"], []).append(point)
    return {name: points for name, points in groups.items() if len(points) > 1}


def measure(gazetteer: Gazetteer) -> Accuracy:
    """Top-1 within 2 km, and what resolve() says, over every variant."""
    result = Accuracy()
    for row in variants():
        expected = LonLat(float(row["expected_lon"]), float(row["expected_lat"]))
        result.total += 1
        matches = gazetteer.geocode(row["query"])
        if matches and distance_km(matches[0].place.position, expected) <= WITHIN_KM:
            result.top1 += 1
        else:
            result.misses.append(row["query"])
            result.misses_by_rule[row["rule"]] += 1
        try:
            match = gazetteer.resolve(row["query"])
        except (PlaceNotFoundError, AmbiguousPlaceError):
            continue
        if distance_km(match.place.position, expected) <= WITHIN_KM:
            result.resolved_right += 1
        else:
            result.resolved_wrong.append((row["query"], match.place.name_en))
    return result


def confident_negatives(gazetteer: Gazetteer) -> list[tuple[str, str]]:
    """Names absent from the gazetteer that resolve() nevertheless answers (should be none)."""
    wrong = []
    for query in negatives():
        try:
            match = gazetteer.resolve(query)
        except (PlaceNotFoundError, AmbiguousPlaceError):
            continue
        wrong.append((query, match.place.name_en))
    return wrong
