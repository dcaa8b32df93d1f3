"""Settle a name several places share by the report's other places and region words.

The *context* of a report is a set of points: every place it names that has one reading
(villages, towns, areas such as Jabal al-Zawiya), and for region words ("the southern
countryside of Idlib", ريف إدلب الجنوبي, "north of Hama") a point :data:`REGION_OFFSET_KM`
from the city in that direction. An ambiguous name is read as the place nearest the context
points of its own sentence, else of the whole report, by the geocoder's own rule
(:meth:`geo.geocode.Gazetteer.resolve` with ``context``: within
:data:`geo.geocode.CONTEXT_KM` of them, every other reading at least twice as far);
If the geocoder's rule does not settle it, a wider one may: the reading nearest the
report's points lies within :data:`WIDE_CONTEXT_KM` of one and every other reading is at
least twice as far and :data:`WIDE_CONTEXT_KM` farther (a region word's point stands for a
countryside tens of kilometres across; same-named villages are usually much farther apart).
A sentence that names the M4 ("a patrol on the M4 near Musaybin") means the reading nearest
the road (the line through ``data/m4_waypoints.csv``) when it lies within :data:`M4_KM` of
it and every other reading is twice as far and :data:`M4_MARGIN_KM` farther. A region word
of the sentence also says on which side of its city the place lies ("Kawkaba,
south of Idlib"; برزة غربي إدلب): when exactly one reading lies within :data:`REGION_REACH_KM`
of the city and within 67.5° of that direction, it is meant. A town
named like villages ("al-Dana") is the town unless the context picks a village; otherwise
the name stays ambiguous (an ``unresolved`` row with its candidates), never a guess.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from geo.coords import LonLat
from geo.errors import AmbiguousPlaceError, GeocodeInputError, PlaceNotFoundError
from geo.geocode import SAME_PLACE_KM, distance_km
from geo.ingest.wording import ends
from geo.names import exact_key

if TYPE_CHECKING:
    from collections.abc import Sequence

    from geo.geocode import Gazetteer, Match
    from geo.ingest.mentions import MentionFinder, PlaceMention, SentenceMentions

#: A headline's city this close to the body's candidates repeats the body's incident, and
#: an unknown name's suggestions are kept within twice this distance of the report's places.
CONTEXT_KM = 30.0
#: How far from its city a region word's point is put ("southern Idlib": 20 km south of it).
REGION_OFFSET_KM = 20.0
#: The wider rule: the nearest reading within this distance of a context point, every
#: other reading at least twice as far and this much farther.
WIDE_CONTEXT_KM = 30.0
#: A place named with the M4 lies this close to the road ...
M4_KM = 5.0
#: ... and every other reading of its name at least this much farther (and twice as far).
M4_MARGIN_KM = 2.0
#: How far from its city a place "south of Idlib" may lie (the governorate's reach).
REGION_REACH_KM = 60.0
#: Half the angle of the sector a direction word stands for ("south": 180° ± 67.5°).
SECTOR_HALF_DEG = 67.5
_KM_PER_DEGREE = 111.2
_DIRECTIONS = {
    "north": (0, 1), "south": (0, -1), "east": (1, 0), "west": (-1, 0),
    "northeast": (1, 1), "northwest": (-1, 1), "southeast": (1, -1), "southwest": (-1, -1),
    "شمال": (0, 1), "جنوب": (0, -1), "شرق": (1, 0), "غرب": (-1, 0),
    "kuzey": (0, 1), "güney": (0, -1), "doğu": (1, 0), "batı": (-1, 0),
}  # fmt: skip
_EN_DIRECTION = re.compile(
    r"\b(north|south|east|west)(?:-?(east|west))?(?:ern)?\s+(?:(?:rural|countryside of|"
    r"outskirts of|of)\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)
_EN_DIRECTION_AFTER = re.compile(
    r"^(?:['’]s)?\s+(north|south|east|west)(?:-?(east|west))?(?:ern)?\s+(?:countryside|rural|"
    r"suburbs|outskirts)",
    re.IGNORECASE,
)
_AR_DIRECTION_AFTER = re.compile(r"^\s+(?:ال)?(شمال|جنوب|شرق|غرب)(?:ي|ية)?")
_AR_DIRECTION_BEFORE = re.compile(r"(?:^|\s)[وب]?(?:ال)?(شمال|جنوب|شرق|غرب)(?:ي|ية)?\s+$")
_TR_DIRECTION = re.compile(r"^['’]?\w*\s+(kuzey|güney|doğu|batı)", re.IGNORECASE)
#: The most characters other than white space a match of each pattern anchored at the end
#: ($) can hold (see :func:`geo.ingest.wording.ends`; ``tests/test_ingest.py`` checks them).
END_LETTERS: dict[re.Pattern[str], int] = {_EN_DIRECTION: 29, _AR_DIRECTION_BEFORE: 9}
#: The words (folded) a match of each can end with before its closing white space.
END_WORDS: dict[re.Pattern[str], tuple[str, ...]] = {
    _EN_DIRECTION: ("north", "south", "east", "west", "ern", "rural", "of", "the"),
    _AR_DIRECTION_BEFORE: ("شمال", "جنوب", "شرق", "غرب", "ي", "ية"),
}


@functools.cache
def m4_points() -> tuple[LonLat, ...]:
    """Return the bundled M4 waypoints (``data/m4_waypoints.csv``), west to east, read once."""
    from geo.datasets import M4_WAYPOINTS_CSV  # noqa: PLC0415 - read on first use only
    from geo.m4 import load_m4  # noqa: PLC0415

    return tuple(w.position for w in load_m4(M4_WAYPOINTS_CSV).waypoints)


def m4_distance_km(position: LonLat) -> float:
    """Return how far ``position`` lies from the M4 line, in km (flat-earth, near the road)."""
    scale = _KM_PER_DEGREE * math.cos(math.radians(position.lat))
    best = math.inf
    for a, b in itertools.pairwise(m4_points()):
        ax, ay = (a.lon - position.lon) * scale, (a.lat - position.lat) * _KM_PER_DEGREE
        bx, by = (b.lon - position.lon) * scale, (b.lat - position.lat) * _KM_PER_DEGREE
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def context_points(sentence: str, mentions: SentenceMentions) -> list[LonLat]:
    """Return the points a sentence's unambiguous places and region words give."""
    points = []
    for p in mentions.places:
        if p.alternatives or p.role == "province":
            continue
        position = p.match.place.position
        if p.role == "region":
            offset = _direction(sentence, p)
            points.append(_moved(position, offset) if offset else position)
        else:
            points.append(position)
    return points


