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
``typo``       one letter dropped, doubled, swapped or changed        0.86
``fuzzy``      rapidfuzz similarity of phonetic keys or skeletons     below 0.85
=============  =====================================================  ============

The query is also looked up in its other readings (:func:`geo.names.query_readings`: Turkish
orthography and suffixes, l typed as I or 1, attached Arabic prepositions, "city of"), at a
slightly lower weight. A name that matches one place also matches every place with the same
primary name (a translated name that GeoNames gives one of two same-named villages
matches both). Loose matches (typo, fuzzy)
must match the distinctive part of the name by itself: "Tal al-Xyz" does not match Tal
Abyad through "Tal".

:meth:`Gazetteer.resolve` returns a single place only when the best match scores at least
:data:`RESOLVE_MIN_SCORE` and no other place more than :data:`SAME_PLACE_KM` away scores
within :data:`AMBIGUITY_MARGIN` of it, or when the one city among same-named places is meant,
or when context (a position, several context points such as the other places of the same
report) picks one; otherwise it raises with the candidates.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from geo.errors import AmbiguousPlaceError, GeocodeInputError, PlaceNotFoundError
from geo.names import (
    ARTICLES,
    COMMON_WORDS,
    clean,
    distinctive,
    exact_key,
    fold_arabic,
    is_arabic,
    name_keys,
    normal_key,
    normal_of_exact,
    phonetic_of_normal,
    query_readings,
    skeleton_of_normal,
)
from geo.places import Place  # noqa: TC001 - used at run time by _prominence's annotation

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    import numpy as np
    from numpy.typing import NDArray

    from geo.coords import LonLat

