"""Offline geocoding against the gazetteer: ranked matches with a score and how they matched.

Matching runs from strict to loose (see :mod:`geo.names`):

=============  =====================================================  ============
match          rule                                                   score
=============  =====================================================  ============
``exact``      the query folds to the place's primary name            1.00
``alias``      it folds to an alternate or Arabic name                0.97
``normalised`` same name once articles and generic words are unified  0.93
``normalised`` same once consonants merge and vowel spellings unify   0.91
``normalised`` same consonant skeleton, ranked by phonetic similarity 0.50 – 0.90
``fuzzy``      rapidfuzz similarity of phonetic keys or skeletons     below 0.85
=============  =====================================================  ============

:meth:`Gazetteer.resolve` returns a single place only when the best match scores at least
:data:`RESOLVE_MIN_SCORE` and no other place more than :data:`SAME_PLACE_KM` away scores
within :data:`AMBIGUITY_MARGIN` of it; otherwise it raises with the candidates.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from geo.errors import AmbiguousPlaceError, GeocodeInputError, PlaceNotFoundError
from geo.names import (
    clean,
    exact_key,
    is_arabic,
    normal_key,
    phonetic_of_normal,
    skeleton_of_normal,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from geo.coords import LonLat
    from geo.places import Place

RESOLVE_MIN_SCORE = 0.80
#: Matches at or above this score differ from the query only by spelling conventions, so
#: places matching at this level are equally good readings of the name.
SAME_NAME_SCORE = 0.91
AMBIGUITY_MARGIN = 0.03
SAME_PLACE_KM = 2.0
MAX_QUERY_CHARS = 200
EARTH_RADIUS_KM = 6371.0088
_FUZZY_CUTOFF = 75.0


@dataclass(frozen=True, slots=True)
class Match:
    """A candidate place for a query.

    ``distance_km`` is the distance from the ``near`` point when one was given.
    """

    place: Place
    score: float
    match: str
    matched_name: str
    distance_km: float | None = None

    def to_dict(self) -> dict[str, object]:
        """Return the match as JSON-ready data (lat/lon named, never a bare pair)."""
        place = self.place
        return {
            "place_id": place.place_id,
            "name": place.name_en,
            "name_ar": place.name_ar,
            "kind": place.kind,
            "lat": place.position.lat,
            "lon": place.position.lon,
            "precision_m": place.precision_m,
            "admin1": place.admin1,
            "admin2": place.admin2,
            "admin3": place.admin3,
            "score": self.score,
            "match": self.match,
            "matched_name": self.matched_name,
        }

    def describe(self) -> str:
        """Return one human-readable line: name, Arabic, position, admin area, score."""
        place = self.place
        admin = ", ".join(part for part in (place.admin3, place.admin2, place.admin1) if part)
        arabic = f" ({place.name_ar})" if place.name_ar else ""
        position = f"lat {place.position.lat:.5f}, lon {place.position.lon:.5f}"
        return (
            f"{place.name_en}{arabic} [{place.place_id}] {place.kind} at {position} "
            f"± {place.precision_m} m; {admin}; "
            f"score {self.score:.2f} ({self.match}: {self.matched_name})"
        )


def distance_km(a: LonLat, b: LonLat) -> float:
    """Great-circle distance on a sphere of the mean Earth radius (±0.5 %), in km."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat, dlon = lat2 - lat1, math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class Gazetteer:
    """An in-memory index of places by every key of every name.

    Parameters
    ----------
    places
        The places to index (see :func:`geo.places.load_places`).
    """

    def __init__(self, places: Iterable[Place]) -> None:
        self.places: list[Place] = list(places)
        self.by_id = {place.place_id: place for place in self.places}
        self._exact: dict[str, list[tuple[int, str, bool]]] = defaultdict(list)
        self._normal: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self._phonetic: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self._skeleton: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
        for index, place in enumerate(self.places):
            names = [(place.name_en, True), (place.name_ar, False)]
            names += [(alt, False) for alt in place.alt_names]
            for name, primary in names:
                if not name:
                    continue
                norm = normal_key(name)
                phon = phonetic_of_normal(norm)
                self._exact[exact_key(name)].append((index, name, primary))
                self._normal[norm].append((index, name))
                self._phonetic[phon].append((index, name))
                self._skeleton[skeleton_of_normal(norm)].append((index, name, phon))
        self._phonetic_keys = list(self._phonetic)
        self._skeleton_keys = list(self._skeleton)

    def geocode(
        self,
        name: str,
        *,
        near: LonLat | str | None = None,
        kinds: Iterable[str] | None = None,
        limit: int = 10,
    ) -> list[Match]:
        """Return the places ``name`` may mean, best first.

        Parameters
        ----------
        name
            A place name in Latin or Arabic script, in any common spelling.
        near
            Context: a position (closer places rank first among equals) or an admin area
            name (governorate, district or sub-district; only places inside it are kept).
        kinds
            Keep only places of these kinds (``village``, ``town``, ``area`` ...).
        limit
            At most this many matches.

        Raises
        ------
        GeocodeInputError
            If ``name`` is not a string or is longer than :data:`MAX_QUERY_CHARS`.
        """
        text = _check_query(name)
        if not any(ch.isalpha() for ch in text):
            return []
        best: dict[int, tuple[float, str, str]] = {}
        for part, weight in _query_variants(text):
            for index, raw_score, how, matched in self._candidates(part):
                score = raw_score * weight
                if index not in best or score > best[index][0]:
                    best[index] = (score, how, matched)
        wanted_kinds = set(kinds) if kinds is not None else None
        matches = []
        for index, (score, how, matched) in best.items():
            place = self.places[index]
            if wanted_kinds is not None and place.kind not in wanted_kinds:
                continue
            if isinstance(near, str) and not _in_admin(place, near):
                continue
            dist = (
                distance_km(near, place.position)
                if near is not None and not isinstance(near, str)
                else None
            )
            matches.append(Match(place, round(score, 4), how, matched, dist))
        matches.sort(key=_rank)
        return matches[:limit]

    def resolve(
        self, name: str, *, near: LonLat | str | None = None, kinds: Iterable[str] | None = None
    ) -> Match:
        """Return the one place ``name`` means, or raise with the candidates.

        Among equally good matches at different places, a ``near`` position picks the
        closest when it is within 30 km and the next is at least twice as far.

        Raises
        ------
        PlaceNotFoundError
            No match scores :data:`RESOLVE_MIN_SCORE`; ``suggestions`` holds the best ones.
        AmbiguousPlaceError
            Several places match about equally well; ``candidates`` holds them.
        """
        by_id = self.by_id.get(name.strip()) if isinstance(name, str) else None
        if by_id is not None:
            return Match(by_id, 1.0, "id", by_id.place_id)
        matches = self.geocode(name, near=near, kinds=kinds)
        if not matches or matches[0].score < RESOLVE_MIN_SCORE:
            raise PlaceNotFoundError(name, matches[:5])
        top = matches[0]
        floor = SAME_NAME_SCORE if top.score >= SAME_NAME_SCORE else top.score - AMBIGUITY_MARGIN
        rivals = [
            m
            for m in matches[1:]
            if m.score >= floor
            and distance_km(m.place.position, top.place.position) > SAME_PLACE_KM
        ]
        if not rivals:
            return top
        tied = [top, *rivals]
        if near is not None and not isinstance(near, str):
            tied.sort(key=lambda m: m.distance_km or 0.0)
            first, second = tied[0].distance_km or 0.0, tied[1].distance_km or 0.0
            if first <= 30 and second >= 2 * first:  # noqa: PLR2004
                return tied[0]
        raise AmbiguousPlaceError(name, tied)

    def resolve_each(
        self,
        names: Iterable[str],
        *,
        near: LonLat | str | None = None,
        kinds: Iterable[str] | None = None,
    ) -> list[dict[str, object]]:
        """Resolve every name; return one JSON-ready result each, resolved or not.

        An unresolved name's result has ``resolved`` False, the ``error`` message and the
        ``candidates`` (suggestions or the tied places).
        """
        results: list[dict[str, object]] = []
        for name in names:
            try:
                match = self.resolve(name, near=near, kinds=kinds)
            except (PlaceNotFoundError, AmbiguousPlaceError, GeocodeInputError) as exc:
                options = getattr(exc, "suggestions", None) or getattr(exc, "candidates", [])
                results.append({"query": name, "resolved": False, "error": str(exc),
                                "candidates": [m.to_dict() for m in options]})  # fmt: skip
                continue
            results.append({"query": name, "resolved": True, **match.to_dict(), "candidates": []})
        return results

    def could_name(self, text: str) -> bool:
        """Return True if ``text`` has the exact, normal, phonetic or skeleton key of a name.

        A cheap test before :meth:`geocode` when scanning running text for place names: it
        never runs fuzzy matching, so a False here means no close spelling is indexed.
        """
        norm = normal_key(text)
        if not norm:
            return False
        return (
            exact_key(text) in self._exact
            or norm in self._normal
            or phonetic_of_normal(norm) in self._phonetic
            or skeleton_of_normal(norm) in self._skeleton
        )

    def search(self, text: str, *, limit: int = 20) -> list[Match]:
        """Browse: places whose names contain ``text`` (folded), then fuzzy matches."""
        query = _check_query(text)
        key = exact_key(query)
        if not key:
            return []
        found: dict[int, Match] = {}
        for name_key, entries in self._exact.items():
            if key in name_key:
                for index, name, _primary in entries:
                    starts_word = name_key.startswith(key) or f" {key}" in name_key
                    score = 1.0 if name_key == key else 0.95 if starts_word else 0.9
                    if index not in found or found[index].score < score:
                        found[index] = Match(self.places[index], score, "contains", name)
        for match in self.geocode(query, limit=limit):
            index = self.places.index(match.place)
            if index not in found:
                found[index] = match
        ranked = sorted(found.values(), key=lambda m: (-m.score, m.place.name_en, m.place.place_id))
        return ranked[:limit]

    def nearest(self, point: LonLat, *, k: int = 1) -> list[tuple[Place, float]]:
        """Return the ``k`` places nearest to ``point`` with their distance in km."""
        ranked = sorted((distance_km(point, p.position), p.place_id, p) for p in self.places)
        return [(place, dist) for dist, _, place in ranked[:k]]

    def _candidates(self, text: str) -> Iterable[tuple[int, float, str, str]]:
        norm = normal_key(text)
        phon, skel = phonetic_of_normal(norm), skeleton_of_normal(norm)
        same_name = False
        for index, name, primary in self._exact.get(exact_key(text), ()):
            same_name = True
            yield index, 1.0 if primary else 0.97, "exact" if primary else "alias", name
        for index, name in self._normal.get(norm, ()):
            same_name = True
            yield index, 0.93, "normalised", name
        for index, name in self._phonetic.get(phon, ()):
            same_name = True
            yield index, 0.91, "normalised", name
        for index, name, name_phon in self._skeleton.get(skel, ()):
            similarity = fuzz.ratio(phon, name_phon)
            yield index, 0.50 + 0.40 * similarity / 100, "normalised", name
        # Fuzzy candidates score below every same-name match, so they cannot change what
        # resolve() decides once one exists; skipping them keeps exact lookups fast.
        if same_name or len(phon) < 3:  # noqa: PLR2004 - too short for fuzzy matching
            return
        for choice, similarity, _ in process.extract(
            phon, self._phonetic_keys, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF, limit=10
        ):
            for index, name in self._phonetic[choice]:
                yield index, 0.85 * similarity / 100, "fuzzy", name
        if len(skel) >= 3 and not is_arabic(text):  # noqa: PLR2004
            for choice, similarity, _ in process.extract(
                skel, self._skeleton_keys, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF, limit=10
            ):
                for index, name, _ in self._skeleton[choice]:
                    yield index, 0.80 * similarity / 100, "fuzzy", name


