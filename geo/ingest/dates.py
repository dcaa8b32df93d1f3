"""Resolve the date expressions of a sentence against the report's publication date.

============================================  ==================================  =========
wording                                       date                                precision
============================================  ==================================  =========
18 September 2020, Sept. 18, 2020,            that day (needs no publication      1 (day)
18/09/2020, 05-03-2020 (day first),           date)
2020-09-18, 18 Eylül 2020, ١٨ أيلول ٢٠٢٠
today, this morning/evening, tonight          the publication date                1
yesterday, last night                         one day before                      1
the day before yesterday, N days ago          two / N days before                 1
(on) Tuesday                                  the last Tuesday on or before it    1
last Tuesday                                  the last Tuesday strictly before    1
17 September, September 17, 17 Sep            that day; the year before if later  1
this week, earlier this week                  the publication date                2 (week)
last week                                     seven days before                   2
last month; in August                         the 15th of that month              3 (month)
============================================  ==================================  =========

The same rules read Arabic (اليوم، صباح اليوم، أمس، أول أمس، يوم الثلاثاء، ٢٤ تموز) and
Turkish (bugün, bu sabah, dün, dün gece, önceki gün, salı günü, geçen hafta, 18 Eylül).

Without a publication date (``published=None``) an expression that needs one still gives
a :class:`DateMention`, with ``date`` None: the caller keeps the words for the analyst.
:func:`find_dateline` looks for the publication date itself in the report's first lines.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.ingest.first_chars import leading
from geo.ingest.wording import by_scripts, fold, holds, text_scripts
from geo.names import is_arabic

if TYPE_CHECKING:
    from collections.abc import Iterator

_I = re.IGNORECASE

_MONTH_NAMES = (
    ("january", "jan", "ocak", "كانون الثاني", "يناير", "كانون ثاني"),
    ("february", "feb", "şubat", "subat", "شباط", "فبراير"),
    ("march", "mar", "mart", "آذار", "اذار", "مارس"),
    ("april", "apr", "nisan", "نيسان", "أبريل", "ابريل"),
    ("may", "mayıs", "mayis", "أيار", "ايار", "مايو"),
    ("june", "jun", "haziran", "حزيران", "يونيو"),
    ("july", "jul", "temmuz", "تموز", "يوليو"),
    ("august", "aug", "ağustos", "agustos", "آب", "اب", "أغسطس", "اغسطس"),
    ("september", "sep", "sept", "eylül", "eylul", "أيلول", "ايلول", "سبتمبر"),
    ("october", "oct", "ekim", "تشرين الأول", "تشرين الاول", "أكتوبر", "اكتوبر"),
    ("november", "nov", "kasım", "kasim", "تشرين الثاني", "نوفمبر"),
    ("december", "dec", "aralık", "aralik", "كانون الأول", "كانون الاول", "ديسمبر"),
)
_MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (("monday", "الاثنين", "الإثنين", "pazartesi"), ("tuesday", "الثلاثاء", "salı", "sali"),
         ("wednesday", "الأربعاء", "الاربعاء", "çarşamba", "carsamba"),
         ("thursday", "الخميس", "perşembe", "persembe"), ("friday", "الجمعة", "cuma"),
         ("saturday", "السبت", "cumartesi"), ("sunday", "الأحد", "الاحد", "pazar"))
    )
    for name in names
}  # fmt: skip
_SMALL = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "a": 1,
          "bir": 1, "iki": 2, "üç": 3, "dört": 4, "beş": 5}  # fmt: skip
_LATIN_MONTH = "|".join(sorted((m for m in _MONTHS if not is_arabic(m)), key=len, reverse=True))
_ARABIC_MONTH = "|".join(sorted((m for m in _MONTHS if is_arabic(m)), key=len, reverse=True))
#: A month name; a Latin one must end at a word end (or a Turkish case ending: Eylül'de).
_MONTH = rf"(?P<month>(?:{_LATIN_MONTH})\.?(?![^\W\d_])|(?:{_ARABIC_MONTH})(?:\s*/\s*\S+)?)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d)(?!\d))?"
_EN_WEEKDAY = "|".join(name for name in _WEEKDAYS if name.isascii() and name.endswith("day"))
_TR_WEEKDAY = "pazartesi|cumartesi|çarşamba|carsamba|perşembe|persembe|pazar|salı|sali|cuma"
_AR_WEEKDAY = "|".join(name for name in _WEEKDAYS if "\u0600" <= name[0] <= "\u06ff")
_NUMERIC = leading(
    r"(?<![\d/.-])(?:(?P<y1>(?:19|20)\d\d)-(?P<m1>[01]?\d)-(?P<d1>[0-3]?\d)|"
    r"(?P<d2>[0-3]?\d)[-/.](?P<m2>[01]?\d)[-/.](?P<y2>(?:19|20)\d\d))(?![\d/.-]?\d)"
)
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("numeric", _NUMERIC),
    ("day_month", leading(
        rf"(?<!\d){_DAY}\s+(?:of\s+|من\s+(?:شهر\s+)?|شهر\s+)?{_MONTH}{_YEAR}", _I)),
    ("month_day", leading(rf"\b{_MONTH}\s+{_DAY}\b{_YEAR}", _I)),
    ("before_yesterday", leading(
        r"\bthe day before yesterday\b|أول (?:من )?أمس|اول امس|أمس الأول|امس الاول|"
        r"\b(?:önceki|evvelki) gün(?:kü)?\b|\bevvelsi gün\b", _I)),
    ("yesterday", leading(
        r"\byesterday\b|\blast night\b|\bovernight\b|(?:مساء |صباح |ليلة |ليل )?(?:أمس|امس)"
        r"|البارحة|\bdün(?:kü)?\b(?: (?:gece|akşam|sabah))?", _I)),
    ("today", leading(
        r"\b(?:today|tonight|this (?:morning|afternoon|evening)|earlier today|at dawn today)\b|"
        r"(?:صباح |مساء |فجر |ظهر )?(?<!هذا )اليوم|"  # not "هذا اليوم" (this day)
        r"\bbugün(?:kü)?\b|\bbu (?:sabah|akşam|gece)\b", _I)),
    ("days_ago", leading(
        r"\b(?P<n>\d|one|two|three|four|five|six|seven|a)\s+days?\s+(?:ago|earlier)\b|"
        r"\b(?P<tn>\d|bir|iki|üç|dört|beş)\s+gün\s+önce\b", _I)),
    ("last_weekday", leading(rf"\blast\s+(?P<weekday>{_EN_WEEKDAY})\b", _I)),
    ("weekday", leading(
        rf"\b(?:on\s+|this\s+|early\s+|late\s+)?(?P<weekday>{_EN_WEEKDAY})\b|"
        rf"(?:يوم\s+|صباح\s+|مساء\s+|فجر\s+|ليلة\s+|ظهر\s+)(?:يوم\s+)?(?P<arweekday>{_AR_WEEKDAY})|"
        rf"\b(?P<trweekday>{_TR_WEEKDAY})\s+(?:günü|sabahı|akşamı|gecesi)\b", _I)),
    ("this_week", leading(r"\b(?:earlier\s+)?this\s+week\b|هذا الأسبوع|\bbu hafta\b", _I)),
    ("last_week", leading(
        r"\blast\s+week\b|\bthe\s+previous\s+week\b|الأسبوع الماضي|\bgeçen hafta\b", _I)),
    ("last_month", leading(r"\blast\s+month\b|الشهر الماضي|\bgeçen ay\b", _I)),
    ("in_month", leading(
        rf"\b(?:in|during|since|early|late|mid-?)\s+{_MONTH}{_YEAR}(?![^\W\d_])", _I)),
)  # fmt: skip
MID_MONTH_DAY = 15
#: The dateline is looked for in this many first characters of the report's text.
DATELINE_CHARS = 400
_DATELINE_LABEL = re.compile(
    r"(?:published|updated|posted|date|yayınlanma|güncelleme|tarih|تاريخ النشر|نشر في)\s*:?\s*"
    r"(?:on\s+)?$",
    _I,
)
#: Words one of which every match of :data:`_DATELINE_LABEL` holds (folded by
#: :func:`geo.ingest.wording.fold`). Keep them in step with the pattern.
_LABEL_TRIGGERS = ("published", "posted", "date", "yayinlanma", "güncelleme", "tarih",
                   "تاريخ النشر", "نشر في")  # fmt: skip
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_NEEDS_MONTH = frozenset(("day_month", "month_day", "in_month"))
_WEEKDAY_WORDS = (*(n for n in _WEEKDAYS if not n.endswith("day")), "day")
#: Words one of which a rule's match must contain (casefolded): a cheap test before its regex.
_TRIGGERS: dict[str, tuple[str, ...]] = {
    "before_yesterday": ("yesterday", "أمس", "امس", "gün"),
    "yesterday": ("yesterday", "night", "overnight", "أمس", "امس", "البارحة", "dün"),
    "today": ("today", "tonight", "this ", "اليوم", "bugün", "bu "),
    "days_ago": ("day", "gün"),
    "last_weekday": ("last ",),
    "weekday": _WEEKDAY_WORDS,
    "this_week": ("week", "الأسبوع", "hafta"),
    "last_week": ("week", "الأسبوع", "hafta"),
    "last_month": ("month", "الشهر", "geçen ay"),
}
_TRIGGER_SCRIPTS = {rule: by_scripts(triggers) for rule, triggers in _TRIGGERS.items()}
#: The numeric rule's test: a digit (Arabic-Indic digits are read as ASCII ones first).
_ANY_DIGIT = re.compile("[0-9]")
_MONTH_WORDS = frozenset(name.split()[0].rstrip(".") for name in _MONTHS)
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression: its day, ACLED's time_precision, the words read and their start.

    ``date`` is None when the words need a publication date that is not known.
    """

    date: dt.date | None
    precision: int
    text: str
    start: int