RESOLVE_MIN_SCORE = 0.80
#: The score of a match on one of a place's alternate names (1.0 for its primary name).
ALIAS_SCORE = 0.97
#: Matches at or above this score differ from the query only by spelling conventions, so
#: places matching at this level are equally good readings of the name.
SAME_NAME_SCORE = 0.91
AMBIGUITY_MARGIN = 0.03
#: Candidates this close are one place (the same village in two sources, or its quarters).
SAME_PLACE_KM = 4.0
#: A ``near`` position picks the nearest candidate only if it is this close and the next
#: candidate is at least twice as far; context points (related places) need to be closer.
NEAR_KM = 30.0
CONTEXT_KM = 15.0
TYPO_SCORE = 0.86
#: Typing damage is only assumed in names this long (distinctive part, folded letters).
TYPO_MIN_LETTERS = 6
MAX_QUERY_CHARS = 200
EARTH_RADIUS_KM = 6371.0088
_FUZZY_CUTOFF = 75.0
#: How alike (0-100) the distinctive parts of a loose match must be by themselves.
_DISTINCTIVE_CUTOFF = 65.0
#: Same-name siblings rank just below the place the query matched directly.
_SIBLING_PENALTY = 0.005
#: The lowest score of a place that is as good a reading of the name as the best one: a
#: same-name sibling of a place matched at :data:`SAME_NAME_SCORE` scores this.
SAME_NAME_FLOOR = SAME_NAME_SCORE - _SIBLING_PENALTY
#: A normalised match that drops an article the place never carries ("al-Hamah" for Hamah).
_ADDED_ARTICLE_FACTOR = 0.9
#: Words that make two halves of one village name ("Barza Tahtani", "Barza Fawqani").
_QUALIFIERS = ("tahtani", "fawqani")


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
            "geonames_id": place.geonames_id,
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
    keys
        The :func:`~geo.names.name_keys` of every name, in :func:`index_names` order, when
        already known (:func:`geo.gazetteer.load_gazetteer` keeps them between runs).
    """

    def __init__(
        self, places: Iterable[Place], *, keys: Sequence[tuple[str, str, str, str]] | None = None
    ) -> None:
        self.places: list[Place] = list(places)
        self.by_id = {place.place_id: place for place in self.places}
        self._exact: dict[str, list[tuple[int, str, bool]]] = defaultdict(list)
        self._normal: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self._phonetic: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self._distinctive: dict[str, str] = {}  # phonetic key -> its distinctive part
        self._normal_of_phonetic: dict[str, str] = {}  # its first name's normal key
        self._leading: dict[str, list[tuple[int, str]]] | None = None  # first words of names
        self._qualified: dict[str, list[int]] | None = None  # "X" -> places "X Tahtani" ...
        self._length_index: dict[str, _KeysByLength] = {}  # fuzzy candidates by length
        self._blocks: dict[str, dict[tuple[str, int], list[str]]] = {}  # typo candidates
        self._sibling_cache: dict[int, frozenset[int]] = {}
        self._primary_keys: dict[int, str] = {}
        self._article_takers: dict[int, bool] = {}
        self._skeleton: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
        # Places by the phonetic key of their primary name (and the normal key of their
        # Arabic name), for same-name siblings.
        self._siblings: dict[str, list[int]] = defaultdict(list)
        keyed = iter(keys) if keys is not None else None
        for index, place in enumerate(self.places):
            for name, primary in _names_of(place):
                exact, norm, phon, skel = name_keys(name) if keyed is None else next(keyed)
                self._exact[exact].append((index, name, primary))
                self._normal[norm].append((index, name))
                self._phonetic[phon].append((index, name))
                self._skeleton[skel].append((index, name, phon))
                self._normal_of_phonetic.setdefault(phon, norm)
                if primary:
                    self._siblings[phon].append(index)
                elif name is place.name_ar:
                    self._siblings[norm].append(index)
        self._phonetic_keys = list(self._phonetic)
        self._skeleton_keys = list(self._skeleton)
        self._sorted_skeletons: list[str] | None = None  # for could_begin, built on first use

    def geocode(
        self,
        name: str,
        *,
        near: LonLat | str | None = None,
        kinds: Iterable[str] | None = None,
        limit: int = 10,
        fuzzy: bool = True,
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
        fuzzy
            Run the rapidfuzz pass among the loose candidates. Scanning running text for
            mentions turns it off: it is the slowest pass.

        Raises
        ------
        GeocodeInputError
            If ``name`` is not a string or is longer than :data:`MAX_QUERY_CHARS`.
        """
        text = _check_query(name)
        if not any(ch.isalpha() for ch in text):
            return []
        best: dict[int, tuple[float, str, str]] = {}
        parts = _script_parts(text)
        self._collect(parts, best, loose=False)
        variants = parts
        if not any(how in {"exact", "alias"} for _, how, _ in best.values()):
            # Not found as written: try the other readings (Turkish, typing, prepositions).
            readings = _readings(parts)
            self._collect(readings, best, loose=False)
            variants = parts + readings
        if max((score for score, _, _ in best.values()), default=0.0) < TYPO_SCORE:
            # Loose candidates score at most TYPO_SCORE: they cannot change what resolve()
            # decides once a same-name match exists, so they run only when none does.
            self._collect(variants, best, loose=True, fuzzy=fuzzy)
        if _has_article(text):
            self._penalise_added_article(best)
        self._add_siblings(best)
        self._add_qualified(best)
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

    def _collect(
        self,
        variants: list[tuple[str, float]],
        best: dict[int, tuple[float, str, str]],
        *,
        loose: bool,
        fuzzy: bool = True,
    ) -> None:
        """Add the (strict or loose) candidates of every variant to ``best``, weighted."""
        for part, weight in variants:
            found = self._loose(part, fuzzy=fuzzy) if loose else self._strict(part)
            for index, raw_score, how, matched in found:
                score = raw_score * weight
                if index not in best or score > best[index][0]:
                    best[index] = (score, how, matched)

    def _add_siblings(self, best: dict[int, tuple[float, str, str]]) -> None:
        """Give places that share a matched place's primary name (Latin or Arabic) its score."""
        for index, (score, how, matched) in list(best.items()):
            if score < SAME_NAME_SCORE:
                continue
            for other in self._siblings_of(index):
                if other not in best or best[other][0] < score - _SIBLING_PENALTY:
                    best[other] = (score - _SIBLING_PENALTY, how, matched)

    def _siblings_of(self, index: int) -> frozenset[int]:
        """Return the places sharing the primary name (Latin or Arabic) of place ``index``."""
        found = self._sibling_cache.get(index)
        if found is None:
            place = self.places[index]
            keys = [self._primary_key(index)]
            keys += [normal_key(place.name_ar)] if place.name_ar else []
            found = frozenset(i for key in keys for i in self._siblings.get(key, ()))
            self._sibling_cache[index] = found
        return found

    def _primary_key(self, index: int) -> str:
        """Return the phonetic key of the primary name of place ``index`` (cached)."""
        key = self._primary_keys.get(index)
        if key is None:
            key = self._primary_keys[index] = phonetic_of_normal(
                normal_key(self.places[index].name_en)
            )
        return key

    def _penalise_added_article(self, best: dict[int, tuple[float, str, str]]) -> None:
        """Lower a normalised match that needs the query's article dropped, for places without one.

        "al-Hamah" is not the village Hamah: an article that none of the place's names
        (Latin or Arabic) carries is evidence of another place, whereas a dropped article
        ("Bara" for al-Bara) is everyday spelling.
        """
        for index, (score, how, matched) in list(best.items()):
            if how == "normalised" and not self._takes_article(index):
                best[index] = (score * _ADDED_ARTICLE_FACTOR, how, matched)

    def _takes_article(self, index: int) -> bool:
        """Return True if a name of place ``index`` (Latin or Arabic) has an article (cached)."""
        found = self._article_takers.get(index)
        if found is None:
            place = self.places[index]
            latin = [place.name_en, *(n for n in place.alt_names if not is_arabic(n))]
            arabic = [n for n in (place.name_ar, *place.alt_names) if n and is_arabic(n)]
            found = self._article_takers[index] = any(_has_article(n) for n in latin) or any(
                w.startswith("ال") for n in arabic for w in fold_arabic(n).split()
            )
        return found

    def _add_qualified(self, best: dict[int, tuple[float, str, str]]) -> None:
        """Give "X Tahtani" and "X Fawqani" (lower and upper X) a same-name match on X.

        Reports name the two halves of a village pair by the bare name, so a query that
        means one place called X also means them (in Arabic too: the pair often has only a
        Latin name, reached through the Latin name of the place the Arabic matched).
        """
        if self._qualified is None:  # built on first use
            qualifiers = {phonetic_of_normal(normal_key(w)) for w in _QUALIFIERS}
            self._qualified = defaultdict(list)
            for key, entries in self._phonetic.items():
                words = key.split()
                if len(words) > 1 and words[-1] in qualifiers:
                    self._qualified[" ".join(words[:-1])].extend(i for i, _ in entries)
        for index, (score, how, matched) in list(best.items()):
            if score < SAME_NAME_SCORE:
                continue
            for other in self._qualified.get(self._primary_key(index), ()):
                if other not in best or best[other][0] < score - _SIBLING_PENALTY:
                    best[other] = (score - _SIBLING_PENALTY, how, matched)

    def resolve(
        self,
        name: str,
        *,
        near: LonLat | str | None = None,
        kinds: Iterable[str] | None = None,
        context: Sequence[LonLat] = (),
        matches: Sequence[Match] | None = None,
    ) -> Match:
        """Return the one place ``name`` means, or raise with the candidates.

        Among equally good matches at different places (same-named villages far apart):

        - one that is a city wins over villages of the same name ("Hama", "Idlib");
        - a curated seed place wins over namesakes that only GeoNames lists;
        - a ``near`` position picks the closest when it is within :data:`NEAR_KM` and the
          next is at least twice as far;
        - ``context`` points do the same within :data:`CONTEXT_KM` of the nearest: pass the
          positions of the other places a report names (``ingest`` does), or of the
          incidents around it;
        - ``near`` given as an admin area name (``--in Ariha``) keeps only places inside it.

        Parameters
        ----------
        name
            A place name in any spelling, or a place id.
        near
            A position (LonLat) or an admin area name.
        kinds
            Keep only places of these kinds.
        context
            Positions of related places (e.g. the other places of the same report).
        matches
            What ``geocode(name, near=near, kinds=kinds)`` returns, when the caller has it
            already (the report ingester remembers it per name); computed otherwise.

        Examples
        --------
        >>> from geo.gazetteer import load_gazetteer
        >>> from geo.coords import LonLat
        >>> gazetteer = load_gazetteer()
        >>> gazetteer.resolve("Sheikh Ali", context=[LonLat(36.52, 35.80)]).place.place_id
        'sheikh_ali'

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
        if matches is None:
            matches = self.geocode(name, near=near, kinds=kinds)
        matches = list(matches)
        if not matches or matches[0].score < RESOLVE_MIN_SCORE or matches[0].match == "fuzzy":
            raise PlaceNotFoundError(name, matches[:5])
        top = matches[0]
        # A same-name sibling ranks a hair below the place matched directly but rivals it.
        floor = SAME_NAME_FLOOR if top.score >= SAME_NAME_SCORE else top.score - AMBIGUITY_MARGIN
        rivals: list[Match] = []
        for m in matches[1:]:  # one rival per place: records within SAME_PLACE_KM are one
            if m.score >= floor and all(
                distance_km(m.place.position, seen.place.position) > SAME_PLACE_KM
                for seen in (top, *rivals)
            ):
                rivals.append(m)
        if not rivals:
            return top
        tied = [top, *rivals]
        # The one city among same-named places is meant, when the name is the city's own
        # (a variant that needed an article dropped, "al-Hamah", is no name of Hama's).
        cities = [m for m in tied if m.place.kind == "city"]
        if len(cities) == 1 and top.score >= SAME_NAME_FLOOR:
            return cities[0]
        curated = [m for m in tied if "curated" in m.place.sources]
        if len(curated) == 1 and all(_prominence(m.place) == 0 for m in tied if m not in curated):
            return curated[0]  # the project's seed place over villages only GeoNames lists
        if near is not None and not isinstance(near, str):
            chosen = _closest_to(tied, [near], within_km=NEAR_KM)
            if chosen is not None:
                return chosen
        chosen = _closest_to(tied, context, within_km=CONTEXT_KM)
        if chosen is not None:
            return chosen
        raise AmbiguousPlaceError(name, tied)

    def resolve_each(
        self,
        names: Iterable[str],
        *,
        near: LonLat | str | None = None,
        kinds: Iterable[str] | None = None,
        context: Sequence[LonLat] = (),
    ) -> list[dict[str, object]]:
        """Resolve every name; return one JSON-ready result each, resolved or not.

        An unresolved name's result has ``resolved`` False, the ``error`` message and the
        ``candidates`` (suggestions or the tied places).
        """
        results: list[dict[str, object]] = []
        for name in names:
            try:
                match = self.resolve(name, near=near, kinds=kinds, context=context)
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
        never runs fuzzy matching, so a False here means no close spelling is indexed. An
        everyday word that is also a village name (:data:`geo.names.COMMON_WORDS`: المدينة
        "the city", آذار "March") answers False: in running text it is not a place.
        """
        return self.could_name_keys(*scan_keys(text))

    def could_name_same(self, text: str) -> bool:
        """Return False only if :meth:`geocode` cannot score ``text`` at :data:`SAME_NAME_SCORE`.

        Every match at that score comes from a name sharing the exact, normal or phonetic
        key of the text or of one of its readings (siblings and qualified names follow such
        a match; the other passes score lower), so a text none of whose readings has one
        cannot reach it: a cheap test that spares the whole geocoding of a word that only a
        same-name match would make a place (a frequent English or Turkish word).
        """
        parts = _script_parts(_check_query(text))
        for variant, _ in parts + _readings(parts):
            exact = exact_key(variant)
            norm = normal_of_exact(exact)
            if exact in self._exact or norm in self._normal:
                return True
            if phonetic_of_normal(norm) in self._phonetic:
                return True
        return False

    def could_name_keys(self, norm: str, skel: str) -> bool:
        """Return :meth:`could_name` of a text whose :func:`scan_keys` are given."""
        # The exact, normal and phonetic keys each determine the skeleton (see
        # geo.names), so a name sharing any of them shares the skeleton: one test does.
        return bool(norm) and norm not in COMMON_WORDS and skel in self._skeleton

    def could_begin(self, text: str) -> bool:
        """Return True if a longer name could start with ``text`` (its skeleton begins one).

        Every key :meth:`could_name` tests determines the skeleton, and the skeleton of a
        name of several words starts with the skeleton of its first words, so when this is
        False no name that starts with ``text`` passes :meth:`could_name` (articles alone and
        Turkish letters, which change the reading of the words before them, aside).
        """
        return self.could_begin_keys(scan_keys(text)[1])

    def could_begin_keys(self, skel: str) -> bool:
        """Return :meth:`could_begin` of a text whose skeleton is ``skel``."""
        if self._sorted_skeletons is None:
            self._sorted_skeletons = sorted(self._skeleton_keys)
        keys = self._sorted_skeletons
        at = bisect.bisect_left(keys, skel)
        return at < len(keys) and keys[at].startswith(skel)

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

    def _strict(self, text: str) -> Iterable[tuple[int, float, str, str]]:
        """Same-name candidates (exact, normal, phonetic keys) and skeleton neighbours."""
        exact = exact_key(text)
        norm = normal_of_exact(exact)
        phon, skel = phonetic_of_normal(norm), skeleton_of_normal(norm)
        for index, name, primary in self._exact.get(exact, ()):
            yield index, 1.0 if primary else ALIAS_SCORE, "exact" if primary else "alias", name
        for index, name in self._normal.get(norm, ()):
            yield index, 0.93, "normalised", name
        for index, name in self._phonetic.get(phon, ()):
            yield index, 0.91, "normalised", name
        if not distinctive(norm) and not is_arabic(norm):
            return  # generic words only: no skeleton neighbours
        for index, name, name_phon in self._skeleton.get(skel, ()):
            yield index, 0.50 + 0.40 * fuzz.ratio(phon, name_phon) / 100, "normalised", name

    def _loose(self, text: str, *, fuzzy: bool = True) -> Iterable[tuple[int, float, str, str]]:
        """Typo, first-words and fuzzy candidates; they must match the distinctive part."""
        norm = normal_key(text)
        phon, skel = phonetic_of_normal(norm), skeleton_of_normal(norm)
        if len(phon) < 3:  # noqa: PLR2004 - too short for loose matching
            return
        arabic = is_arabic(text)
        own = _distinctive_phonetic(norm)
        if not own:
            return  # only generic words ("Jabal", "Tal al-"): nothing distinctive to match
        written = len(distinctive(norm).replace(" ", "")) if not arabic else len(own)
        yield from self._typos(phon if not arabic else skel, own, written=written, arabic=arabic)
        yield from self._leading_words(norm, own)
        if fuzzy:
            yield from self._fuzzy(phon, skel, own, arabic=arabic)

    def _fuzzy(
        self, phon: str, skel: str, own: str, *, arabic: bool
    ) -> Iterable[tuple[int, float, str, str]]:
        """Rapidfuzz neighbours of the phonetic key and the skeleton (suggestions only).

        A neighbour counts only if its distinctive part is alike too: a match must not rest
        on a generic word.
        """
        for choice, similarity, _ in process.extract(
            phon,
            self._by_length("phonetic").near(phon),
            scorer=fuzz.ratio,
            score_cutoff=_FUZZY_CUTOFF,
            limit=10,
        ):
            if fuzz.ratio(own, self._distinctive_of(choice)) < _DISTINCTIVE_CUTOFF:
                continue
            for index, name in self._phonetic[choice]:
                yield index, 0.85 * similarity / 100, "fuzzy", name
        if len(skel) >= 3 and not arabic:  # noqa: PLR2004
            for choice, similarity, _ in process.extract(
                skel,
                self._by_length("skeleton").near(skel),
                scorer=fuzz.ratio,
                score_cutoff=_FUZZY_CUTOFF,
                limit=10,
            ):
                for index, name, name_phon in self._skeleton[choice]:
                    if fuzz.ratio(own, self._distinctive_of(name_phon)) < _DISTINCTIVE_CUTOFF:
                        continue
                    yield index, 0.80 * similarity / 100, "fuzzy", name

    def _typos(
        self, key: str, own: str, *, written: int, arabic: bool
    ) -> Iterable[tuple[int, float, str, str]]:
        """Names one letter away: dropped, doubled or added, or two neighbours swapped.

        Only for names whose distinctive part has ``written`` >= :data:`TYPO_MIN_LETTERS`
        letters (two fewer in Arabic, which writes no short vowels), and the slip must be in
        that part.
        """
        if written < TYPO_MIN_LETTERS - (2 if arabic else 0):
            return
        # One slip keeps the first letter and changes the length by at most one.
        blocks = self._slip_blocks("skeleton" if arabic else "phonetic")
        keys = [k for n in (-1, 0, 1) for k in blocks.get((key[:1], len(key) + n), ())]
        for choice, _, _ in process.extract(
            key, keys, scorer=OSA.distance, score_cutoff=1, limit=10
        ):
            if not _one_slip(key, choice):
                continue
            if arabic:
                for index, name, _ in self._skeleton[choice]:
                    yield index, TYPO_SCORE, "typo", name
                continue
            other = self._distinctive_of(choice)
            if other and _one_slip(own, other):
                for index, name in self._phonetic[choice]:
                    yield index, TYPO_SCORE, "typo", name

    def _leading_words(self, norm: str, own: str) -> Iterable[tuple[int, float, str, str]]:
        """Names the query gives only the first words of ("Kafr Dali" Fawqani)."""
        if " " not in norm or not own:
            return
        if self._leading is None:  # built on first use: most sessions never need it
            self._leading = defaultdict(list)
            for key, entries in self._normal.items():
                words = key.split()
                for end in range(2, len(words)):
                    self._leading[" ".join(words[:end])].extend(entries)
        for index, name in self._leading.get(norm, ()):
            yield index, TYPO_SCORE, "partial", name

    def _by_length(self, kind: str) -> _KeysByLength:
        """Return the phonetic or skeleton keys sorted by length (built on first use)."""
        if kind not in self._length_index:
            keys = self._phonetic_keys if kind == "phonetic" else self._skeleton_keys
            self._length_index[kind] = _KeysByLength(keys)
        return self._length_index[kind]

    def _slip_blocks(self, kind: str) -> dict[tuple[str, int], list[str]]:
        """Return the phonetic or skeleton keys by (first letter, length), built on first use."""
        if kind not in self._blocks:
            keys = self._phonetic_keys if kind == "phonetic" else self._skeleton_keys
            blocks: dict[tuple[str, int], list[str]] = defaultdict(list)
            for key in keys:
                blocks[key[:1], len(key)].append(key)
            self._blocks[kind] = blocks
        return self._blocks[kind]

    def _distinctive_of(self, phon: str) -> str:
        """Return the distinctive part of an indexed phonetic key (worked out on first use).

        Only fuzzy matching asks, for a few keys: working all 11,000 out when the index is
        built took a third of the gazetteer's load.
        """
        found = self._distinctive.get(phon)
        if found is None:
            norm = self._normal_of_phonetic.get(phon)
            found = self._distinctive[phon] = phon if norm is None else _distinctive_phonetic(norm)
        return found


