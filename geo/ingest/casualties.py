"""Read killed and injured counts from a sentence, counting a breakdown only once.

A *count* is a number (digits or words; "a"/"an" before a person noun) with the people it
counts: "five people", "three Russian soldiers", "a child", or a bare number right after a
casualty verb ("injuring two"). Counts joined by "and" add up ("two women and a child" =
3); a count after "including", "among them", "of whom" … is a breakdown of the one before
and is skipped, and so is a count followed by "of them". Each count belongs to the casualty
word that governs it: the active verb just before it ("killing a child") or else the next
casualty word after it ("five people … were killed"). "No casualties" gives 0 and 0.
Nothing found stays unknown (None), never 0. Arabic counts are read by
:mod:`geo.ingest.arabic_counts`, Turkish ones here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo.ingest.arabic_counts import read_arabic
from geo.ingest.first_chars import leading
from geo.ingest.wording import ends, fold, holds, strip_marks, tail

_I = re.IGNORECASE

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "both": 2, "pair": 2, "another": 1,
}  # fmt: skip
#: "its driver", "his son": one person, counted only next to a casualty verb.
_ONE_PERSON = leading(
    r"\b(?:its|his|her|the)\s+(?:[a-z]+\s+)?(?:driver|son|daughter|wife|husband|brother|"
    r"sister|father|mother|child|owner|pilot|commander|guard|shepherd|farmer|rider|"
    r"passenger|nephew|niece|cousin|uncle|grandson|granddaughter)\b",
    _I,
)
#: After a casualty verb: a possessive and a singular noun, or a person's name.
_NAMED_VICTIM = leading(
    r"\b(?:killing|killed|wounding|wounded|injuring|injured)\s+(him\b|her\b(?!\s+\w)|"
    r"(?:its|his|her|their)\s+"
    r"(?:[a-z]+\s+)?[a-z]*[a-rt-z]\b|[A-Z][a-z]+(?:\s+(?:al-|el-|bin\s+|ibn\s+)?[A-Z][a-z]+)+)",
)
_FAMILY = re.compile(
    r"\b(?:a\s+)?family of (\w+)\b|\b(\w+)-(?:man|member|person|strong)\s+(?:crew|team|"
    r"family|unit|group)\b",
    _I,
)
#: Words (folded) one of which every match of :data:`_FAMILY` holds: a cheap test first.
_FAMILY_TRIGGERS = ("family of", "-man", "-member", "-person", "-strong")
_PEOPLE = (
    r"(?:third|fourth|fifth|second|people|persons|person|civilians?|citizens?|child(?:ren)?|kids?|wom[ae]n|m[ae]n|soldiers?|troops|"
    r"servicem[ae]n|fighters?|members?|residents?|farmers?|shepherds?|boys?|girls?|infants?|"
    r"bab(?:y|ies)|others?|family|families|personnel|volunteers?|rescuers?|workers?|"
    r"paramedics?|medics?|brothers?|sisters?|sons?|daughters?|teenagers?|individuals?|"
    r"militants?|gunmen|policem[ae]n|officers?|elements?|recruits?|minors?|students?|"
    r"pupils?|journalists?|relatives?|victims?|sibling?s?|mothers?|fathers?|husbands?|wives|"
    r"wife|guards?|drivers?|passengers?|villagers?|displaced|IDPs?)"
)
_GENERAL = re.compile(r"\b(?:people|persons|civilians|individuals)$", _I)
_KILLED = (
    r"(?:killed|dead|died|slain|perished|martyred|lost (?:their|his|her) lives?|deaths?|"
    r"fatalit(?:y|ies))"
)
_INJURED = r"(?:wounded|injured|hurt|injuries|wounds|wounding|injuring|injures?)"
_ACTIVE = re.compile(
    r"(?:(?P<k>killing|killed|kills|kill|claimed the lives of|claiming the lives of|"
    r"deaths? of|killing of|martyrdom of|massacres? of)|"
    r"(?P<i>injuring|injured|wounding|wounded|injures|wounds|hurting|injur(?:y|ies) of|"
    r"wounding of|injuries to))\s+"
    r"(?:at least\s+|about\s+|around\s+|some\s+|nearly\s+|up to\s+|more than\s+|over\s+|"
    r"another\s+)?"
    r"(?:the\s+|all\s+|its\s+|his\s+|her\s+|their\s+)?$",
    _I,
)
_ENGLISH_NUMBER_WORDS = sorted((w for w in _NUMBER_WORDS if w.isascii()), key=len, reverse=True)
#: A number in digits or one of the English number words (the only words it can be).
_NUMBER = leading(
    r"\b(\d{1,3}(?:,\d{3})*|\d+|" + "|".join(_ENGLISH_NUMBER_WORDS) + r")\b",
    _I,
)
#: Every count the readers below take needs one of these stems: a sentence without them
#: gives no count (a cheap test before the costly patterns).
_ANY_CASUALTY = leading(
    r"kill|dead|die|death|slain|perish|martyr|lives|fatal|wound|injur|hurt|harm|casualt|loss|"
    r"victim|toll|massacre|damage|"
    r"مقتل|استشه|وفاة|توفي|مصرع|قتل|لقي|لقوا|صاب|صيب|جرح|ضحي|قض|خسائر|أضرار|"
    r"hayat|ya[şs]am|can\s+(?:ver|kayb)|[şs]ehit|öl|yaral",
    _I,
)
#: The same stems, lower case, sought in the folded text (:func:`geo.ingest.wording.fold`)
#: without IGNORECASE, which is several times faster: every sentence that
#: :data:`_ANY_CASUALTY` matches has one there, so a miss needs no more.
_ANY_CASUALTY_FOLDED = re.compile(_ANY_CASUALTY.pattern)
_BREAKDOWN = leading(
    r"(?:\bincluding|\bamong (?:them|whom|the (?:dead|killed|victims|wounded|injured))|"
    r"\bof whom|\bmostly|\bmost of them|\bmainly|\bone of them|\bat least \w+ of them|"
    r"\bthey include\w*|\bbetween them|بينهم|منهم)\b",
    _I,
)
_OF_THEM = re.compile(r"^\s+of (?:them|whom)\b", _I)
_NONE_BOTH = leading(
    r"\b(?:no (?:human |civilian )?(?:casualties|losses|victims)|"
    r"without (?:causing |any )?(?:human )?"
    r"casualties|no one was (?:hurt|harmed)|nobody was (?:hurt|harmed)|no casualties were "
    r"reported|caused no casualties|(?:without|no) (?:any )?reports? of (?:any )?casualties|"
    r"only material (?:damage|losses)|material (?:damage|losses) only)\b|"
    r"دون (?:وقوع |تسجيل |ورود أنباء عن )?(?:أي |أية )?(?:إصابات|إصابة|خسائر|اصابات|اصابة|"
    r"أضرار بشرية)|"
    r"لم (?:تسجل|تسفر عن|يسفر عن) "
    r"(?:أي )?(?:إصابات|خسائر|اصابات)|"
    r"لا (?:إصابات|اصابات|خسائر)|بدون (?:إصابات|خسائر|اصابات)|"
    r"\bcan kaybı (?:yaşanmadı|olmadı)|\b(?:ölen|yaralanan) olmadı",
    _I,
)
_NONE_KILLED = re.compile(
    r"\b(?:no (?:deaths|fatalities|one was killed|one died)|nobody was killed|no one was killed)\b",
    _I,
)
_NONE_INJURED = re.compile(r"\b(?:no (?:injuries|one was (?:injured|wounded)))\b", _I)
_TOLL = leading(
    r"\b(?:death toll|toll|number of (?:dead|deaths|victims))\b[^.;]{0,40}?\b(?:to|at|of)\s+"
    r"(\d+|[a-z]+)\b",
    _I,
)
_TURKISH_TOLL = re.compile(
    r"\b(?:hayatını kaybedenlerin|ölenlerin|ölü) sayısı(?:nın)?(?: da)?\s+(?P<k>\d{1,3})\b|"
    r"\b(?:yaralananların|yaralı) sayısı(?:nın)?(?: da)?\s+(?P<i>\d{1,3})\b",
    _I,
)
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
_ARABIC_DIGIT = re.compile("[٠-٩]")
_JOINED = re.compile(
    r"\s*(?:,\s*)?(?:and|as well as|plus)\s+(?:(?:her|his|their|its|the)\s+)?|"
    r"\s*,\s*(?:(?:her|his|their|its)\s+)?",
    _I,
)


@dataclass(frozen=True, slots=True)
class Casualties:
    """Killed and injured counts a sentence gives; None where it says nothing."""

    killed: int | None = None
    injured: int | None = None

    @property
    def known(self) -> bool:
        """Return True if the sentence gave either count."""
        return self.killed is not None or self.injured is not None


@dataclass(frozen=True, slots=True)
class _Count:
    start: int
    end: int
    value: int
    bare: bool  # a number without a person noun ("injuring two")
    general: bool = False  # "people", "civilians": a comma after it opens a breakdown


def read_casualties(sentence: str) -> Casualties:
    """Return the killed and injured counts ``sentence`` gives.

    Examples
    --------
    >>> read_casualties("Shelling killed a child and injured two others.")
    Casualties(killed=1, injured=2)
    >>> read_casualties("Five people including four children were killed.")
    Casualties(killed=5, injured=None)
    >>> read_casualties("Two women and a child were wounded.")
    Casualties(killed=None, injured=3)
    >>> read_casualties("The strike caused no casualties.")
    Casualties(killed=0, injured=0)
    """
    text = strip_marks(sentence)
    if not _ANY_CASUALTY_FOLDED.search(fold(text)) or not (
        # an ASCII text folded is it in lower case, which the pattern without IGNORECASE
        # matches exactly where the pattern with it matches the text: no second search
        text.isascii() or _ANY_CASUALTY.search(text)
    ):
        return Casualties()
    if not text.isascii() and _ARABIC_DIGIT.search(text):  # else translating changes nothing
        text = text.translate(_ARABIC_DIGITS)
    text = _drop_period_totals(text)
    text = _AFTER_LEAD.sub(lambda m: " " * len(m.group()), text)
    folded = fold(text)
    if holds(folded, _NONE_TRIGGERS) and _NONE_BOTH.search(text):
        return Casualties(0, 0)
    denies = "no" in folded
    killed: int | None = 0 if denies and _NONE_KILLED.search(text) else None
    injured: int | None = 0 if denies and _NONE_INJURED.search(text) else None
    english = _english(text, folded) if holds(folded, _ENGLISH_STEMS) else (None, None)
    turkish = _turkish(text) if holds(folded, _TURKISH_STEMS) else (None, None)
    for count_killed, count_injured in (english, read_arabic(text), turkish):
        if count_killed is not None:
            killed = (killed or 0) + count_killed
        if count_injured is not None:
            injured = (injured or 0) + count_injured
    toll = _TOLL.search(text) if holds(folded, ("toll", "number of")) else None
    if toll and (value := _value(toll.group(1))) is not None:
        killed = value
    turkish_tolls = _TURKISH_TOLL.finditer(text) if "sayisi" in folded else ()
    for m in turkish_tolls:  # "ölenlerin sayısı 9'a çıktı"
        if m.group("k"):
            killed = int(m.group("k"))
        else:
            injured = int(m.group("i"))
    return Casualties(killed, injured)


#: Over a period, not one incident: "1,300 civilians killed since the ceasefire", "over the
#: past few days"; or a superseded figure: "earlier reports had put the toll at three". The
#: clause holding these words is dropped.
_PERIOD_TOTAL = leading(
    r"\b(?:(?:earlier|initial|first|previous) (?:reports?|tolls?|figures?|tally)\s+(?:had\s+)?"
    r"(?:put|given|gave|spoke|said|mentioned|indicated)|had (?:earlier |previously )?put the "
    r"(?:death )?toll|"
    r"(?:over|during|in) the (?:past|last) (?:few |several |\w+ )?(?:days|weeks|months)|"
    r"since (?:the (?:beginning|start|signing|ceasefire|agreement|launch)|"
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|last year|20\d\d|19\d\d))|so far this (?:year|month)|in total since|"
    r"(?:bombing |military |air )?(?:campaign|offensive)|a total of)\b|"
    r"منذ (?:بداية|مطلع|توقيع|بدء)|(?:على مدار|خلال) الأيام (?:\S+ )?(?:الماضية|الفائتة|الأخيرة)|"
    r"(?:yılı|ayı|başından)\s+bu yana",
    _I,
)
#: Words one of which each reading of "no casualties" or of a period total holds (folded by
#: :func:`geo.ingest.wording.fold`): cheap tests before the patterns.
_NONE_TRIGGERS = ("no ", "nobody", "without", "material", "دون", "لم ", "لا ", "kaybi", "olmadi")
_PERIOD_TRIGGERS = ("earlier", "initial", "first", "previous", "put the", "past", "last",
                    "since", "so far", "total", "campaign", "offensive", "منذ", "مدار", "خلال",
                    "bu yana")  # fmt: skip


_CLAUSE_END = re.compile(r"[,;.،]")
#: A leading "After killing two volunteers, jets struck …": the counts of an earlier event
#: the sentence refers back to, not of the one it reports. The clause is blanked out.
_AFTER_LEAD = re.compile(
    r"^\s*(?:after|following) (?:killing|wounding|injuring|the (?:killing|deaths?|injury|"
    r"wounding) of)\b[^,;]*[,;]",
    _I,
)


def _drop_period_totals(text: str) -> str:
    """Return ``text`` with every clause that counts over a period blanked out."""
    if not holds(fold(text), _PERIOD_TRIGGERS) or not _PERIOD_TOTAL.search(text):
        return text
    for m in reversed(list(_PERIOD_TOTAL.finditer(text))):
        ends = [e.start() for e in _CLAUSE_END.finditer(text)]
        start = max((e + 1 for e in ends if e < m.start()), default=0)
        end = min((e for e in ends if e >= m.end()), default=len(text))
        text = text[:start] + " " * (end - start) + text[end:]
    return text


#: A count right after "… killed and injured": "dead and injured about ten others".
_COUNT_FOLLOWS = (
    r"(?!\s+(?:about\s+|at least\s+|nearly\s+|around\s+|some\s+|more than\s+|over\s+)?"
    r"(?:\d|(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|another)\b))"
)
#: "killing and injuring seven", "20 people, most of them children, were killed and
#: wounded": the split is not given, so neither count is known.
_KILLED_AND_INJURED = leading(
    r"\b(?:killing|killed|dead|deaths?)\s+(?:and|or)\s+(?:injuring|injured|wounding|wounded|"
    r"injuries)\s+$|^\s+(?:(?:people|civilians|persons)\s+)?(?:were\s+)?(?:killed|dead)\s+"
    r"(?:and|or)\s+(?:injured|wounded)\b" + _COUNT_FOLLOWS,
    _I,
)
_AND_INJURED_AFTER = re.compile(r"\s+(?:and|or)\s+(?:injured|wounded|hurt)\b" + _COUNT_FOLLOWS, _I)
#: A stem (folded) of every casualty word an English count is given to: of each word of
#: :data:`_ACTIVE` and of :data:`_KILLED` and :data:`_INJURED`, which :func:`_assign`
#: needs. A text without them has no English count, and :func:`_english` is not called.
_ENGLISH_STEMS = ("kill", "claim", "death", "martyr", "massacre", "injur", "wound", "hurt",
                  "dead", "died", "slain", "perish", "lost", "fatalit")  # fmt: skip
#: A count above this is a campaign's toll, not one incident's.
MAX_INCIDENT_COUNT = 250


def _english(text: str, folded: str) -> tuple[int | None, int | None]:
    """Read English counts from ``text``; ``folded`` is it folded (:func:`fold`)."""
    counts = [
        c
        for c in _counts(text, folded)
        if c.value <= MAX_INCIDENT_COUNT
        and not _KILLED_AND_INJURED.search(text[: c.start])
        and not _KILLED_AND_INJURED.match(text[c.end :])
    ]
    groups: list[list[_Count]] = []
    skipping = False
    for index, count in enumerate(counts):
        previous = counts[index - 1] if index else None
        between = text[previous.end : count.start] if previous else ""
        joined = previous is not None and _JOINED.fullmatch(between) is not None
        if previous is not None and (
            _BREAKDOWN.search(between) or (previous.general and between.strip() == ",")
        ):
            skipping = True
        elif not joined:
            skipping = False
        if skipping or (index and _OF_THEM.match(text[count.end :])):
            continue
        if joined and groups and groups[-1][-1] is previous:
            groups[-1].append(count)
        else:
            groups.append([count])
    totals: dict[str, int] = {}
    for index, group in enumerate(groups):
        limit = groups[index + 1][0].start if index + 1 < len(groups) else len(text)
        _assign(text, group, limit, totals)
    return totals.get("killed"), totals.get("injured")


def _counts(text: str, folded: str) -> list[_Count]:
    families = [
        _Count(m.start(), m.end(), value, bare=False)
        for m in (_FAMILY.finditer(text) if holds(folded, _FAMILY_TRIGGERS) else ())
        if (value := _value(m.group(1) or m.group(2))) is not None
    ]
    counts = list(families)
    counts += [
        _Count(m.start(), m.end(), 1, bare=False)
        for m in _ONE_PERSON.finditer(text)
        if not _overlaps(m.start(), m.end(), counts)
    ]
    # "killing its rider", "killing Mahmoud al-Sheikh": one person right after the verb
    counts += [
        _Count(m.start(1), m.end(1), 1, bare=False)
        for m in _NAMED_VICTIM.finditer(text)
        if not _overlaps(m.start(1), m.end(1), counts)
        and m.group(1).split()[-1].casefold() not in _NUMBER_WORDS
    ]
    for m in _NUMBER.finditer(text):
        value = _value(m.group(1))
        if value is None:
            continue
        after = text[m.end() :]
        person = _PERSON_AFTER.match(after)
        if _overlaps(m.start(), m.end(), counts):
            continue
        before = tail(text[: m.start()])
        if _ends(_NO_EVERY_BEFORE, before) or (
            m.group(1).casefold() in {"one", "a", "the"}
            and _ends(_OF_BEFORE, before)
            and not _ends(_ACTIVE, before)
        ):
            continue  # "no one was killed"
        if person:
            general = _GENERAL.search(person.group()) is not None
            counts.append(
                _Count(m.start(), m.end() + person.end(), value, bare=False, general=general)
            )
            continue
        word = m.group(1).casefold()
        if word in {"a", "an", "both", "pair", "single"} or (
            word == "another" and not _ANOTHER_VERB.match(after)
        ):
            continue  # "another 5 people" counts the five; "and another injured" one
        if _BARE_VERB.match(after) or (_ends(_ACTIVE, before) and not _PASSIVE.search(before)):
            counts.append(_Count(m.start(), m.end(), value, bare=True))
    counts.sort(key=lambda c: c.start)
    return counts


#: A passive verb takes no object: in "were seriously wounded five" the number is no count.
_PASSIVE = leading(
    r"\b(?:was|were|been|being|is|are)\s+(?:\w+ly\s+)?(?:killed|injured|wounded|hurt)\s+$",
    _I,
)


#: The people a number counts: "five people", "three young Russian soldiers".
_PERSON_AFTER = re.compile(
    r"\s+(?:(?:more|other|young|elderly|old|little|small|local|russian|turkish|syrian|"
    r"civilian|government|regime|opposition|hts|displaced|female|male|"
    r"(?:\d+|[a-z]+)-year-old|"
    r"members of (?:the|a|his|her|their|one|same)|(?-i:(?:al-|el-)?[A-Z][\w'’-]*)|"
    r"of (?:the|his|her|their|its)(?: same)?)\s+){0,3}" + _PEOPLE + r"\b",
    _I,
)
_NO_EVERY_BEFORE = re.compile(r"\b(?:no|every|each)\s+$", _I)
_OF_BEFORE = re.compile(r"\bof\s+$", _I)
_ANOTHER_VERB = re.compile(rf"\s+(?:was\s+)?(?:{_KILLED}|{_INJURED})\b", _I)
_BARE_VERB = re.compile(rf"\s+(?:(?:were|was|are|people were)\s+)?(?:{_KILLED}|{_INJURED})\b", _I)
_KILLED_WORD = re.compile(rf"\b{_KILLED}\b", _I)
_INJURED_WORD = re.compile(rf"\b{_INJURED}\b", _I)
_STOP = re.compile(r"[;:]")
#: The most characters other than white space a match of each pattern anchored at the end
#: ($) can hold (see :func:`geo.ingest.wording.ends`; ``tests/test_ingest.py`` checks them).
END_LETTERS: dict[re.Pattern[str], int] = {_NO_EVERY_BEFORE: 5, _OF_BEFORE: 2, _ACTIVE: 31}
#: The words (folded) a match of each can end with before its closing white space.
END_WORDS: dict[re.Pattern[str], tuple[str, ...]] = {
    _NO_EVERY_BEFORE: ("no", "every", "each"),
    _OF_BEFORE: ("of",),
    _ACTIVE: ("killing", "killed", "kills", "kill", "of", "injuring", "injured", "wounding",
              "wounded", "injures", "wounds", "hurting", "to", "least", "about", "around", "some",
              "nearly", "than", "over", "another", "the", "all", "its", "his", "her", "their"),
}  # fmt: skip


def _ends(pattern: re.Pattern[str], text: str) -> bool:
    """Return True if ``pattern``, anchored at the end ($), matches the end of ``text``."""
    return ends(pattern, text, END_LETTERS[pattern], END_WORDS[pattern]) is not None


def _overlaps(start: int, end: int, counts: list[_Count]) -> bool:
    return any(c.start < end and start < c.end for c in counts)


def _assign(text: str, group: list[_Count], limit: int, totals: dict[str, int]) -> None:
    """Add a group of counts to killed or injured, by the casualty word that governs it."""
    active = ends(_ACTIVE, tail(text[: group[0].start]), END_LETTERS[_ACTIVE], END_WORDS[_ACTIVE])
    if active:
        which = "killed" if active.group("k") else "injured"
    else:
        window = text[group[-1].end : limit]
        stop = _STOP.search(window)
        window = window[: stop.start()] if stop else window
        k = _KILLED_WORD.search(window)
        i = _INJURED_WORD.search(window)
        if not k and not i:
            return
        which = "killed" if k and (not i or k.start() < i.start()) else "injured"
        if k and which == "killed" and _AND_INJURED_AFTER.match(text, group[-1].end + k.end()):
            return  # "… were killed and wounded": the split is not given
    totals[which] = totals.get(which, 0) + sum(c.value for c in group)


def _value(word: str) -> int | None:
    word = word.replace(",", "")
    if word.isdigit():
        return int(word) if len(word) < 6 and not (1900 <= int(word) <= 2100) else None  # noqa: PLR2004
    return _NUMBER_WORDS.get(word.casefold())


_TURKISH_NUMBERS = {"bir": 1, "iki": 2, "üç": 3, "dört": 4, "beş": 5, "altı": 6, "yedi": 7,
                    "sekiz": 8, "dokuz": 9, "on": 10}  # fmt: skip
#: A stem (folded) of each casualty word of :data:`_TURKISH`, which each of its matches
#: holds: a text without them has no Turkish count, and :func:`_turkish` is not called.
_TURKISH_STEMS = ("hayat", "yasam", "yaşam", "can", "sehit", "şehit", "öl", "yaral")
_TURKISH = re.compile(
    r"(?<![\w.,])(?P<n>\d{1,4}|bir|iki|üç|dört|beş|altı|yedi|sekiz|dokuz|on)\s+"
    r"(?:(?!ve\b)[^\W\d_]+,?\s+){0,3}?"
    r"(?:(?P<k>hayat[ıi]n[ıi] kaybe[dt]\w*|ya[şs]am[ıi]n[ıi] yitir\w*|can\s+ver\w*|[şs]ehit\w*|"
    r"öl(?:dü|müş|ü|en|ürül\w*)(?![^\W\d_]))|(?P<i>yaralan\w*|yaralı(?![^\W\d_])))",
    _I,
)


def turkish_fold(word: str) -> str:
    """Return ``word`` casefolded, with Turkish dotted capital İ as plain i ("İKİ" = "iki")."""
    return word.casefold().replace("i\u0307", "i")


def _turkish(text: str) -> tuple[int | None, int | None]:
    """Read Turkish counts: "7 sivil hayatını kaybetti", "12 ölü", "5 kişi yaralandı"."""
    killed: int | None = None
    injured: int | None = None
    for m in _TURKISH.finditer(text):
        word = turkish_fold(m.group("n"))
        value = int(word) if word.isdigit() else _TURKISH_NUMBERS.get(word)
        if value is None:
            continue
        if m.group("k"):
            killed = (killed or 0) + value
        else:
            injured = (injured or 0) + value
    return killed, injured
