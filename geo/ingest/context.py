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
countryside tens of kilometres across; same-named villages are usually much farther apart). A town
named like villages ("al-Dana") is the town unless the context picks a village; otherwise
the name stays ambiguous (an ``unresolved`` row with its candidates), never a guess.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from geo.coords import LonLat
from geo.errors import AmbiguousPlaceError, GeocodeInputError, PlaceNotFoundError
from geo.geocode import distance_km

if TYPE_CHECKING:
    from geo.geocode import Gazetteer, Match
    from geo.ingest.mentions import PlaceMention, SentenceMentions

#: A headline's city this close to the body's candidates repeats the body's incident, and
#: an unknown name's suggestions are kept within twice this distance of the report's places.
CONTEXT_KM = 30.0
#: How far from its city a region word's point is put ("southern Idlib": 20 km south of it).
REGION_OFFSET_KM = 20.0
#: The wider rule: the nearest reading within this distance of a context point, every
#: other reading at least twice as far and this much farther.
WIDE_CONTEXT_KM = 30.0
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


def settle(
    mention: PlaceMention,
    gazetteer: Gazetteer,
    *,
    sentence: list[LonLat],
    report: list[LonLat],
) -> PlaceMention:
    """Return ``mention`` read by its context, or unchanged when the context does not settle it.

    The choice is the geocoder's (:meth:`geo.geocode.Gazetteer.resolve` with ``context``):
    the sentence's points are tried first, then the whole report's.

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
    positions = {m.place.position for m in options.values()}
    for points in (sentence, report):
        others = [p for p in points if p not in positions]
        if not others:
            continue
        try:
            chosen = gazetteer.resolve(mention.text, context=others)
        except (AmbiguousPlaceError, PlaceNotFoundError, GeocodeInputError):
            break
        best = options.get(chosen.place.place_id)
        if best is not None:
            return replace(mention, match=best, alternatives=(), town_first=False)
        break
    for points in (sentence, report):
        others = [p for p in points if p not in positions]
        wide = _wide_choice(list(options.values()), others)
        if wide is not None:
            return replace(mention, match=wide, alternatives=(), town_first=False)
    if mention.town_first:  # the town, not the villages of its name
        return replace(mention, alternatives=(), town_first=False)
    return mention


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
        m = pattern.search(text)
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