def read_date(sentence: str, *, published: dt.date | None) -> DateMention | None:
    """Return the first date expression of ``sentence`` resolved against ``published``.

    Examples
    --------
    >>> published = dt.date(2020, 9, 18)  # a Friday
    >>> read_date("Shelling hit Ariha on Tuesday.", published=published).date
    datetime.date(2020, 9, 15)
    >>> read_date("It happened on 25 December.", published=published).date
    datetime.date(2019, 12, 25)
    >>> read_date("Clashes broke out last week.", published=published).precision
    2
    >>> read_date("Jets struck on Tuesday.", published=None)
    DateMention(date=None, precision=1, text='on Tuesday', start=12)
    """
    text = sentence if sentence.isascii() else sentence.translate(_ARABIC_DIGITS)
    folded = text.casefold()
    named_month = not _MONTH_WORDS.isdisjoint(_WORD.findall(folded))
    found: list[DateMention] = []
    scripts = text_scripts(folded)  # a rule's words of another script cannot be there
    tested: dict[tuple[str, ...], bool] = {}  # several rules share their words
    for rule, pattern in _RULES:
        if rule in _NEEDS_MONTH and not named_month:
            continue  # the month-name rules are the slow ones: only when a month is named
        if rule == "numeric":
            if _ANY_DIGIT.search(text) is None:
                continue
        elif (by_script := _TRIGGER_SCRIPTS.get(rule)) is not None:
            triggers = by_script[scripts]
            if triggers not in tested:
                tested[triggers] = holds(folded, triggers)
            if not tested[triggers]:
                continue  # none of the rule's words is in the sentence: skip its regex
        for m in pattern.finditer(text):
            resolved = _resolve(rule, m, published)
            if resolved is not None:
                date, precision = resolved
                found.append(DateMention(date, precision, m.group().strip(), m.start()))
                break
    if not found:
        return None
    # The earliest in the sentence; at one place the longer wording ("the day before
    # yesterday" over "yesterday", "17 September 2020" over "September") wins.
    return min(found, key=lambda d: (d.start, -len(d.text)))