def region_words(sentence: str, mentions: SentenceMentions) -> list[tuple[LonLat, tuple[int, int]]]:
    """Return each region word of a sentence with a direction: its city and the direction."""
    out = []
    for p in mentions.places:
        if p.role == "region" and not p.alternatives:
            offset = _direction(sentence, p)
            if offset:
                out.append((p.match.place.position, offset))
    return out


def settle(
    mention: PlaceMention,
    gazetteer: Gazetteer,
    *,
    sentence: list[LonLat],
    report: list[LonLat],
    regions: Sequence[tuple[LonLat, tuple[int, int]]] = (),
    on_m4: bool = False,
    finder: MentionFinder | None = None,
) -> PlaceMention:
    """Return ``mention`` read by its context, or unchanged when the context does not settle it.

    The choice is the geocoder's (:meth:`geo.geocode.Gazetteer.resolve` with ``context``):
    a sentence naming the M4 (``on_m4``) first picks the reading on the road; then the
    sentence's points are tried, then the whole report's; then the sentence's region words
    (``regions``, from :func:`region_words`) and the wider rule. Given the report's
    ``finder``, the geocoder's lookups go through it (:meth:`MentionFinder.resolve`: each
    name geocoded once per finder); the result is the same.

    Examples
    --------
    >>> from geo.gazetteer import load_gazetteer
    >>> from geo.ingest.mentions import MentionFinder
    >>> gazetteer = load_gazetteer()
    >>> finder = MentionFinder(gazetteer)
    >>> name = finder.find("Shells hit Sheikh Ali.").places[0]
    >>> len(name.alternatives) > 0
    True
    >>> near_ariha = [finder.find("Ariha").places[0].match.place.position]
    >>> settle(name, gazetteer, sentence=[], report=near_ariha).alternatives
    ()
    """
    if not mention.alternatives:
        return mention
    options = {m.place.place_id: m for m in (mention.match, *mention.alternatives)}
    readings = list(options.values())
    positions = {m.place.position for m in readings}
    points = [[p for p in ps if p not in positions] for ps in (sentence, report)]
    chosen = (
        (_on_the_road(readings) if on_m4 else None)
        or _by_geocoder(mention.text, finder or gazetteer, options, points)
        or _on_the_side(readings, regions)
        or next((m for ps in points if (m := _wide_choice(readings, ps)) is not None), None)
        or (mention.match if mention.town_first else None)  # the town, not its villages
    )
    if chosen is None:
        return mention
    return replace(mention, match=chosen, alternatives=(), town_first=False)


