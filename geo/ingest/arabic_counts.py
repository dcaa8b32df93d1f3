"""Read killed and injured counts from Arabic: the casualty word and the people it counts.

An Arabic casualty word (مقتل، استشهد، أصيب، راح ضحيتها، قضى …) counts the people after it:
a number (3, ثلاثة, اثني عشر), else the person nouns listed and joined by و (طفل وامرأتان
= 3), across victims' names and ages (الطفل <name> (<age>) وأخته = 2); without one, the
subject just before it ("امرأة قتلت"). Day words between the verb and its subject are
skipped. The words ending in ين of sound plurals (مدنيين آخرين) are a number not given.
"""

from __future__ import annotations

import re

from geo.names import is_arabic

ARABIC_NUMBER_WORDS = {
    "واحد": 1, "واحدة": 1, "اثنان": 2, "اثنين": 2, "اثنتين": 2, "اثني": 2, "اثنا": 2,
    "أحد": 1, "إحدى": 1, "ثلاثة": 3, "ثلاث": 3,
    "أربعة": 4, "اربعة": 4, "أربع": 4, "خمسة": 5, "خمس": 5, "ستة": 6, "ست": 6, "سبعة": 7,
    "سبع": 7, "ثمانية": 8, "ثماني": 8, "تسعة": 9, "تسع": 9, "عشرة": 10, "عشر": 10,
}  # fmt: skip
_ARABIC_PEOPLE_ONE = (
    "طفل", "طفلة", "مدني", "رجل", "امرأة", "إمراة", "امراة", "سيدة", "جندي", "شخص", "عنصر",
    "مقاتل", "شاب", "فتاة", "فتى", "مواطن", "مواطنة", "عسكري", "متطوع", "مسعف",
    # with the accusative alef (شخصًا مدنيًا) and "his/her" kin (شقيقه, طفلها)
    "شخصا", "مدنيا", "طفلا", "رجلا", "شابا", "عنصرا", "شقيق", "شقيقة", "شقيقه", "شقيقها",
    "طفله", "طفلها", "ابنه", "ابنها", "زوجته", "زوجها", "والده", "والدته", "أخ", "أخت", "اخت",
)  # fmt: skip
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


def _digits(word: str) -> int | None:
    """Return a count in digits; a year (1900-2100) or a longer number is none."""
    value = int(word)
    return value if len(word) < 6 and not (1900 <= value <= 2100) else None  # noqa: PLR2004


def read_arabic(text: str) -> tuple[int | None, int | None]:
    """Return the killed and injured counts an Arabic sentence gives (None: not stated).

    Examples
    --------
    >>> read_arabic("قتل مدنيان وأصيب ثلاثة آخرون")
    (2, 3)
    """
    killed: int | None = None
    injured: int | None = None
    if not is_arabic(text):
        return killed, injured  # every pattern below needs Arabic letters
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
            return _digits(word)
        if _is_person(word.removeprefix("و").removeprefix("ال")):
            break  # the people come first: count them
        if word in ARABIC_NUMBER_WORDS and not word.isascii():
            base = ARABIC_NUMBER_WORDS[word]
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
        if joined and i and _kin_plural(bare) and following in ARABIC_NUMBER_WORDS:
            total, skipped, i = total + ARABIC_NUMBER_WORDS[following], 0, i + 2
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