class _KeysByLength:
    """Keys sorted by length, to pass rapidfuzz only those that can reach the fuzzy cutoff.

    ``fuzz.ratio`` is 100 * (1 - indel distance / (len(a) + len(b))), so a key reaches
    ``_FUZZY_CUTOFF`` (75) only if the distance is at most a quarter of the two lengths.
    The distance is at least the difference in length (a key's length must lie within 3/5
    and 5/3 of the query's) and at least the number of letters that only one of the two
    has (each must be dropped or added): :meth:`near` tests both, the letter sets as
    64-bit masks (a letter's bit is its code point modulo 64; two letters sharing a bit
    only weaken the test), so rapidfuzz scores about one key in sixteen of the length band
    and finds the same matches in the same order.
    """

    def __init__(self, keys: Iterable[str]) -> None:
        import numpy as np  # noqa: PLC0415 - only the fuzzy pass needs it; index loads stay lean

        self.keys = sorted(keys, key=len)
        self.lengths = [len(key) for key in self.keys]
        self._np = np
        self._key_array = np.array(self.keys, dtype=object)  # to pick the keys near() keeps
        self._length_array = np.array(self.lengths, dtype=np.int64)
        self._masks = _letter_masks(self.keys, self._length_array)

    def near(self, query: str) -> list[str]:
        """Return the keys that can give ``query`` a ratio of 75, in order of length."""
        np = self._np
        low, high = self._band(len(query))
        differing = np.bitwise_count(self._masks[low:high] ^ np.uint64(_letter_mask(query)))
        share = 100 - _FUZZY_CUTOFF  # the distance may be this share (%) of the two lengths
        lengths = self._length_array[low:high] + len(query)
        possible = differing.astype(np.int64) * 100 <= share * lengths
        near: list[str] = self._key_array[low:high][possible].tolist()
        return near

    def _band(self, length: int) -> tuple[int, int]:
        share = (100 - _FUZZY_CUTOFF) / 100  # |la - lb| / (la + lb) must not exceed it
        low = math.ceil(length * (1 - share) / (1 + share) - 1e-9)
        high = math.floor(length * (1 + share) / (1 - share) + 1e-9)
        return bisect.bisect_left(self.lengths, low), bisect.bisect_right(self.lengths, high)


