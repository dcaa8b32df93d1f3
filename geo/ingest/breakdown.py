"""Read a casualty breakdown by place: each place's own count, and never the total again.

Agencies list counts per town in one sentence: "the raids left two dead in Sarmin and five
more in the village of Binnish", or in Turkish "Sermin'de 2, Binniş'te 5, Taftanaz'da da 1
kişi öldü" (a closing "toplam 8" is the total). A breakdown is two or
more places each with a number next to it; the casualty word governing the list (the verb
before an English list, the verb after a Turkish one) says killed or injured.
"""

from __future__ import annotations

import re

from geo.ingest.wording import ends

_I = re.IGNORECASE
_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
          "seven": 7, "eight": 8, "nine": 9, "ten": 10, "bir": 1, "iki": 2, "üç": 3, "dört": 4,
          "beş": 5, "altı": 6, "yedi": 7, "sekiz": 8, "dokuz": 9}  # fmt: skip
_NUMBER = r"\b(\d{1,3}|" + "|".join(_WORDS) + r")"
#: "… one in [the town of] X": the count before an English place.
_BEFORE_PLACE = re.compile(
    _NUMBER + r"\s+(?:(?:others?|people|civilians?|persons?|children|more)\s+)?(?:were\s+)?"
    r"(?:killed\s+|injured\s+|wounded\s+)?(?:in|at)\s+(?:the\s+)?(?:(?:town|village|city|"
    r"district|camp|area)\s+(?:of\s+)?)?$",
    _I,
)
#: The most characters other than white space a match of :data:`_BEFORE_PLACE` can hold
#: (see :func:`geo.ingest.wording.ends`; ``tests/test_ingest.py`` checks it).
END_LETTERS: dict[re.Pattern[str], int] = {_BEFORE_PLACE: 40}
#: The words (folded) a match of it can end with before its closing white space.
END_WORDS: dict[re.Pattern[str], tuple[str, ...]] = {
    _BEFORE_PLACE: ("in", "at", "the", "town", "village", "city", "district", "camp", "area", "of")
}
#: "X'de 2", "X ilçesinde 2", "X köyünde ise 1": the count after a Turkish place.
_AFTER_PLACE = re.compile(
    r"^(?:['’]\w+)?(?:\s+\w+(?:inde|ında|unda|ünde|nde|nda|de|da|te|ta))?\s*(?:(?:ise|da|de)\s+)?"
    # "X köyünde bir aileden 6'sı çocuk toplam 9": the count is the total after the family
    r"(?:bir aileden\s+[^,;]{0,30}?\btoplam\s+)?"
    + _NUMBER
    + r"(?![\d.,]*\s*(?:km|kilomet|metre|saat|gün|'[dt]))\b",
    _I,
)
_KILLED = re.compile(
    r"kill|dead|died|death|hayat[ıi]n[ıi] kaybe[dt]|ya[şs]am[ıi]n[ıi] yitir|öl(?:dü|ü|müş)|"
    r"[şs]ehit|can ver",
    _I,
)
_INJURED = re.compile(r"injur|wound|hurt|yaralan|yaralı", _I)


def breakdown(text: str, mentions: list[tuple[int, int, str]]) -> dict[str, tuple[str, int]]:
    """Return place name → ("killed" | "injured", count) for a breakdown in ``text``.

    ``mentions`` are the (start, end, name) of the places the sentence names. Fewer than two
    counted places is no breakdown (an empty dict).

    Examples
    --------
    >>> text = "Rockets killed one in Binnish and 3 more in the village of Sarmin."
    >>> spans = [(text.find(n), text.find(n) + len(n), n) for n in ("Binnish", "Sarmin")]
    >>> breakdown(text, spans)
    {'Binnish': ('killed', 1), 'Sarmin': ('killed', 3)}
    """
    if len({name for _, _, name in mentions}) < 2:  # noqa: PLR2004
        return {}  # no two places to count (the counted ones are some of them)
    counts: list[tuple[int, str, int, bool]] = []  # position, place, count, count first
    for start, end, name in mentions:
        before = ends(
            _BEFORE_PLACE, text[:start], END_LETTERS[_BEFORE_PLACE], END_WORDS[_BEFORE_PLACE]
        )
        after = _AFTER_PLACE.match(text[end:])
        if before:
            counts.append((before.start(), name, _value(before.group(1)), True))
        elif after and not text[end:].startswith(" ve "):
            counts.append((end + after.end(), name, _value(after.group(1)), False))
    if len({c[1] for c in counts}) < 2:  # noqa: PLR2004
        return {}
    counts.sort()
    out: dict[str, tuple[str, int]] = {}
    previous, which = 0, None
    for position, name, value, count_first in counts:
        if count_first:  # "killing one in A and injuring four in B": the word before it
            which = _governing(text[previous:position], "") or which
            which = which or _governing("", text[position:])
        else:  # "A'da 4, B'de 2 kişi öldürülürken C'de 9 kişi yaralandı": the verb after it
            which = _governing("", text[position:])
        if which is None:
            return {}
        out[name] = (which, value)
        previous = position + 1
    return out


def _governing(before: str, after: str) -> str | None:
    """Return which count the list is of: the last casualty word before it, else the next."""
    found = [(m.start(), "killed") for m in _KILLED.finditer(before)]
    found += [(m.start(), "injured") for m in _INJURED.finditer(before)]
    if found:
        return max(found)[1]
    later = [(m.start(), "killed") for m in _KILLED.finditer(after)]
    later += [(m.start(), "injured") for m in _INJURED.finditer(after)]
    return min(later)[1] if later else None


def _value(word: str) -> int:
    return int(word) if word.isdigit() else _WORDS.get(word.casefold().replace("i\u0307", "i"), 1)
