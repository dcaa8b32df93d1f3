"""Read killed and injured counts from a sentence, counting a breakdown only once.

A *count* is a number (digits or words; "a"/"an" before a person noun) with the people it
counts: "five people", "three Russian soldiers", "a child", or a bare number right after a
casualty verb ("injuring two"). Counts joined by "and" add up ("two women and a child" =
3); a count after "including", "among them", "of whom" … is a breakdown of the one before
and is skipped, and so is a count followed by "of them". Each count belongs to the casualty
word that governs it: the active verb just before it ("killing a child") or else the next
casualty word after it ("five people … were killed"). "No casualties" gives 0 and 0.
Nothing found stays unknown (None), never 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo.ingest.wording import fold, strip_marks, tail

_I = re.IGNORECASE

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "both": 2, "pair": 2, "another": 1,
    "واحد": 1, "واحدة": 1, "اثنان": 2, "اثنين": 2, "اثنتين": 2, "اثني": 2, "اثنا": 2,
    "أحد": 1, "إحدى": 1, "ثلاثة": 3, "ثلاث": 3,
    "أربعة": 4, "اربعة": 4, "أربع": 4, "خمسة": 5, "خمس": 5, "ستة": 6, "ست": 6, "سبعة": 7,
    "سبع": 7, "ثمانية": 8, "ثماني": 8, "تسعة": 9, "تسع": 9, "عشرة": 10, "عشر": 10,
}  # fmt: skip
#: "its driver", "his son": one person, counted only next to a casualty verb.
_ONE_PERSON = re.compile(
    r"\b(?:its|his|her|the)\s+(?:[a-z]+\s+)?(?:driver|son|daughter|wife|husband|brother|"
    r"sister|father|mother|child|owner|pilot|commander|guard|shepherd|farmer|rider|"
    r"passenger|nephew|niece|cousin|uncle|grandson|granddaughter)\b",
    _I,
)
#: After a casualty verb: a possessive and a singular noun, or a person's name.
_NAMED_VICTIM = re.compile(
    r"\b(?:killing|killed|wounding|wounded|injuring|injured)\s+(him\b|her\b(?!\s+\w)|"
    r"(?:its|his|her|their)\s+"
    r"(?:[a-z]+\s+)?[a-z]*[a-rt-z]\b|[A-Z][a-z]+(?:\s+(?:al-|el-|bin\s+|ibn\s+)?[A-Z][a-z]+)+)"
)
_FAMILY = re.compile(
    r"\b(?:a\s+)?family of (\w+)\b|\b(\w+)-(?:man|member|person|strong)\s+(?:crew|team|"
    r"family|unit|group)\b",
    _I,
)
_PEOPLE = (
    r"(?:third|fourth|fifth|second|people|persons|person|civilians?|citizens?|child(?:ren)?|kids?|wom[ae]n|m[ae]n|soldiers?|troops|"
    r"servicem[ae]n|fighters?|members?|residents?|farmers?|shepherds?|boys?|girls?|infants?|"
    r"bab(?:y|ies)|others?|family|families|personnel|volunteers?|rescuers?|workers?|"
    r"paramedics?|medics?|brothers?|sisters?|sons?|daughters?|teenagers?|individuals?|"
    r"militants?|gunmen|policem[ae]n|officers?|elements?|recruits?|minors?|students?|"
    r"pupils?|journalists?|relatives?|victims?|sibling?s?|mothers?|fathers?|husbands?|wives|"
    r"wife|guards?|drivers?|passengers?|villagers?|displaced|IDPs?)"
)
_ARABIC_PEOPLE_ONE = (
    "طفل", "طفلة", "مدني", "رجل", "امرأة", "إمراة", "امراة", "سيدة", "جندي", "شخص", "عنصر",
    "مقاتل", "شاب", "فتاة", "فتى", "مواطن", "مواطنة", "عسكري", "متطوع", "مسعف",
    # with the accusative alef (شخصًا مدنيًا) and "his/her" kin (شقيقه, طفلها)
    "شخصا", "مدنيا", "طفلا", "رجلا", "شابا", "عنصرا", "شقيق", "شقيقة", "شقيقه", "شقيقها",
    "طفله", "طفلها", "ابنه", "ابنها", "زوجته", "زوجها", "والده", "والدته", "أخ", "أخت", "اخت",
)  # fmt: skip
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
#: A number in digits or one of the English number words (the only words it can be).
_NUMBER = re.compile(
    r"\b(\d{1,3}(?:,\d{3})*|\d+|"
    + "|".join(sorted((w for w in _NUMBER_WORDS if w.isascii()), key=len, reverse=True))
    + r")\b",
    _I,
)
#: Every count the readers below take needs one of these stems: a sentence without them
#: gives no count (a cheap test before the costly patterns).
_ANY_CASUALTY = re.compile(
    r"kill|dead|die|death|slain|perish|martyr|lives|fatal|wound|injur|hurt|harm|casualt|loss|"
    r"victim|toll|massacre|damage|"
    r"مقتل|استشه|وفاة|توفي|مصرع|قتل|لقي|لقوا|صاب|صيب|جرح|ضحي|قض|خسائر|أضرار|"
    r"hayat|ya[şs]am|can\s+(?:ver|kayb)|[şs]ehit|öl|yaral",
    _I,
)
_BREAKDOWN = re.compile(
    r"(?:\bincluding|\bamong (?:them|whom|the (?:dead|killed|victims|wounded|injured))|"
    r"\bof whom|\bmostly|\bmost of them|\bmainly|\bone of them|\bat least \w+ of them|"
    r"\bthey include\w*|\bbetween them|بينهم|منهم)\b",
    _I,
)
_OF_THEM = re.compile(r"^\s+of (?:them|whom)\b", _I)
_NONE_BOTH = re.compile(
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
_TOLL = re.compile(
    r"\b(?:death toll|toll|number of (?:dead|deaths|victims))\b[^.;]{0,40}?\b(?:to|at|of)\s+"
    r"(\d+|[a-z]+)\b",
    _I,
)
_TURKISH_TOLL = re.compile(
    r"\b(?:hayatını kaybedenlerin|ölenlerin|ölü) sayısı(?:nın)?(?: da)?\s+(?P<k>\d{1,3})\b|"
    r"\b(?:yaralananların|yaralı) sayısı(?:nın)?(?: da)?\s+(?P<i>\d{1,3})\b",
    _I,
)
_ARABIC_KILLED = ("مقتل", "استشهاد", "وفاة", "مصرع", "قتلى", "قتل", "قُتل", "لقي", "استشهد", "توفي",
                  "راح", "قض")  # fmt: skip
_ARABIC_BEFORE_VERB = re.compile(
    r"(?P<n>\d+|ثلاثة|أربعة|خمسة|ستة|سبعة|ثمانية|تسعة|عشرة)\s+(?:\S+\s+){1,5}?"
    r"(?P<verb>قتلوا|لقوا|أصيبوا|اصيبوا|جرحوا)(?![\u0621-\u064A])"
)
_ARABIC_VERB = re.compile(
    r"مقتل|استشهاد|استشهد(?:ت|تا|وا)?|توفي|وفاة|مصرع|قتلى|إصابة|اصابة|إصابات|أصيب(?:ت|تا|وا)?|"
    r"اصيب(?:ت|تا|وا)?|جرح|جرحى|قُتل|قتل(?:ت|تا|وا)?|لقي|راح ضحيت\S*|"
    r"(?<![\u0621-\u064A])قض(?:ى|ت|وا)(?![\u0621-\u064A])"
)
#: Words between an Arabic casualty verb and its subject that are not the subject: the day
#: ("استشهد أمس الأول طفل"), "a short while ago", "in it".
_ARABIC_FILLER = frozenset(
    ("اليوم", "أمس", "امس", "الأول", "الاول", "صباح", "مساء", "ليل", "ليلة", "فجر", "ظهر",
     "منذ", "قليل", "فيها", "فيه", "أيضا", "أيضاً", "ايضا", "الأحد", "الإثنين", "الاثنين",
     "الثلاثاء", "الأربعاء", "الاربعاء", "الخميس", "الجمعة", "السبت", "")
)  # fmt: skip
#: Person nouns whose ين form is a sound plural far more often than a dual: "مدنيين آخرين"
#: are "other civilians", an unknown number (a dual is written "مدنيان" or "مدنيين اثنين").
_SOUND_PLURAL = frozenset(("مدني", "مواطن", "عسكري", "متطوع", "مسعف", "مقاتل"))
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
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
    if not _ANY_CASUALTY.search(text):
        return Casualties()
    text = _drop_period_totals(text.translate(_ARABIC_DIGITS))
    text = _AFTER_LEAD.sub(lambda m: " " * len(m.group()), text)
    folded = fold(text)
    if _has(folded, _NONE_TRIGGERS) and _NONE_BOTH.search(text):
        return Casualties(0, 0)
    denies = "no" in folded
    killed: int | None = 0 if denies and _NONE_KILLED.search(text) else None
    injured: int | None = 0 if denies and _NONE_INJURED.search(text) else None
    for count_killed, count_injured in (_english(text), _arabic(text), _turkish(text)):
        if count_killed is not None:
            killed = (killed or 0) + count_killed
        if count_injured is not None:
            injured = (injured or 0) + count_injured
    toll = _TOLL.search(text) if _has(folded, ("toll", "number of")) else None
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
_PERIOD_TOTAL = re.compile(
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


def _has(folded: str, triggers: tuple[str, ...]) -> bool:
    return any(t in folded for t in triggers)


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
    if not _has(fold(text), _PERIOD_TRIGGERS) or not _PERIOD_TOTAL.search(text):
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
_KILLED_AND_INJURED = re.compile(
    r"\b(?:killing|killed|dead|deaths?)\s+(?:and|or)\s+(?:injuring|injured|wounding|wounded|"
    r"injuries)\s+$|^\s+(?:(?:people|civilians|persons)\s+)?(?:were\s+)?(?:killed|dead)\s+"
    r"(?:and|or)\s+(?:injured|wounded)\b" + _COUNT_FOLLOWS,
    _I,
)
_AND_INJURED_AFTER = re.compile(r"\s+(?:and|or)\s+(?:injured|wounded|hurt)\b" + _COUNT_FOLLOWS, _I)
#: A count above this is a campaign's toll, not one incident's.
MAX_INCIDENT_COUNT = 250


def _english(text: str) -> tuple[int | None, int | None]:
    counts = [
        c
        for c in _counts(text)
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


def _counts(text: str) -> list[_Count]:
    families = [
        _Count(m.start(), m.end(), value, bare=False)
        for m in _FAMILY.finditer(text)
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
        if _NO_EVERY_BEFORE.search(before) or (
            m.group(1).casefold() in {"one", "a", "the"}
            and _OF_BEFORE.search(before)
            and not _ACTIVE.search(before)
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
        if _BARE_VERB.match(after) or (_ACTIVE.search(before) and not _PASSIVE.search(before)):
            counts.append(_Count(m.start(), m.end(), value, bare=True))
    counts.sort(key=lambda c: c.start)
    return counts


#: A passive verb takes no object: in "were seriously wounded five" the number is no count.
_PASSIVE = re.compile(
    r"\b(?:was|were|been|being|is|are)\s+(?:\w+ly\s+)?(?:killed|injured|wounded|hurt)\s+$", _I
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


def _overlaps(start: int, end: int, counts: list[_Count]) -> bool:
    return any(c.start < end and start < c.end for c in counts)


def _assign(text: str, group: list[_Count], limit: int, totals: dict[str, int]) -> None:
    """Add a group of counts to killed or injured, by the casualty word that governs it."""
    active = _ACTIVE.search(tail(text[: group[0].start]))
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


def _arabic(text: str) -> tuple[int | None, int | None]:
    killed: int | None = None
    injured: int | None = None
    verbs = list(_ARABIC_VERB.finditer(text))
    counted_until = 0  # the words after a verb that it counted ("استشهد فتى وأصيب شقيقه")
    for index, m in enumerate(verbs):
        end = verbs[index + 1].start() if index + 1 < len(verbs) else len(text)
        value = _arabic_count(text[m.end() : end].split()[:16])
        if value is not None:
            counted_until = end
        else:  # the subject before its verb: "امرأة قتلت", "طفلتين استشهدتا", "طفل آخر استشهد"
            before = text[counted_until : m.start()].split()[-2:]
            value = next((v for w in reversed(before) if (v := _arabic_count([w]))), None)
            if value is None:
                continue
        if m.group().startswith(_ARABIC_KILLED):
            killed = (killed or 0) + value
        else:
            injured = (injured or 0) + value
    for m in _ARABIC_BEFORE_VERB.finditer(text):  # ثلاثة عناصر ... قتلوا
        value = _arabic_count([m.group("n")])
        if value is not None:
            if m.group("verb") in {"قتلوا", "لقوا"}:
                killed = (killed or 0) + value
            else:
                injured = (injured or 0) + value
    return killed, injured


_TURKISH_NUMBERS = {"bir": 1, "iki": 2, "üç": 3, "dört": 4, "beş": 5, "altı": 6, "yedi": 7,
                    "sekiz": 8, "dokuz": 9, "on": 10}  # fmt: skip
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


def _arabic_count(words: list[str]) -> int | None:
    """Read a count from the words after an Arabic casualty word: 3, ثلاثة, اثني عشر, طفل وطفليه."""
    words = [w.strip("،.,") for w in words]
    while words and words[0] in _ARABIC_FILLER:
        words = words[1:]
    people = words[:12]
    words = words[:4]
    for i, word in enumerate(words):
        if word.isdigit():
            if any(w.removeprefix("و") in _ARABIC_MONTHS for w in words[i + 1 : i + 3]):
                break  # "أصيب شقيقه، اليوم الخميس 22 أيلول": a date, not a count
            return _value(word)
        if _is_person(word.removeprefix("و").removeprefix("ال")):
            break  # the people come first: count them
        if word in _NUMBER_WORDS and not word.isascii():
            base = _NUMBER_WORDS[word]
            following = words[i + 1] if i + 1 < len(words) else ""
            if following in {"عشر", "عشرة"} and base < 10:  # noqa: PLR2004
                return base + 10
            return base + _joined_people(words[i + 2 : i + 3])  # "أربعة أطفال وامرأتان"
    return _arabic_people(people)


#: Words a victim's name and age may take between two victims: "الطفل <name> (<age>) وأخته".
ARABIC_NAME_WORDS = 6


def _arabic_people(words: list[str]) -> int | None:
    """Count the people listed first: "طفل وامرأتان" = 3, "الطفل <name> وأخته <name>" = 2.

    The first word must be a person noun; people joined by و add up, across up to
    :data:`ARABIC_NAME_WORDS` words of names and ages between them, and a plural kin noun
    with its number adds that number ("وأطفالهم الثلاثة" = 3).
    """
    total, skipped, i = 0, 0, 0
    while i < len(words):
        word = words[i]
        joined = i == 0 or word.startswith("و")
        bare = (word.removeprefix("و") if i else word).removeprefix("ال")
        following = words[i + 1].removeprefix("ال") if i + 1 < len(words) else ""
        if joined and (value := _people_value(bare)):
            total, skipped, i = total + value, 0, i + 1
            continue
        if joined and i and _kin_plural(bare) and following in _NUMBER_WORDS:
            total, skipped, i = total + _NUMBER_WORDS[following], 0, i + 2
            continue
        if not i:
            return None
        skipped += 1
        if skipped > ARABIC_NAME_WORDS or word in _ARABIC_LIST_END:
            break
        i += 1
    return total or None


def _people_value(word: str) -> int:
    """Return 1 for a person noun (with a possessive: شقيقتهما), 2 for a dual, else 0."""
    if _dual(word):
        return 2
    return 1 if word in _ARABIC_PEOPLE_ONE or _possessed(word) in _ARABIC_PEOPLE_ONE else 0


def _possessed(word: str) -> str:
    """Return a noun without its possessive ending: شقيقتهما -> شقيقة, أخته -> أخت."""
    for ending in ("هما", "هم", "ها", "ه"):
        stem = word.removesuffix(ending)
        if stem != word and len(stem) > 1:
            feminine = stem[:-1] + "ة"  # the ة written ت before an ending
            return feminine if stem.endswith("ت") and feminine in _ARABIC_PEOPLE_ONE else stem
    return word


_KIN_PLURALS = frozenset(("أطفال", "اطفال", "أبناء", "ابناء", "أشقاء", "أولاد", "اولاد"))
#: Words that end a list of victims: where or why they were hit.
_ARABIC_LIST_END = frozenset(("جراء", "إثر", "اثر", "بقصف", "نتيجة", "بسبب"))


def _kin_plural(word: str) -> bool:
    return word in _KIN_PLURALS or _possessed(word) in _KIN_PLURALS


_ARABIC_MONTHS = frozenset(
    ("كانون", "شباط", "آذار", "اذار", "نيسان", "أيار", "ايار", "حزيران", "تموز", "آب", "اب",
     "أيلول", "ايلول", "تشرين", "يناير", "فبراير", "مارس", "أبريل", "ابريل", "مايو", "يونيو",
     "يوليو", "أغسطس", "اغسطس", "سبتمبر", "أكتوبر", "اكتوبر", "نوفمبر", "ديسمبر")
)  # fmt: skip


def _joined_people(words: list[str]) -> int:
    """Return the people a word joined by و adds after a counted noun (وامرأتان = 2)."""
    if not words or not words[0].startswith("و"):
        return 0
    bare = words[0].removeprefix("و").removeprefix("ال")
    if _dual(bare):
        return 2
    return 1 if bare in _ARABIC_PEOPLE_ONE else 0


def _is_person(word: str) -> bool:
    return word in _ARABIC_PEOPLE_ONE or _dual(word)


def _dual(word: str) -> bool:
    """Return True for a dual person noun: طفلان, طفلين, طفليه (his two children)."""
    for ending in ("ان", "ين", "يه", "يها", "يهم"):
        stem = word.removesuffix(ending)
        if ending == "ين" and stem in _SOUND_PLURAL:
            continue
        if stem != word and (
            stem in _ARABIC_PEOPLE_ONE
            or stem + "ة" in _ARABIC_PEOPLE_ONE
            or (stem.endswith("ت") and stem[:-1] + "ة" in _ARABIC_PEOPLE_ONE)  # طفلتين
        ):
            return True
    return word in {"امرأتان", "امرأتين"}