def _letter_masks(keys: list[str], lengths: NDArray[np.int64]) -> NDArray[np.uint64]:
    """Return :func:`_letter_mask` of every key, as arrays (a fifth of the time of a loop).

    ``keys`` are sorted by length (so an empty key is never last) and ``lengths`` are theirs.
    """
    import numpy as np  # noqa: PLC0415 - as in _KeysByLength

    if not lengths.any():  # no keys, or only empty ones: reduceat needs some letter
        return np.zeros(len(keys), dtype=np.uint64)
    codes = np.frombuffer("".join(keys).encode("utf-32-le"), dtype=np.uint32) % 64
    bits = np.left_shift(np.uint64(1), codes.astype(np.uint64))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    masks: NDArray[np.uint64] = np.bitwise_or.reduceat(bits, starts)
    masks[lengths == 0] = 0  # reduceat gives an empty key the next key's first letter
    return masks


def _letter_mask(text: str) -> int:
    """Return the set of ``text``'s characters as a 64-bit mask (code point modulo 64)."""
    mask = 0
    for ch in set(text):
        mask |= 1 << (ord(ch) % 64)
    return mask


#: Arabic generic words (the Latin GENERIC_WORDS' counterparts) a loose match must not rest on.
_ARABIC_GENERIC = frozenset(
    fold_arabic(word)
    for word in ("كفر", "عين", "تل", "جبل", "دير", "معرة", "شيخ", "خربة", "بيت", "قلعة", "أم",
                 "أبو", "جسر", "خان", "تحتاني", "فوقاني", "نهر", "سهل", "وادي", "رأس", "مزرعة")
)  # fmt: skip


