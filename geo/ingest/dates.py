"""Resolve the date expressions of a sentence against the report's publication date.

============================================  ==================================  =========
wording                                       date                                precision
============================================  ==================================  =========
today, this morning/evening, tonight          the publication date                1 (day)
yesterday, last night                         one day before                      1
the day before yesterday, N days ago          two / N days before                 1
(on) Tuesday                                  the last Tuesday on or before it    1
last Tuesday                                  the last Tuesday strictly before    1
17 September, September 17, 17 Sep (2020)     that day; the year before if later  1
this week, earlier this week                  the publication date                2 (week)
last week                                     seven days before                   2
last month; in August                         the 15th of that month              3 (month)
============================================  ==================================  =========

The same rules read Arabic: اليوم، صباح اليوم، أمس، أول أمس، يوم الثلاثاء.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_I = re.IGNORECASE

_MONTHS = {
    name: number
    for number, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")),
        start=1,
    )
    for name in names
}  # fmt: skip
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (("monday", "الاثنين", "الإثنين"), ("tuesday", "الثلاثاء"), ("wednesday", "الأربعاء",
         "الاربعاء"), ("thursday", "الخميس"), ("friday", "الجمعة"), ("saturday", "السبت"),
         ("sunday", "الأحد", "الاحد"))
    )
    for name in names
}  # fmt: skip
_SMALL = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "a": 1}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>20\d\d))?"
_EN_WEEKDAY = "|".join(name for name in _WEEKDAYS if name.isascii())
_AR_WEEKDAY = "|".join(name for name in _WEEKDAYS if not name.isascii())
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("day_month", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR}\b", _I)),
    ("month_day", re.compile(rf"\b{_MONTH}\s+{_DAY}\b{_YEAR}", _I)),
    ("before_yesterday", re.compile(
        r"\bthe day before yesterday\b|أول (?:من )?أمس|اول امس|أمس الأول|امس الاول", _I)),
    ("yesterday", re.compile(
        r"\byesterday\b|\blast night\b|\bovernight\b|(?:مساء |صباح |ليلة |ليل )?(?:أمس|امس)"
        r"|البارحة", _I)),
    ("today", re.compile(
        r"\b(?:today|tonight|this (?:morning|afternoon|evening)|earlier today|at dawn today)\b|"
        r"(?:صباح |مساء |فجر |ظهر )?اليوم|فجر اليوم|ظهر اليوم", _I)),
    ("days_ago", re.compile(
        r"\b(?P<n>\d|one|two|three|four|five|six|seven|a)\s+days?\s+(?:ago|earlier)\b", _I)),
    ("last_weekday", re.compile(rf"\blast\s+(?P<weekday>{_EN_WEEKDAY})\b", _I)),
    ("weekday", re.compile(
        rf"\b(?:on\s+|this\s+|early\s+|late\s+)?(?P<weekday>{_EN_WEEKDAY})\b|"
        rf"(?:يوم\s+)(?P<arweekday>{_AR_WEEKDAY})", _I)),
    ("this_week", re.compile(r"\b(?:earlier\s+)?this\s+week\b|هذا الأسبوع", _I)),
    ("last_week", re.compile(r"\blast\s+week\b|\bthe\s+previous\s+week\b|الأسبوع الماضي", _I)),
    ("last_month", re.compile(r"\blast\s+month\b|الشهر الماضي", _I)),
    ("in_month", re.compile(rf"\b(?:in|during|since|early|late|mid-?)\s+{_MONTH}{_YEAR}\b", _I)),
)  # fmt: skip
MID_MONTH_DAY = 15


@dataclass(frozen=True, slots=True)
class DateMention:
    """A resolved date expression: the day, ACLED's time_precision and the words read."""

    date: dt.date
    precision: int
    text: str
    start: int


def read_date(sentence: str, *, published: dt.date) -> DateMention | None:
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
    """
    found: list[DateMention] = []
    for rule, pattern in _RULES:
        for m in pattern.finditer(sentence):
            date, precision = _resolve(rule, m, published)
            if date is not None:
                found.append(DateMention(date, precision, m.group().strip(), m.start()))
                break
    if not found:
        return None
    # The earliest in the sentence; at one place the longer wording ("the day before
    # yesterday" over "yesterday") was tried first and wins.
    return min(found, key=lambda d: (d.start, -len(d.text)))


def _resolve(  # noqa: PLR0911 - one return per rule
    rule: str, m: re.Match[str], published: dt.date
) -> tuple[dt.date | None, int]:
    day = dt.timedelta(days=1)
    if rule in {"day_month", "month_day"}:
        month = _MONTHS[m.group("month").casefold().rstrip(".")]
        year = int(m.group("year")) if m.group("year") else published.year
        try:
            date = dt.date(year, month, int(m.group("day")))
        except ValueError:
            return None, 1
        if not m.group("year") and date > published:
            date = date.replace(year=year - 1)
        return date, 1
    if rule == "in_month":
        month = _MONTHS[m.group("month").casefold().rstrip(".")]
        year = int(m.group("year")) if m.group("year") else published.year
        if not m.group("year") and month > published.month:
            year -= 1
        return dt.date(year, month, MID_MONTH_DAY), 3
    fixed = {"today": 0, "yesterday": 1, "before_yesterday": 2}
    if rule in fixed:
        return published - fixed[rule] * day, 1
    if rule == "days_ago":
        n = m.group("n").casefold()
        return published - (int(n) if n.isdigit() else _SMALL[n]) * day, 1
    if rule in {"weekday", "last_weekday"}:
        name = (m.groupdict().get("weekday") or m.groupdict().get("arweekday") or "").casefold()
        back = (published.weekday() - _WEEKDAYS[name]) % 7
        if rule == "last_weekday" and back == 0:
            back = 7
        return published - back * day, 1
    if rule == "this_week":
        return published, 2
    if rule == "last_week":
        return published - 7 * day, 2
    first = published.replace(day=1) - day  # last_month
    return first.replace(day=MID_MONTH_DAY), 3