def find_dateline(text: str) -> DateMention | None:
    """Return the publication date a report states: a full date in its first lines.

    A full date is one with its year (``18/09/2020``, ``Sept. 18, 2020``, ``18 Eylül
    2020``, ``١٨ أيلول ٢٠٢٠``), within the first :data:`DATELINE_CHARS` characters or
    after a label such as "Published:" anywhere.

    Examples
    --------
    >>> find_dateline("IDLIB, 18/09/2020 - Shelling hit Ariha.").date
    datetime.date(2020, 9, 18)
    >>> find_dateline("Shelling hit Ariha on Tuesday.") is None
    True
    """
    digits = text if text.isascii() else text.translate(_ARABIC_DIGITS)
    folded = fold(digits)
    labelled = holds(folded, _LABEL_TRIGGERS)
    # With no label anywhere only a date in the first lines can be the dateline.
    for m in _full_dates(digits, until=None if labelled else DATELINE_CHARS):
        before = digits[max(0, m.start - 40) : m.start]
        if m.start < DATELINE_CHARS or _DATELINE_LABEL.search(before):
            return m
    return None


def _full_dates(text: str, *, until: int | None = None) -> list[DateMention]:
    """Return the full dates of ``text`` in reading order (those starting before ``until``)."""
    out = []
    for rule, pattern in _RULES[:3]:
        for m in (
            pattern.finditer(text) if until is None else _starting_before(pattern, text, until)
        ):
            if rule != "numeric" and not m.group("year"):
                continue
            resolved = _resolve(rule, m, None)
            if resolved is not None and resolved[0] is not None:
                out.append(DateMention(resolved[0], 1, m.group().strip(), m.start()))
    return sorted(out, key=lambda d: d.start)