def _one_slip(a: str, b: str) -> bool:
    """Return True if ``a`` and ``b`` differ by one added/dropped letter or one swap.

    The first letter must agree (a typist seldom loses it, and Ankara is not Sanqarah), and
    a nisba ending (-iyah) on one side only makes another place (Saraqibiyah).
    """
    a, b = a.replace(" ", ""), b.replace(" ", "")
    if a == b or a[:1] != b[:1] or a.endswith("Y") != b.endswith("Y"):
        return False
        return False
    if abs(len(a) - len(b)) == 1:
        return OSA.distance(a, b) == 1
    return len(a) == len(b) and sorted(a) == sorted(b) and OSA.distance(a, b) == 1


def _distinctive_phonetic(norm: str) -> str:
    """Return the phonetic key of the part of a normal key that is not generic words."""
    if is_arabic(norm):
        return " ".join(word for word in norm.split() if word not in _ARABIC_GENERIC)
    return phonetic_of_normal(distinctive(norm))


def scan_keys(text: str) -> tuple[str, str]:
    """Return the normal key and the skeleton of ``text``: what scanning running text tests."""
    norm = normal_key(text)
    return norm, skeleton_of_normal(norm)


def index_names(places: Iterable[Place]) -> list[str]:
    """Return every name the index holds, in the order :class:`Gazetteer` reads them."""
    return [name for place in places for name, _ in _names_of(place)]