def describe_result(result: dict[str, object]) -> str:
    """Return one :meth:`Gazetteer.resolve_each` result as "Name (lat, lon)" or UNRESOLVED."""
    if not result["resolved"]:
        return "UNRESOLVED"
    lat, lon = result["lat"], result["lon"]
    return f"{result['name']} ({lat:.5f}, {lon:.5f})"


def _rank(match: Match) -> tuple[float, float, float, str]:
    """Sort key: same-name matches first as one tier (nearest first), then by score."""
    tier = 1.0 if match.score >= SAME_NAME_SCORE else match.score
    return (-tier, match.distance_km or 0.0, -match.score, match.place.place_id)


def _check_query(name: object) -> str:
    if not isinstance(name, str):
        msg = f"a place name must be text, not {type(name).__name__}"
        raise GeocodeInputError(msg)
    text = clean(name)
    if len(text) > MAX_QUERY_CHARS:
        msg = f"place name is {len(text):,} characters long; the limit is {MAX_QUERY_CHARS}"
        raise GeocodeInputError(msg)
    return text


def _query_variants(text: str) -> list[tuple[str, float]]:
    """Return the texts to look up for a query, each with a score weight.

    Mixed-script text is looked up as its Arabic and its Latin part. "dh" stands for both
    dhal (also written z) and dad (also written d): the skeleton reads it as z, so a "d"
    reading is tried too.
    """
    parts = [(text, 1.0)]
    if is_arabic(text) and any("a" <= ch.lower() <= "z" for ch in text):
        arabic = "".join(ch if is_arabic(ch) or ch == " " else " " for ch in text)
        latin = "".join(" " if is_arabic(ch) else ch for ch in text)
        parts = [(part, 0.95) for part in (arabic, latin) if part.strip()]
    out = list(parts)
    for part, weight in parts:
        if "dh" in part.casefold():
            out.append((re.sub("dh", "d", part, flags=re.IGNORECASE), weight * 0.98))
    return out


def _in_admin(place: Place, area: str) -> bool:
    wanted = normal_key(area)
    return any(
        normal_key(name) == wanted for name in (place.admin1, place.admin2, place.admin3) if name
    )