def one_reading_per_name(found: list[SentenceMentions]) -> list[SentenceMentions]:
    """Give a name left ambiguous the one reading the same report settled it to elsewhere.

    "Jets struck al-Jadida" does not say which al-Jadida; "shells hit al-Jadida, west of
    Idlib" a sentence later does. A name settled to different places in one
    report (two villages of one name) is left as it is.
    """
    readings: dict[str, set[str]] = {}
    for mentions in found:
        for p in mentions.places:
            if p.role == "place" and not p.alternatives:
                readings.setdefault(exact_key(p.text), set()).add(p.match.place.place_id)
    out = []
    for mentions in found:
        places = []
        for p in mentions.places:
            known = readings.get(exact_key(p.text), set()) if p.alternatives else set()
            if len(known) == 1:
                (place_id,) = known
                chosen = next(
                    (m for m in (p.match, *p.alternatives) if m.place.place_id == place_id), None
                )
                if chosen is not None:
                    p = replace(p, match=chosen, alternatives=(), town_first=False)  # noqa: PLW2901
            places.append(p)
        out.append(replace(mentions, places=tuple(places)))
    return out


def _by_geocoder(
    name: str,
    gazetteer: Gazetteer | MentionFinder,
    options: dict[str, Match],
    points: list[list[LonLat]],
) -> Match | None:
    """Return the reading the geocoder's context rule picks from the first points given."""
    others = next((ps for ps in points if ps), None)
    if others is None:
        return None
    try:
        chosen = gazetteer.resolve(name, context=others)
    except (AmbiguousPlaceError, PlaceNotFoundError, GeocodeInputError):
        return None
    return options.get(chosen.place.place_id)


def _on_the_road(options: list[Match]) -> Match | None:
    """Return the reading on the M4 if the road rule (see the module) picks one."""
    ranked = sorted((m4_distance_km(m.place.position), m.place.place_id, m) for m in options)
    (nearest, _, match), (second, _, _) = ranked[0], ranked[1]
    if nearest <= M4_KM and second >= max(2 * nearest, nearest + M4_MARGIN_KM):
        return match
    return None


def _on_the_side(
    options: list[Match], regions: Sequence[tuple[LonLat, tuple[int, int]]]
) -> Match | None:
    """Return the one reading (as one place) on the side of a city a region word names."""
    sided = [
        m
        for m in options
        if any(_in_sector(m.place.position, city, offset) for city, offset in regions)
    ]
    if not sided or any(
        distance_km(m.place.position, sided[0].place.position) > SAME_PLACE_KM for m in sided
    ):
        return None
    return sided[0]


def _in_sector(position: LonLat, city: LonLat, offset: tuple[int, int]) -> bool:
    """Return True if ``position`` lies within reach of ``city`` in the ``offset`` direction."""
    dist = distance_km(position, city)
    if dist > REGION_REACH_KM or dist == 0:
        return False
    east_km = (position.lon - city.lon) * _KM_PER_DEGREE * math.cos(math.radians(city.lat))
    north_km = (position.lat - city.lat) * _KM_PER_DEGREE
    bearing = math.atan2(east_km, north_km)
    wanted = math.atan2(offset[0], offset[1])
    turn = abs((math.degrees(bearing - wanted) + 180) % 360 - 180)
    return turn <= SECTOR_HALF_DEG


def _wide_choice(options: list[Match], points: list[LonLat]) -> Match | None:
    """Return the reading nearest ``points`` if the wider rule (see the module) picks it."""
    if not points or len(options) < 2:  # noqa: PLR2004
        return None
    ranked = sorted(
        (min(distance_km(m.place.position, p) for p in points), m.place.place_id, m)
        for m in options
    )
    (nearest, _, match), (second, _, _) = ranked[0], ranked[1]
    if nearest <= WIDE_CONTEXT_KM and second >= max(2 * nearest, nearest + WIDE_CONTEXT_KM):
        return match
    return None


def _direction(sentence: str, p: PlaceMention) -> tuple[int, int] | None:
    before, after = sentence[: p.start], sentence[p.end :]
    for pattern, text in ((_EN_DIRECTION, before), (_EN_DIRECTION_AFTER, after),
                          (_AR_DIRECTION_AFTER, after), (_AR_DIRECTION_BEFORE, before),
                          (_TR_DIRECTION, after)):  # fmt: skip
        letters = END_LETTERS.get(pattern)
        m = (
            pattern.search(text)
            if letters is None
            else ends(pattern, text, letters, END_WORDS[pattern])
        )
        if m:
            word = "".join(g for g in m.groups() if g).casefold()
            return _DIRECTIONS.get(word)
    return None


def _moved(position: LonLat, offset: tuple[int, int]) -> LonLat:
    dx, dy = offset
    scale = REGION_OFFSET_KM / math.hypot(dx, dy)
    lat = position.lat + dy * scale / _KM_PER_DEGREE
    lon = position.lon + dx * scale / (_KM_PER_DEGREE * math.cos(math.radians(position.lat)))
    return LonLat(lon, lat)