def _names_of(place: Place) -> Iterator[tuple[str, bool]]:
    """Yield a place's names and whether each is its primary (English) name."""
    for name, primary in ((place.name_en, True), (place.name_ar, False)):
        if name:
            yield name, primary
    for alt in place.alt_names:
        if alt:
            yield alt, False


def describe_result(result: dict[str, object]) -> str:
    """Return one :meth:`Gazetteer.resolve_each` result as "Name (lat, lon)" or UNRESOLVED."""
    if not result["resolved"]:
        return "UNRESOLVED"
    lat, lon = result["lat"], result["lon"]
    return f"{result['name']} ({lat:.5f}, {lon:.5f})"


def _closest_to(tied: list[Match], points: Sequence[LonLat], *, within_km: float) -> Match | None:
    """Return the match clearly nearest to the points (within ``within_km``), or None."""
    if not points:
        return None
    ranked = sorted(
        ((min(distance_km(p, m.place.position) for p in points), i) for i, m in enumerate(tied))
    )
    (first, index), (second, _) = ranked[0], ranked[1]
    if first <= within_km and second >= 2 * first:
        return tied[index]
    return None


def _rank(match: Match) -> tuple[float, float, float, int, str]:
    """Sort key: same-name matches first as one tier (nearest first), then by score.

    Equal matches then put first the place reports name most: a curated seed place, then
    one the Wikipedia conflict map shows, then one only GeoNames lists.
    """
    tier = 1.0 if match.score >= SAME_NAME_SCORE else match.score
    return (-tier, match.distance_km or 0.0, -match.score, -_prominence(match.place),
            match.place.place_id)  # fmt: skip


