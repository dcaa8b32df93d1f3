"""Extract candidate incidents from a report, sentence by sentence.

The rules, in reading order:

1. A sentence with specific event wording (see :mod:`geo.ingest.wording`) and places gives
   one candidate per place and per type. Areas (Jabal al-Zawiya) and cities named as regions
   ("southern Idlib") give a candidate, at geo_precision 3, only when the sentence names no
   specific place.
2. A sentence with event wording of a new type but no place ("Russian jets also struck the
   area") gives candidates at the places of the previous event sentence.
3. A sentence that only says hit/struck/targeted about places ("Balyoun was also hit")
   continues the previous event's type there; "attacked" with no earlier event is an
   armed clash.
4. Casualties, actors and dates in a sentence without a new event ("Two civilians were
   killed in the attack") are added to the previous event: to the candidate whose place the
   sentence names, else the first. A candidate already holding a count keeps the larger.
5. A place and type already extracted on the same date is not repeated: the later sentence
   adds to it.
6. A date applies to its sentence and every later one until the next date; with none, the
   publication date at time_precision 2.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from geo.geocode import distance_km
from geo.ingest.breakdown import breakdown
from geo.ingest.casualties import Casualties, read_casualties
from geo.ingest.context import (
    CONTEXT_KM,
    context_points,
    one_reading_per_name,
    region_words,
    settle,
)
from geo.ingest.dates import DateMention, find_dateline, read_date
from geo.ingest.first_chars import leading
from geo.ingest.mentions import (
    MentionFinder,
    PlaceMention,
    SentenceMentions,
    UnresolvedMention,
    is_governorate,
)
from geo.ingest.text import (
    Sentence,
    drop_furniture,
    report_text,
    split_headline,
    split_sentences,
    strip_dateline_lead,
)
from geo.ingest.wording import CLASH, ends, fold, holds, read_wording, strip_marks

if TYPE_CHECKING:
    import datetime as dt

    from geo.coords import LonLat
    from geo.geocode import Match
    from geo.incidents.schema import EventKind
    from geo.ingest.wording import Wording

CIVILIANS = "Civilians (Syria)"
_CIVILIAN_WORDS = ("civilian", "child", "children", "woman", "women", "boy", "girl", "farmer",
                   "resident", "family", "مدني", "طفل", "امرأة", "أطفال", "مدنيين")  # fmt: skip


@dataclass(slots=True)
class Candidate:
    """One candidate incident, as extracted (see :mod:`geo.ingest.candidates` for its row)."""

    kind: EventKind
    place: Match | None
    mention: str
    alternatives: tuple[Match, ...]
    geo_precision: int
    #: None when the report gives no date and no publication date (status needs_date).
    date: dt.date | None
    time_precision: int
    date_text: str
    killed: int | None = None
    injured: int | None = None
    actor1: str = ""
    actor2: str = ""
    roads: tuple[str, ...] = ()
    sentence: int = 0
    #: Sentence number → the fields read from it, for the evidence column.
    evidence: dict[int, list[str]] = field(default_factory=dict)
    place_score: float = 1.0
    type_score: float = 1.0
    date_score: float = 1.0

    @property
    def location(self) -> str:
        """Return the gazetteer name, or the name as written when unresolved."""
        return self.place.place.name_en if self.place is not None else self.mention

    @property
    def confidence(self) -> float:
        """Return how sure the extraction is, 0–1: place × type × date scores."""
        return round(self.place_score * self.type_score * self.date_score, 2)

    def cite(self, sentence: int, what: str) -> None:
        """Record that ``what`` (a field name) was read from sentence number ``sentence``."""
        self.evidence.setdefault(sentence, [])
        if what not in self.evidence[sentence]:
            self.evidence[sentence].append(what)


@dataclass(frozen=True, slots=True)
class Extraction:
    """What a report yielded: candidates, and every mention for the summary."""

    sentences: tuple[Sentence, ...]
    candidates: tuple[Candidate, ...]
    places: tuple[PlaceMention, ...]
    unresolved: tuple[UnresolvedMention, ...]
    roads: tuple[str, ...]
    events_without_place: tuple[int, ...]
    #: The publication date used: as given, else from the report's dateline, else None.
    published: dt.date | None = None
    #: The dateline's words when the publication date was read from the text.
    dateline: str = ""


@dataclass(slots=True)
class _State:
    published: dt.date | None
    anchor: LonLat | None = None
    date: DateMention | None = None
    date_sentence: int = 0
    group: list[Candidate] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    orphans: list[int] = field(default_factory=list)
    #: The last perpetrator named for each type, and the sentence that named it.
    actors: dict[EventKind, tuple[str, int]] = field(default_factory=dict)
    #: The last sentence each type's actor was carried to.
    carried: dict[EventKind, int] = field(default_factory=dict)
    #: The sentence read now gives its own date or says "separately": actors do not carry.
    new_story: bool = False


def extract(
    text: str, *, published: dt.date | None, finder: MentionFinder, origin: str = "the report"
) -> Extraction:
    """Return the candidate incidents a report's text describes.

    Parameters
    ----------
    text
        The report: plain text or HTML.
    published
        Its publication date, against which "yesterday" or "on Tuesday" resolve. None
        when not known: the date is then read from the report's dateline if it has one;
        otherwise candidates dated only by such words get no date (``date`` None).
    finder
        Finds gazetteer places (keep one per gazetteer: it remembers lookups).
    origin
        How messages name the report (a file name).

    Raises
    ------
    geo.ingest.text.ReportError
        The text is empty, binary or too long.

    Examples
    --------
    >>> import datetime as dt
    >>> from geo.gazetteer import load_gazetteer
    >>> finder = MentionFinder(load_gazetteer())
    >>> found = extract(
    ...     "Regime forces shelled Kansafra and al-Fatirah this morning, killing a child.",
    ...     published=dt.date(2020, 9, 18), finder=finder)
    >>> [(c.location, c.date.isoformat(), c.killed) for c in found.candidates]
    [('Kansafra', '2020-09-18', 1), ('al-Fatirah', '2020-09-18', None)]
    """
    tidy = report_text(text, origin=origin)
    dateline = find_dateline(tidy) if published is None else None
    if dateline is not None:
        published = dateline.date
    headline, body = split_headline(drop_furniture(tidy))
    pieces = [*split_sentences(headline), *split_sentences(body)] if headline else []
    pieces = pieces or split_sentences(body)
    sentences = [Sentence(n, strip_dateline_lead(s.text)) for n, s in enumerate(pieces, start=1)]
    heads = len(split_sentences(headline)) if headline else 0
    found = [finder.find(s.text) for s in sentences]
    points = [context_points(s.text, m) for s, m in zip(sentences, found, strict=True)]
    report_points = [p for ps in points for p in ps]
    found = [
        replace(m, places=tuple(
            settle(p, finder.gazetteer, sentence=ps, report=report_points,
                   regions=region_words(s.text, m),
                   on_m4=any(h.road == "M4" for h in m.highways), finder=finder)
            if p.role == "place" else p
            for p in m.places
        ))
        for s, m, ps in zip(sentences, found, points, strict=True)
    ]  # fmt: skip
    found = one_reading_per_name(found)
    anchor = _anchor(found)
    state = _State(published=published, anchor=anchor)
    for sentence, mentions in zip(sentences[heads:], found[heads:], strict=True):
        _read_sentence(sentence, mentions, state)
    if heads:
        _read_headline(sentences[:heads], found[:heads], anchor, state)
    state.candidates = _drop_covered_regions(state.candidates)
    return Extraction(
        sentences=tuple(sentences),
        candidates=tuple(state.candidates),
        places=tuple(p for m in found for p in m.places),
        unresolved=tuple(
            replace(u, suggestions=_nearby(u.suggestions, anchor))
            for m in found
            for u in m.unresolved
        ),
        roads=tuple(sorted({h.road for m in found for h in m.highways})),
        events_without_place=tuple(state.orphans),
        published=published,
        dateline=dateline.text if dateline is not None else "",
    )


def _read_headline(
    sentences: list[Sentence], found: list[SentenceMentions], anchor: LonLat | None, state: _State
) -> None:
    """Read the headline after the body: it adds an incident only the headline names.

    A headline candidate at a place the body has a candidate for, at an area or region, or
    at a city within :data:`CONTEXT_KM` of the body's candidates (a headline's "in Idlib")
    repeats the body's incident and is dropped; it gives a missing actor only.
    """
    first = next((c for c in state.candidates if c.date_text), None)
    head = _State(published=state.published, anchor=anchor)
    if first is not None and first.date is not None:
        head.date = DateMention(first.date, first.time_precision, first.date_text, 0)
        head.date_sentence = first.sentence
    for sentence, mentions in zip(sentences, found, strict=True):
        _read_sentence(sentence, mentions, head)
    body = state.candidates
    kept = []
    for c in head.candidates:
        same = [b for b in body if b.location == c.location]
        for b in same:
            if not b.actor1 and c.actor1:
                b.actor1 = c.actor1
                b.cite(c.sentence, "actor")
        if same or (body and (c.geo_precision == 3 or _city_near(c, body))):  # noqa: PLR2004
            continue
        kept.append(c)
    state.candidates[:0] = kept


#: A region or area candidate is the same event as a candidate of its type this close to it.
REGION_KM = 40.0


def _refine(
    previous: list[Candidate],
    specific: list[PlaceMention],
    sentence: Sentence,
    *,
    casualties: Casualties,
) -> bool:
    """Move a region-only event to the one place a later sentence names within the region.

    "Shelling killed six in Idlib province. The shell hit a house in Maarat al-Naasan." When
    that sentence gives counts, the region's count was a total: the place's own replace it.
    """
    places = {p.match.place.place_id: p for p in specific if not p.alternatives}
    if len(places) != 1 or not previous:
        return False
    if any(c.place is None or c.geo_precision < 3 for c in previous):  # noqa: PLR2004
        return False
    (mention,) = places.values()
    position = mention.match.place.position
    if any(
        c.place is not None and distance_km(c.place.place.position, position) > REGION_KM
        for c in previous
    ):
        return False
    for c in previous:
        c.place, c.mention, c.alternatives = mention.match, mention.text, ()
        c.geo_precision = 2 if mention.near else 1
        c.cite(sentence.number, "place")
        if casualties.known:
            c.killed = c.injured = None
    return True


def _drop_covered_regions(candidates: list[Candidate]) -> list[Candidate]:
    """Drop region/area candidates that a specific candidate of the same type covers.

    "Shelling killed six in Idlib province" and "… in Maarat al-Naasan" are one event:
    the region's counts go to the first specific candidate when none of them has counts
    (the report gave a total for several places, not one count each).
    """
    specific = [c for c in candidates if c.place is not None and c.geo_precision < 3]  # noqa: PLR2004
    kept = []
    for c in candidates:
        if c.place is None or c.geo_precision < 3:  # noqa: PLR2004
            kept.append(c)
            continue
        covered = [
            s
            for s in specific
            if s.kind == c.kind
            and s.place is not None
            and distance_km(s.place.place.position, c.place.place.position) <= REGION_KM
        ]
        if not covered:
            kept.append(c)
        elif all(s.killed is None and s.injured is None for s in covered) and (
            c.killed is not None or c.injured is not None
        ):  # the region's toll, told before its places: kept on the first of them
            covered[0].killed, covered[0].injured = c.killed, c.injured
            for sentence, fields in c.evidence.items():
                for what in fields:
                    if what in {"killed", "injured"}:
                        covered[0].cite(sentence, what)
    return kept


def _city_near(c: Candidate, body: list[Candidate]) -> bool:
    if c.place is None or c.place.place.kind != "city":
        return False
    return any(
        b.place is not None
        and distance_km(b.place.place.position, c.place.place.position) <= CONTEXT_KM
        for b in body
    )


def _read_sentence(sentence: Sentence, mentions: SentenceMentions, state: _State) -> None:
    text, number = sentence.text, sentence.number
    wording = read_wording(text)
    casualties = read_casualties(text)
    date = read_date(text, published=state.published)
    _note(text, number, wording, date, state)
    specific = [p for p in mentions.places if p.role == "place"]
    named: list[PlaceMention | UnresolvedMention] = [*specific, *mentions.unresolved]
    specific = [
        p for p in specific if not _locator(p, named, text) and not _origin(p, specific, text)
    ]
    wide = [p for p in mentions.places if p.role == "area"] or [
        p for p in mentions.places if p.role == "region"
    ]
    where: list[PlaceMention | UnresolvedMention] = sorted(
        [*specific, *mentions.unresolved], key=lambda m: m.start
    )
    if not where and _overview(mentions):
        return  # "jets flew over Idlib, Hama and Latakia": no one incident, no candidate
    roads = tuple(sorted({h.road for h in mentions.highways}))
    previous = state.group
    previous_kinds = list(dict.fromkeys(c.kind for c in previous))
    kinds: list[EventKind] = list(wording.kinds)
    type_score = 1.0
    new_places: list[PlaceMention | UnresolvedMention] = where or list(wide)
    if not kinds and _refine(previous, specific, sentence, casualties=casualties):
        _continue(
            previous,
            sentence,
            wording,
            casualties,
            date,
            published=state.published,
            others=state.candidates,
        )
        return
    if not kinds and new_places and (wording.generic or casualties.known) and previous:
        if not _all_known(new_places, previous) or wording.also:
            kinds, type_score = previous_kinds, 0.8  # "Balyoun was also hit."
    elif not kinds and new_places and wording.attack:
        kinds, type_score = [CLASH], 0.6
    if kinds and not new_places:
        fresh = [k for k in kinds if k not in previous_kinds]
        if not previous:
            state.orphans.append(number)  # an event with no place ("an IED on the M4")
            return
        if not fresh:
            _continue(
                previous,
                sentence,
                wording,
                casualties,
                date,
                published=state.published,
                others=state.candidates,
            )
            return
        kinds, new_places = fresh, []
        group = [
            _copy_at(c, k, number, wording) for k in fresh for c in _unique_places(previous)
        ]  # rule 2: a new type at the previous places
    elif kinds:
        group = [
            _candidate(kind, place, number, wording, roads, state, type_score)
            for kind, place in _pairs(text, kinds, new_places)
        ]
    else:
        _continue(
            previous,
            sentence,
            wording,
            casualties,
            date,
            published=state.published,
            others=state.candidates,
        )
        return
    merged = _merge_repeats(group, state)
    if type_score < 1 and previous and not _TURN.search(text):  # a continuation: same attackers
        for c in merged:
            c.actor1 = c.actor1 or previous[0].actor1
    _add_casualties(merged, text, casualties, number, mentions)
    state.group = merged


def _overview(mentions: SentenceMentions) -> bool:
    """Return True for a sentence whose only places are two governorates or more."""
    wide = [p for p in mentions.places if p.role != "place"]
    governorates = {p.text.casefold() for p in wide if is_governorate(p)}
    return len(governorates) >= 2 and all(is_governorate(p) for p in wide)  # noqa: PLR2004


_LOCATOR_BEFORE = re.compile(
    r"\b(?:(?:to the\s+|just\s+)?(?:north|south|east|west|north-?east|north-?west|south-?east|"
    r"south-?west)(?:ern)?\s+of|(?:km|kilometres?|kilometers?|miles?)\s+(?:from|of))\s+(?:the\s+)?"
    r"(?:(?:city|town|village)\s+of\s+)?$|(?:^|\s)(?:شمال|جنوب|شرق|غرب|شمالي|جنوبي|شرقي|غربي|قرب|"
    r"بالقرب من|بريف|داخل)\s+(?:مدينة|بلدة|قرية)\s+$",
    re.IGNORECASE,
)

#: The most characters other than white space a match of :data:`_LOCATOR_BEFORE` can hold
#: (see :func:`geo.ingest.wording.ends`; ``tests/test_ingest.py`` checks it).
END_LETTERS: dict[re.Pattern[str], int] = {_LOCATOR_BEFORE: 32}
#: The words (folded) a match of it can end with before its closing white space.
END_WORDS: dict[re.Pattern[str], tuple[str, ...]] = {
    _LOCATOR_BEFORE: ("of", "from", "the", "مدينة", "بلدة", "قرية")
}


_ORIGIN_BEFORE = leading(
    r"\b(?:(?:launch\w*(?:\s+(?:its|their|the)?\s*(?:attacks?|strikes?|raids?|missiles?))?|"
    r"fired|took off|taking off|flying|coming|came|originat\w*) from|"
    r"stationed (?:in|at)|based (?:in|at)|deployed (?:in|at)|positioned (?:in|at))\s+"
    r"(?:the\s+)?(?:[\w’'-]+\s+){0,2}$|(?:انطلاقا من|انطلاقاً من)\s+$|"
    r"(?:^|\s)و?(?:المتمركزة|المتمركز|المتمركزين|المتواجدة)\s+(?:في|ب)\s*(?:[^\s،,.]+\s+){0,4}$",
    re.IGNORECASE,
)
#: Words (folded) one of which every match of :data:`_ORIGIN_BEFORE` holds: a text without
#: them names no origin, and the costly search of its beginning is not made.
_ORIGIN_TRIGGERS = ("launch", "fired", "took off", "taking off", "flying", "coming", "came",
                    "originat", "stationed", "based", "deployed", "positioned", "انطلاقا",
                    "المتمركز", "المتواجدة")  # fmt: skip
_LISTED = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*،\s*|\s+و")
_ORIGIN_AFTER = re.compile(r"^['’]n?(?:den|dan|ten|tan)\s+(?:kalk|atıl|ateşlen)", re.IGNORECASE)


def _origin(p: PlaceMention, places: list[PlaceMention], text: str) -> bool:
    """Return True for a place fire came from ("launched from Hmeimim"), not one it hit.

    A place after the origin's own ("stationed in Saraqib and Maarat al-Numan") is one too
    only when listed with it: "stationed in Saraqib shelled Kansafra" hit Kansafra.
    """
    after = text[p.end :]
    after = after[after.find("'") :] if after[:12].find("'") >= 0 else after  # Üssü'nden
    if _ORIGIN_AFTER.search(after):
        return True
    folded = fold(text)  # a trigger in the text before p is one in the whole text
    if not holds(folded, _ORIGIN_TRIGGERS):
        return False
    origin = _ORIGIN_BEFORE.search(text[: p.start])
    if origin is None:
        return False
    chain = sorted(
        (o for o in places if origin.start() <= o.start and o.end <= p.start), key=lambda o: o.start
    )
    if not chain:
        return True
    ends = [o.end for o in chain]
    starts = [o.start for o in chain[1:]] + [p.start]
    return all(
        _LISTED.fullmatch(text[end:start]) or (not text[end:start].strip() and text[start] == "و")
        for end, start in zip(ends, starts, strict=True)
    )


#: What joins a place to the town it lies in: "Tal Hamdan in Maarat al-Numan city".
_IN_TOWN_BETWEEN = re.compile(
    r"\s*(?:(?:village|town|countryside|area|neighbou?rhood|outskirts)\s+)?in\s+(?:the\s+)?"
    r"(?:(?:city|town)\s+of\s+)?",
    re.IGNORECASE,
)


#: What joins villages to the place they are near: "Kansafra and Bara villages near Ariha".
_VILLAGES_NEAR_BETWEEN = re.compile(
    r"\s+(?:villages|towns|village|town)\s+(?:near|close to|in the vicinity of)\s+(?:the\s+)?"
    r"(?:(?:city|town|village)\s+of\s+)?",
    re.IGNORECASE,
)


def _locator(p: PlaceMention, named: list[PlaceMention | UnresolvedMention], text: str) -> bool:
    """Return True for a place that only locates an earlier one ("Sarmin, east of Idlib").

    A town or city right after a place "in" it ("Kafr Ruma in Maarat al-Numan", "the
    village of Tal Hamdan in Maarat al-Numan city") locates that place too, and so does a
    place the villages just named are near ("Kansafra and Bara villages near Ariha").
    """
    if any(o.start < p.start for o in named) and ends(
        _LOCATOR_BEFORE, text[: p.start], END_LETTERS[_LOCATOR_BEFORE], END_WORDS[_LOCATOR_BEFORE]
    ):
        return True
    if any(o.end <= p.start and _VILLAGES_NEAR_BETWEEN.fullmatch(text[o.end : p.start])
           for o in named):  # fmt: skip
        return True
    return p.match.place.kind in {"city", "town"} and any(
        o.end <= p.start and _IN_TOWN_BETWEEN.fullmatch(text[o.end : p.start]) for o in named
    )


_OTHER_HAND = r"\bon the other hand\b|\böte yandan\b|من جهة (?:أخرى|ثانية)"
#: An actor named for a type carries to the next sentences of that type within this many
#: sentences when they name none ("Russian jets carried out 17 strikes: • two on Kansafra …").
ACTOR_CARRY_SENTENCES = 3
#: A date this many days before publication, in a sentence with no event, is background
#: ("the 5 May 2017 agreement"): it does not date the sentences after it.
BACKGROUND_DAYS = 31


_SEPARATE = leading(
    r"\bseparate(?:ly)?\b|\bin another\b|منفصل|\bayrı\b|\bayrıca\b|" + _OTHER_HAND,
    re.IGNORECASE,
)
#: Words (folded) one of which every match of :data:`_SEPARATE` holds: a cheap test first.
_SEPARATE_TRIGGERS = ("separate", "in another", "منفصل", "ayri", "on the other hand",
                      "öte yandan", "من جهة")  # fmt: skip
#: "On the other hand, …" turns to another event: its attackers are not the last ones'.
_TURN = re.compile(_OTHER_HAND, re.IGNORECASE)


def _note(
    text: str, number: int, wording: Wording, date: DateMention | None, state: _State
) -> None:
    """Keep what later sentences inherit: the date in force and each type's last actor."""
    if date is not None and not _background(date, state.published, wording):
        state.date, state.date_sentence = date, number
    folded = fold(text)  # once: in the generator below it would be folded per trigger
    state.new_story = date is not None or (
        holds(folded, _SEPARATE_TRIGGERS) and _SEPARATE.search(text) is not None
    )
    for kind in wording.kinds:
        if wording.actors.get(kind, wording.actor1):
            state.actors[kind] = (wording.actors.get(kind, wording.actor1), number)


def _recent_actor(kind: EventKind, number: int, state: _State) -> str:
    """Return the actor of the last sentences of this type, carried along a chain of them.

    Each sentence that takes the actor passes it on, so a list of strikes ("• two on
    Kansafra", "• three on Iblin" …) keeps the actor its lead named.
    """
    if state.new_story:
        return ""
    actor, said = state.actors.get(kind, ("", 0))
    last = max(said, state.carried.get(kind, 0))
    if actor and (0 < number - last <= ACTOR_CARRY_SENTENCES or state.carried.get(kind) == number):
        state.carried[kind] = number
        return actor
    return ""


def _background(date: DateMention, published: dt.date | None, wording: Wording) -> bool:
    return (
        not wording.kinds
        and date.date is not None
        and published is not None
        and (published - date.date).days > BACKGROUND_DAYS
    )


def _candidate(
    kind: EventKind,
    place: PlaceMention | UnresolvedMention,
    number: int,
    wording: Wording,
    roads: tuple[str, ...],
    state: _State,
    type_score: float,
) -> Candidate:
    match: Match | None
    if isinstance(place, PlaceMention):
        match, alternatives, mention = place.match, place.alternatives, place.text
        precision = 3 if place.role != "place" else 2 if place.near else 1
        place_score = match.score * (0.8 if precision == 3 else 1)  # noqa: PLR2004
        if alternatives:  # context did not settle it: an unresolved row with every reading
            match, alternatives, place_score = None, (place.match, *alternatives), 0.3
    else:
        match, mention, precision, place_score = None, place.text, 1, 0.3
        alternatives = _nearby(place.suggestions, state.anchor)
    if state.date is not None:
        date, time_precision, date_text = state.date.date, state.date.precision, state.date.text
        date_score = 1.0 if state.date_sentence == number else 0.9
    elif state.published is None:
        date, time_precision, date_text, date_score = None, 2, "", 0.6
    else:
        date, time_precision, date_text, date_score = state.published, 2, "", 0.6
    candidate = Candidate(
        kind=kind, place=match, mention=mention, alternatives=alternatives,
        geo_precision=precision, date=date, time_precision=time_precision, date_text=date_text,
        actor1=wording.actor_at(kind, place.start) or _recent_actor(kind, number, state),
        actor2=wording.targets[0] if wording.targets else "",
        roads=roads, sentence=number, place_score=place_score, type_score=type_score,
        date_score=date_score,
    )  # fmt: skip
    candidate.cite(number, "type")
    candidate.cite(number, "place")
    if candidate.actor1:
        candidate.cite(number, "actor")
    if state.date is not None:
        candidate.cite(state.date_sentence, f"date ({date_text})")
    return candidate


def _copy_at(source: Candidate, kind: EventKind, number: int, wording: Wording) -> Candidate:
    copy = Candidate(
        kind=kind, place=source.place, mention=source.mention,
        alternatives=source.alternatives, geo_precision=source.geo_precision, date=source.date,
        time_precision=source.time_precision, date_text=source.date_text,
        roads=source.roads, sentence=number, place_score=round(0.9 * source.place_score, 4),
        date_score=source.date_score, actor1=wording.actors.get(kind, wording.actor1),
    )  # fmt: skip
    copy.cite(number, "type")
    copy.cite(source.sentence, "place")
    return copy


def _continue(
    previous: list[Candidate],
    sentence: Sentence,
    wording: Wording,
    casualties: Casualties,
    date: DateMention | None,
    *,
    published: dt.date | None,
    others: list[Candidate],
) -> None:
    """Add what a sentence without a new event says to the previous event (rule 4).

    A sentence dated to another day than the event ("On Thursday, eight were killed" after
    Wednesday's strike) tells of other days: its counts are not the event's. A background
    date (:data:`BACKGROUND_DAYS`) does not date the event. "No casualties" said of the
    strikes of two actors ("the shelling of the regime and Russia caused no casualties")
    is also said of that day's earlier candidates of those actors that have no counts.
    """
    if not previous:
        return
    number = sentence.number
    if date is not None and _background(date, published, wording):
        date = None
    other_day = date is not None and not any(_on_day(c, date) for c in previous)
    for c in previous:
        if (
            wording.actor1
            and not c.actor1
            and not other_day
            and (wording.sure or wording.kinds or wording.generic)
        ):
            c.actor1 = wording.actor1
            c.cite(number, "actor")
        if date is not None and not c.date_text:
            c.date, c.time_precision, c.date_text = date.date, date.precision, date.text
            c.date_score = 1.0
            c.cite(number, f"date ({date.text})")
    if other_day:
        return
    _add_casualties(previous, sentence.text, casualties, number, None)
    if casualties.killed == 0 and casualties.injured == 0 and len(wording.named) > 1:
        day = previous[0].date
        for c in others:
            if (
                c.killed is None
                and c.injured is None
                and c.actor1 in wording.named
                and c.date == day
                and all(c is not p for p in previous)
            ):
                _give(c, casualties, number)


def _on_day(c: Candidate, date: DateMention) -> bool:
    """Return True if candidate ``c`` may be of the day ``date`` names."""
    if not c.date_text or c.date_text.casefold() == date.text.casefold():
        return True
    return c.date is not None and c.date == date.date


def _add_casualties(
    group: list[Candidate],
    text: str,
    casualties: Casualties,
    number: int,
    mentions: SentenceMentions | None,
) -> None:
    """Give a sentence's casualties, clause by clause, to the places the clauses name.

    A clause ("; in Iblin, a woman … were killed", "while a woman was injured in Kafr
    Deen", "injuring four people in Shnan") gives its counts to the place it names after
    its first casualty word, else to the first place it names, else to the event's first
    place (or, in a sentence without a new event, the place the sentence names).
    """
    if not group:
        return
    places = _unique_places(group)
    if _give_breakdown(places, text, number, mentions) or not casualties.known:
        return
    if mentions is None:
        places = _open_to_follow_up(places)
        if not places:
            return
    if casualties.killed == 0 and casualties.injured == 0:  # "no casualties": the whole event
        for c in places:
            if c.killed is None and c.injured is None:
                _give(c, casualties, number)
        return
    counted = _counted_clauses(text, casualties)
    targets = [
        _target(places, clause, text, first_word=mentions is not None) for clause, _ in counted
    ]
    for i, (clause, found) in enumerate(counted):
        later = counted[i + 1][0] if i + 1 < len(counted) else ""
        if (
            not _place_after_word(clause, places)
            and _names_place(later, places)
            and _OTHERS.search(later)
        ):
            targets[i] = targets[i + 1]  # "killing one and wounding two others in Sarmin"
        _give(targets[i], found, number)
    target = places[0]
    lowered = text.casefold()  # once: in the generator it would be per word
    if not target.actor2 and any(word in lowered for word in _CIVILIAN_WORDS):
        target.actor2 = CIVILIANS


_TYPE_CLAUSE = re.compile(r";|,?\s+while\s+|,?\s+whereas\s+|\s+and\s+(?=(?:an?|one|two|\d+)\s)|"
                          r",\s+(?:and\s+)?also\s+|,\s+and\s+(?=the\s)|"
                          r"،\s*(?:في حين|بينما)|\s+(?:iken|ayrıca)\s+|"
                          r"،?\s*(?:إضافة|بالإضافة|اضافة) (?:إلى|الى)\s+",
                          re.IGNORECASE)  # fmt: skip


def _pairs(
    text: str, kinds: list[EventKind], places: list[PlaceMention | UnresolvedMention]
) -> list[tuple[EventKind, PlaceMention | UnresolvedMention]]:
    """Return (type, place) pairs: every type at every place, unless clauses pair them.

    "a citizen was killed by warplanes on Kityan, while shelling killed one in Jisr
    al-Shughur": each clause names its own type and places, so each place gets its type.
    """
    every = [(kind, place) for kind in kinds for place in places]
    if len(kinds) < 2 or len(places) < 2:  # noqa: PLR2004
        return every
    bounds = [0, *(m.end() for m in _TYPE_CLAUSE.finditer(text)), len(text) + 1]
    pairs = []
    untyped = []  # a clause naming places but no type ("while reinforcements reached A")
    for start, end in itertools.pairwise(bounds):
        clause_kinds = [k for k in read_wording(text[start:end]).kinds if k in kinds]
        clause_places = [p for p in places if start <= p.start < end]
        untyped += [] if clause_kinds else clause_places
        pairs += [(k, p) for k in clause_kinds for p in clause_places]
    typed = {_place_key(p) for _, p in pairs}
    if any(_place_key(p) not in typed for p in untyped):
        return every  # a place no clause gives a type: every type at every place
    if {p.start for _, p in pairs} | {p.start for p in untyped} != {p.start for p in places}:
        return every
    return pairs


def _place_key(p: PlaceMention | UnresolvedMention) -> str:
    return p.match.place.place_id if isinstance(p, PlaceMention) else p.text


_OTHERS = re.compile(r"\bothers?\b|آخرين|آخرون|\bdiğer", re.IGNORECASE)


def _names_place(clause: str, places: list[Candidate]) -> bool:
    bare = strip_marks(clause)
    return any(c.mention and strip_marks(c.mention) in bare for c in places)


def _counted_clauses(text: str, casualties: Casualties) -> list[tuple[str, Casualties]]:
    """Return the sentence's clauses that give counts, each with its own reading.

    With one such clause (or none) the sentence's own reading stands for it.
    """
    clauses = _join_short([c for c in _CLAUSE.split(text) if c and c.strip()])
    if len(clauses) == 1:
        return [(clauses[0], casualties)]
    counted = [(clause, read_casualties(clause)) for clause in clauses]
    counted = [(clause, found) for clause, found in counted if found.known]
    if len(counted) == 1:
        return [(counted[0][0], casualties)]
    return counted or [(text, casualties)]


def _open_to_follow_up(places: list[Candidate]) -> list[Candidate]:
    """Return the candidates a follow-up sentence's counts may go to (none: an empty list).

    After a breakdown ("the toll rose to 20") the total is not added again; a candidate
    that "no casualties" was said of keeps it (a later toll is of other strikes).
    """
    if sum(c.killed is not None or c.injured is not None for c in places) > 1:
        return []
    return [c for c in places if not (c.killed == 0 and c.injured == 0)]


def _give_breakdown(
    places: list[Candidate], text: str, number: int, mentions: SentenceMentions | None
) -> bool:
    """Give each place of a breakdown its own count; return False if there is none."""
    by_location = {c.location: c for c in places}
    if len(by_location) < 2:  # noqa: PLR2004
        return False  # the spans name these places only: no breakdown of two or more
    spans = [(p.start, p.end, p.match.place.name_en) for p in (mentions.places if mentions else ())
             if p.match.place.name_en in by_location]  # fmt: skip
    spans += [(text.find(c.mention), text.find(c.mention) + len(c.mention), c.location)
              for c in places if c.mention and c.mention in text
              and c.location not in {name for _, _, name in spans}]  # fmt: skip
    per_place = breakdown(text, spans)
    for location, (which, value) in per_place.items():
        target = by_location[location]
        setattr(target, which, value)  # a place's own count beats an earlier total
        target.cite(number, which)
    return bool(per_place)


def _place_after_word(clause: str, places: list[Candidate]) -> bool:
    """Return True if ``clause`` names a place after its first casualty word."""
    bare = strip_marks(clause)
    word = _CASUALTY_WORD.search(bare)
    return word is not None and _names_place(bare[word.start() :], places)


def _join_short(clauses: list[str]) -> list[str]:
    """Join a short clause with no casualty word to the next ("in Iblin, | a woman was …")."""
    out: list[str] = []
    carry = ""
    for clause in clauses:
        if len(clause.split()) <= 4 and not _CASUALTY_WORD.search(clause):  # noqa: PLR2004
            carry += clause + ", "
            continue
        out.append(carry + clause)
        carry = ""
    return [*out, carry] if carry else out


def _target(places: list[Candidate], clause: str, text: str, *, first_word: bool) -> Candidate:
    """Return the candidate a casualty clause is about."""
    clause = strip_marks(clause)
    named = sorted(
        (clause.find(strip_marks(c.mention)), c)
        for c in places
        if c.mention and strip_marks(c.mention) in clause
    )
    for _, c in named:  # "… and Sarmin, where two were killed"
        rest = clause[clause.find(strip_marks(c.mention)) + len(strip_marks(c.mention)) :]
        where = _WHERE.match(rest)
        if where and _CASUALTY_WORD.search(rest[where.end() : where.end() + 30]):
            return c
    word = _CASUALTY_WORD.search(clause)
    if named and word:
        after = sorted(
            (clause.find(strip_marks(c.mention), word.start()), c.location)
            for _, c in named
            if strip_marks(c.mention) in clause[word.start() :]
        )
        by_location = {c.location: c for _, c in named}
        return by_location[after[0][1]] if after else named[0][1]
    if named:
        return named[0][1]
    if not first_word:  # a follow-up sentence: the place it names, if any
        in_sentence = [c for c in places if c.mention and c.mention in text]
        if in_sentence:
            return in_sentence[0]
    return places[0]


def _give(target: Candidate, casualties: Casualties, number: int) -> None:
    for attr in ("killed", "injured"):
        value = getattr(casualties, attr)
        if value is None:
            continue
        held = getattr(target, attr)
        setattr(target, attr, value if held is None else max(held, value))
        target.cite(number, attr)


_CLAUSE = leading(
    # ", and another man were killed": the list of the dead goes on, no new clause
    r";|\s+while\s+|\s+whereas\s+|,\s+and\s+(?!(?:another|his|her|their)\s)|"
    r"\s+and\s+(?=(?:injur|wound|kill|leav|caus))|"
    r",\s+(?=(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?:[\w-]+\s+){0,10}?"
    r"(?:was|were)\s+(?:killed|injured|wounded|hurt))|"
    r"،\s*و(?=(?:إصابة|أصيب|جرح|مقتل))|\.\s+|(?<=ken),\s+|"
    r"،?\s*(?:إضافة|بالإضافة|اضافة) (?:إلى|الى)\s+(?=(?:إصابة|اصابة|مقتل|استشهاد))",
    re.IGNORECASE,
)
#: A relative clause after a place: "Sarmin, where …", Arabic "البارة التي قضى فيها".
_WHERE = re.compile(r"[,،]?\s*(?:where|in which|التي|الذي|حيث)\s+", re.IGNORECASE)
_CASUALTY_WORD = leading(
    r"kill|wound|injur|dead|died|hurt|casualt|مقتل|إصابة|اصابة|أصيب|جرح|قتل|استشهد|قضى|راح ضحيت",
    re.IGNORECASE,
)


def _merge_repeats(group: list[Candidate], state: _State) -> list[Candidate]:
    """Return ``group`` with candidates that repeat an extracted one replaced by it (rule 5)."""
    out = []
    for candidate in group:
        same = next(
            (
                c
                for c in state.candidates
                if c.kind == candidate.kind
                and c.location == candidate.location
                and _same_day(c, candidate)
            ),
            None,
        )
        if same is None:
            state.candidates.append(candidate)
            out.append(candidate)
        else:
            for sentence, fields in candidate.evidence.items():
                for what in fields:
                    same.cite(sentence, what)
            if not same.actor1 and candidate.actor1:  # the later sentence names the attacker
                same.actor1 = candidate.actor1
            out.append(same)
    return out


def _same_day(held: Candidate, later: Candidate) -> bool:
    """Return True if ``later`` may be the same day's event as ``held`` (rule 5).

    Without a publication date both dates are unknown: two different day phrases ("this
    morning", "yesterday") are then two days, not one.
    """
    if not later.date_text:
        return True
    if held.date is None and later.date is None:
        return not held.date_text or held.date_text.casefold() == later.date_text.casefold()
    return held.date == later.date


def _all_known(places: list[PlaceMention | UnresolvedMention], previous: list[Candidate]) -> bool:
    known = {c.mention for c in previous} | {c.location for c in previous}
    return all(
        p.text in known or (isinstance(p, PlaceMention) and p.match.place.name_en in known)
        for p in places
    )


def _unique_places(group: list[Candidate]) -> list[Candidate]:
    seen: dict[str, Candidate] = {}
    for c in group:
        seen.setdefault(c.location, c)
    return list(seen.values())


def _anchor(found: list[SentenceMentions]) -> LonLat | None:
    """Return the first unambiguous specific place of the report, to read ambiguous names by."""
    for mentions in found:
        for p in mentions.places:
            if p.role == "place" and not p.alternatives:
                return p.match.place.position
    return None


def _nearby(matches: tuple[Match, ...], anchor: LonLat | None) -> tuple[Match, ...]:
    """Return the suggestions near the report's places (all of them when it has none)."""
    if anchor is None:
        return matches
    return tuple(m for m in matches if distance_km(anchor, m.place.position) <= 2 * CONTEXT_KM)