#: Where a full date can start: a digit (numeric, day_month) or a word (month_day).
_FULL_DATE_START = re.compile(r"(?<!\d)\d|\b[^\W\d_]")


def _starting_before(pattern: re.Pattern[str], text: str, until: int) -> Iterator[re.Match[str]]:
    """Yield ``pattern.finditer(text)``'s matches that start before ``until``.

    ``finditer`` would try every position of a long text after the first lines; a full date
    can start only where :data:`_FULL_DATE_START` matches, so only those positions of the
    first ``until`` characters are tried (``match`` still sees the text around them), and
    the matches are the same.
    """
    at = 0
    for start in _FULL_DATE_START.finditer(text, 0, until):
        if start.start() < at:
            continue
        m = pattern.match(text, start.start())
        if m is not None:
            yield m
            at = m.end()


def _month(m: re.Match[str]) -> int:
    name = m.group("month").split("/")[0].strip().casefold().rstrip(".")
    return _MONTHS[name]


def _resolve(  # noqa: C901, PLR0911, PLR0912 - one branch per rule
    rule: str, m: re.Match[str], published: dt.date | None
) -> tuple[dt.date | None, int] | None:
    """Return (date, precision) for a rule's match, or None if it is no date at all."""
    day = dt.timedelta(days=1)
    if rule == "numeric":
        year, month, dom = (
            (m.group("y1"), m.group("m1"), m.group("d1"))
            if m.group("y1")
            else (m.group("y2"), m.group("m2"), m.group("d2"))
        )
        try:
            return dt.date(int(year), int(month), int(dom)), 1
        except ValueError:
            return None
    if rule in {"day_month", "month_day"}:
        month = _month(m)
        if not m.group("year") and published is None:
            return None, 1
        year = int(m.group("year")) if m.group("year") else published.year  # type: ignore[union-attr]
        try:
            date = dt.date(year, month, int(m.group("day")))
        except ValueError:
            return None
        if not m.group("year") and published is not None and date > published:
            date = date.replace(year=year - 1)
        return date, 1
    if rule == "in_month":
        month = _month(m)
        if m.group("year"):
            return dt.date(int(m.group("year")), month, MID_MONTH_DAY), 3
        if published is None:
            return None, 3
        year = published.year - (month > published.month)
        return dt.date(year, month, MID_MONTH_DAY), 3
    precision = {"this_week": 2, "last_week": 2, "last_month": 3}.get(rule, 1)
    if published is None:
        return None, precision
    fixed = {"today": 0, "yesterday": 1, "before_yesterday": 2, "this_week": 0, "last_week": 7}
    if rule in fixed:
        return published - fixed[rule] * day, precision
    if rule == "days_ago":
        n = (m.group("n") or m.group("tn")).casefold().replace("i\u0307", "i")
        return published - (int(n) if n.isdigit() else _SMALL.get(n, 1)) * day, 1
    if rule in {"weekday", "last_weekday"}:
        groups = m.groupdict()
        name = groups.get("weekday") or groups.get("arweekday") or groups.get("trweekday") or ""
        back = (published.weekday() - _WEEKDAYS[name.casefold()]) % 7
        if rule == "last_weekday" and back == 0:
            back = 7
        return published - back * day, 1
    first = published.replace(day=1) - day  # last_month
    return first.replace(day=MID_MONTH_DAY), 3