def _prominence(place: Place) -> int:
    sources = place.sources
    return 2 * ("curated" in sources) + any(s.startswith("WP:") for s in sources)


def _check_query(name: object) -> str:
    if not isinstance(name, str):
        msg = f"a place name must be text, not {type(name).__name__}"
        raise GeocodeInputError(msg)
    text = clean(name)
    if len(text) > MAX_QUERY_CHARS:
        msg = f"place name is {len(text):,} characters long; the limit is {MAX_QUERY_CHARS}"
        raise GeocodeInputError(msg)
    return text


def _has_article(text: str) -> bool:
    """Return True if a Latin-script name starts with an article word (al-, el-, ash- ...)."""
    words = exact_key(text).split() if not is_arabic(text) else []
    return len(words) > 1 and words[0] in ARTICLES and words[0] not in {"a", "i"}


def _script_parts(text: str) -> list[tuple[str, float]]:
    """Return the query as written; mixed-script text as its Arabic and its Latin part."""
    if is_arabic(text) and any("a" <= ch.lower() <= "z" for ch in text):
        arabic = "".join(ch if is_arabic(ch) or ch == " " else " " for ch in text)
        latin = "".join(" " if is_arabic(ch) else ch for ch in text)
        return [(part, 0.95) for part in (arabic, latin) if part.strip()]
    return [(text, 1.0)]


def _readings(parts: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Return the other readings of the parts (:func:`geo.names.query_readings`), weighted.

    "dh" stands for both dhal (also written z) and dad (also written d): the skeleton reads
    it as z, so a "d" reading is tried too.
    """
    out = [(reading, weight * factor) for part, weight in parts
           for reading, factor in query_readings(part)]  # fmt: skip
    for part, weight in parts + out:
        if "dh" in part.casefold():
            out.append((re.sub("dh", "d", part, flags=re.IGNORECASE), weight * 0.98))
    return out


def _in_admin(place: Place, area: str) -> bool:
    wanted = normal_key(area)
    return any(
        normal_key(name) == wanted for name in (place.admin1, place.admin2, place.admin3) if name
    )
