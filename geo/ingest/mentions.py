"""Find the places a sentence names: gazetteer places in any spelling, highways, unknown villages.

A *mention* is a run of capitalised words (articles such as ``al-`` may join them) whose
text the geocoder matches to a place, read longest first, so "Jabal al-Zawiya" is one
mention and not "Zawiya". Arabic-script words need no capital; their one-letter prefixes
(و ب ل ف ك) are tried off when the whole word is not a name. Highway names and the names of
organisations ("Hayat Tahrir al-Sham", "Syrian Observatory …") are masked first, so the
"Latakia" of "the Latakia–Aleppo highway" is not a place mention.

Spelling variants the gazetteer does not list are matched through the geocoder's phonetic
and consonant-skeleton keys (never its fuzzy search), and only at :data:`MIN_VARIANT_SCORE`
or better: "Kanasfara" is found as Kansafra (0.83) and "Khan al-Subul" as Khan al-Sibel
(0.81), while "Russian" (0.80 against Al Rashwan) is not. A single word that is frequent in
English or Turkish text (``data/common_words.txt``) is a mention only as one of a place's
own names: "Drone" is not read as Dayrunah.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from geo.errors import AmbiguousPlaceError, GeocodeInputError, PlaceNotFoundError
from geo.geocode import (
    RESOLVE_MIN_SCORE,
    SAME_NAME_FLOOR,
    SAME_NAME_SCORE,
    SAME_PLACE_KM,
    TYPO_SCORE,
    distance_km,
    scan_keys,
)
from geo.ingest.first_chars import leading
from geo.ingest.wording import ends, fold
from geo.names import ARTICLES, GENERIC_WORDS, common_words, is_arabic, letter_readings

if TYPE_CHECKING:
    from collections.abc import Sequence

    from geo.coords import LonLat
    from geo.geocode import Gazetteer, Match

_I = re.IGNORECASE

#: ``province``: a governorate's name where the gazetteer has no city of that name (Hama):
#: a mention, but neither a candidate's place nor a context point.
Role = Literal["place", "area", "region", "province"]

#: Matches below :data:`geo.geocode.SAME_NAME_SCORE` (a spelling the gazetteer does not
#: list) count as mentions only from this score.
MIN_VARIANT_SCORE = 0.81
#: The longest place name, in words, that is looked for.
MAX_NAME_WORDS = 6
#: Kinds in order of prominence: a report's bare "Aleppo" is the city, not a village of that
#: name.
_PROMINENCE = {"city": 4, "town": 3, "area": 2, "village": 1}

#: Capitalised words of reports that are never place names on their own, although a
#: spelling of some small place comes close (Syrian ~ Sharan, Russian ~ Al Rashwan).
STOPWORDS = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "the",
        "a",
        "an",
        "and",
        "in",
        "on",
        "at",
        "of",
        "to",
        "by",
        "for",
        "with",
        "from",
        "this",
        "that",
        "these",
        "those",
        "his",
        "her",
        "their",
        "its",
        "it",
        "he",
        "she",
        "they",
        "we",
        "our",
        "there",
        "here",
        "while",
        "after",
        "before",
        "during",
        "since",
        "until",
        "earlier",
        "later",
        "also",
        "but",
        "then",
        "when",
        "where",
        "which",
        "who",
        "as",
        "regime",
        "government",
        "army",
        "forces",
        "russian",
        "russians",
        "russia",
        "syrian",
        "syrians",
        "syria",
        "turkish",
        "turks",
        "turkey",
        "iranian",
        "iran",
        "kurdish",
        "arab",
        "arabs",
        "american",
        "israeli",
        "civil",
        "defence",
        "defense",
        "white",
        "helmets",
        "observatory",
        "human",
        "rights",
        "ministry",
        "council",
        "front",
        "national",
        "liberation",
        "media",
        "office",
        "centre",
        "center",
        "network",
        "news",
        "agency",
        "press",
        "reuters",
        "sana",
        "sohr",
        "hts",
        "sdf",
        "sna",
        "nlf",
        "un",
        "uk",
        "us",
        "eu",
        "local",
        "sources",
        "activists",
        "residents",
        "civilians",
        "soldiers",
        "troops",
        "patrol",
        "joint",
        "highway",
        "road",
        "village",
        "town",
        "city",
        "countryside",
        "province",
        "governorate",
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "one",
        "no",
        "none",
        "several",
        "dozens",
        # Turkish and transliterated words of agency copy that a place spelling comes close to
        "suriye",
        "türkiye",
        "rusya",
        "rus",
        "esed",
        "esad",
        "beşar",
        "beşşar",
        "bessar",
        "baas",
        "sivil",
        "savunma",
        "beyaz",
        "baretliler",
        "rejim",
        "gerginliği",
        "gerginlik",
        "azaltma",
        "bölgesi",
        "bölge",
        "tsk",
        "iha",
        "siha",
        "ankara",
        "moskova",
        "muhalif",
        "muhalifler",
        "haber",
        "ajansı",
        "allah",
    ]
)

#: A generic word alone ("Tal" of an unknown "Tal Hamdan") is never a place name.
_GENERIC = frozenset(variant for variants in GENERIC_WORDS.values() for variant in variants)
_ORGANISATIONS = leading(
    r"\b(?:Hay+(?:'|’)?a+t Tahrir al[- ]Sham|Tahrir al[- ]Sham|Ahrar al[- ]Sham|Faylaq al[- ]Sham|"
    r"Jaysh al[- ]Izza|Jaish al[- ]Izza|Syrian Observatory(?: for Human Rights)?|"
    r"(?:Syria |Syrian )?Civil Defen[cs]e|White Helmets|Response Coordinators|"
    r"(?:National|Syrian) (?:Front for Liberation|Liberation Front|National Army)|"
    r"Tiger Forces|Fourth Division|Enab Baladi|North Press|Hurras al[- ]Din)\b",
    _I,
)
#: Words one of which every match of :data:`_ORGANISATIONS` holds (folded by
#: :func:`geo.ingest.wording.fold`): a cheap test before the pattern. Keep them in step.
_ORGANISATION_TRIGGERS = ("tahrir", "ahrar", "faylaq", "izza", "observatory", "civil defen",
                          "white helmets", "response coordinators", "liberation",
                          "national army", "tiger forces", "fourth division", "enab baladi",
                          "north press", "hurras")  # fmt: skip
#: People named in reports, whose given names come close to villages (Bashar ~ al-Bassah,
#: Tayyip ~ Tayyibah, Putin ~ Butayn): a title and the names after it, a leader's surname
#: and the names before it, "the Putin-Erdogan area" (the zone's nickname), and in Arabic
#: a person word and the quoted name after it (الشاب “…”).
_PERSONS = leading(
    r"(?-i:\b(?:President|Prime Minister|Minister|Foreign Minister|Defen[cs]e Minister|"
    r"counterpart|leader|Dr\.?|Doctor)\s+(?:[A-Z][\w'’-]+\s+){0,3}[A-Z][\w'’-]+)|"
    r"(?-i:(?:\b[A-Z][\w'’]+\s+){0,2}(?:al-|el-)?(?:Assad|Asad|Esad|Esed|Erdo[gğ]an|Putin|Lavrov|"
    r"Shoigu|[ÇC]avu[sş]o[gğ]lu)\b(?:[-–][A-Z][\w'’]+)?)|"
    r"(?:بشار|رجب طيب|رجب|فلاديمير)\s+[\u0621-\u064A]+|"
    r"(?:الشاب|الشابة|الطفل|الطفلة|الدكتور|المواطن|المواطنة|السيدة|الرجل|المدني)\s+[“\"«][^”\"»]{1,40}[”\"»]"
)
#: Words (as written: the pattern minds case) one of which every match of :data:`_PERSONS`
#: holds: a cheap test before it. Keep them in step.
_PERSON_TRIGGERS = ("President", "Minister", "counterpart", "leader", "Dr", "Doctor", "Assad",
                    "Asad", "Esad", "Esed", "Erdo", "Putin", "Lavrov", "Shoigu", "avu", "بشار",
                    "رجب", "فلاديمير", "الشاب", "الطفل", "الدكتور", "المواطن", "السيدة", "الرجل",
                    "المدني")  # fmt: skip
#: Everyday Arabic words (with a one-letter prefix where it reads as one) that a village's
#: Arabic name matches: "big", "human" (خسائر بشرية: casualties), "visit", "ceasefire"
#: (وقف إطلاق النار), "his son", "noon", "fell", "confirmed", "to", "the civilians", "in
#: the village of".
ARABIC_EVERYDAY = frozenset(
    ("كبيرة", "كبير", "بشرية", "بشري", "زيارة", "وقف", "ابنه", "ابنها", "ظهر", "سقطت", "وسقطت",
     "تأكد", "وتأكد", "وتاكد", "الى", "إلى", "المدنيين", "مدنيين", "بقرية", "قرية", "ببلدة",
     "بلدة", "بمدينة", "مدينة", "صفوف", "أضرار", "اضرار", "خسائر", "منازل", "إطلاق", "اطلاق")
)  # fmt: skip
#: A military base named by its unit: "the 111th Regiment", الفوج 46 (digits are no token).
_UNITS = leading(
    r"\b\d{1,3}(?:st|nd|rd|th)\s+(?:Regiment|Brigade|Division|Battalion)\b|"
    r"(?:الفوج|اللواء)[\s\-–]*\d{1,3}\b",
    _I,
)
_HIGHWAYS = (
    (leading(r"\bM[- ]?4\b|\b(?:Latakia|Lattakia|Aleppo)\s*[-–—/ ]\s*(?:Aleppo|Latakia|"
                r"Lattakia)\s+(?:international\s+)?(?:highway|road|motorway)\b|"
                r"طريق\s+(?:حلب\s*[-–]\s*اللاذقية|اللاذقية\s*[-–]\s*حلب)|الطريق الدولي M4", _I),
     "M4"),
    (leading(r"\bM[- ]?5\b|\b(?:Damascus|Aleppo|Hama)\s*[-–—/ ]\s*(?:Aleppo|Damascus)\s+"
                r"(?:international\s+)?(?:highway|road|motorway)\b|"
                r"طريق\s+(?:حلب\s*[-–]\s*دمشق|دمشق\s*[-–]\s*حلب)", _I),
     "M5"),
)  # fmt: skip
#: Per highway, words one of which its every match holds (folded): a cheap test before it.
_HIGHWAY_TRIGGERS = {
    "M4": ("4", "highway", "road", "motorway", "طريق"),
    "M5": ("5", "highway", "road", "motorway", "طريق"),
}
_DIGIT = re.compile(r"\d")
#: A word: letters, and apostrophes between letters (O'Hara, Ma’arrat).
_TOKEN = re.compile(r"[^\W\d_]+(?:['’‘`ʼ][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$")
#: A Turkish case ending after an apostrophe: İdlib'de, Halep'in, Han Şeyhun'a.
_TURKISH_CASE = re.compile(
    r"['’](?:de|da|te|ta|den|dan|ten|tan|deki|daki|teki|taki|e|a|ye|ya|ne|na|nin|nın|nun|nün|"
    r"in|ın|un|ün|i|ı|u|ü|yi|yı|yu|yü|le|la|yle|yla|li|lı|lu|lü)$",
    re.IGNORECASE,
)
_JOIN = frozenset((" ", "-", "‑", "_"))
#: Letters that make the whole of a name read the Turkish way (see geo.names.fold_latin).
_TURKISH_LETTERS = frozenset("ıİğĞ")
#: Turkish orthography joins names with "eş" (Cisr eş Şuğur).
_JOINED_ARTICLES = (ARTICLES - {"a", "i", "an", "at", "as", "es", "il", "ul"}) | {"eş"}
_ARABIC_PREFIXES = ("وب", "ول", "وك", "فب", "فل", "و", "ف", "ب", "ل", "ك")
_REGION_BEFORE = re.compile(
    r"(?:\b(?:southern|northern|eastern|western|south-?eastern|south-?western|north-?eastern|"
    r"north-?western|rural|greater)\s+|\b(?:countryside|province|governorate) of\s+"
    r"(?:the\s+)?|(?:^|\s)[وبل]?(?:ريف|شمال|جنوب|شرق|غرب|شمالي|جنوبي|شرقي|غربي)\s+)$",
    _I,
)
_REGION_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?:(?:southern|northern|eastern|western|south-?eastern|south-?western|"
    r"north-?eastern|north-?western)\s+)?(?:countryside|province|governorate|region|suburbs)\b|"
    r"^(?:['’]\w+)?\s+(?:kırsal\w*|güney\w*|kuzey\w*|doğu\w*|batı\w*|il(?:i|inde|indeki|ine|in)\b|"
    r"bölge\w*|gerginli\w*)",
    _I,
)
_NEAR_BEFORE = re.compile(
    r"\b(?:near|nearby|outskirts of|edges? of|around|close to|vicinity of|outside|"
    r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)? of|"
    r"(?:km|kilometres?|kilometers?|miles?) (?:from|of)|between)\s+(?:the\s+)?"
    r"(?:(?:village|town|city|outskirts|area) of\s+)?$|"
    r"(?:^|\s)[وف]?(?:قرب|بالقرب من|محيط|أطراف|ضواحي)\s+$",
    _I,
)
_NEAR_AFTER = re.compile(r"^(?:['’]s)?\s+(?:outskirts|vicinity|surroundings|environs|edges)\b", _I)
_LISTED = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*،\s*|\s+و")
_BETWEEN = re.compile(r"\bbetween\s+[^,.;]{1,60}\s+and\s+(?:the\s+)?$", _I)
_INTRODUCED = leading(
    r"\b(?:village|town|city|hamlet|farms|camp|villages|towns|area) of\s+(?:the\s+)?"
    r"((?:(?:al|el|as|ash|ad|ar|at|az|an)[-\s])?[A-Z][\w'’`]*(?:[-\s](?:(?:al|el|as|ash|ad|ar|at|"
    r"az|an)[-\s])?[A-Z][\w'’`]*)*)"
    r"|(?:قرية|بلدة|مدينة|قريتي|بلدتي)\s+([\u0621-\u064A]+)"
    r"|(?-i:(?<![\w'’])([A-ZÇĞİÖŞÜ][^\W\d_]*(?:\s[A-ZÇĞİÖŞÜ][^\W\d_]*)?))\s+"
    r"(?:köy|kasaba|belde|mahalle)\w*"
    r"|(?-i:((?:(?:al|el|Al|El)-)?[A-Z][\w'’`]+(?:[-\s](?:(?:al|el)-)?[A-Z][\w'’`]+)?))\s+"
    r"(?:village|town|area|frontlines?|axis|hill|camp)\b"
)
#: Words (as written: the pattern minds case) one of which every match of
#: :data:`_INTRODUCED` holds: a cheap test before it. Keep them in step.
_INTRODUCED_TRIGGERS = ("village", "town", "city", "hamlet", "farms", "camp", "area",
                        "frontline", "axis", "hill", "قرية", "بلدة", "مدينة", "قريتي", "بلدتي",
                        "köy", "kasaba", "belde", "mahalle")  # fmt: skip
#: Governorate seats (place ids of data/places.csv): a bare "Idlib" or إدلب is usually the
#: province, the city only with "city" (or مدينة, "kenti") beside it.
_SEATS = frozenset(("idlib", "aleppo", "latakia", "hamah__hama"))
#: Names of the governorates the reports name (English, Arabic, Turkish spellings, folded).
#: One whose match is not a city (a "Hama" read as the Aleppo village Hamah) is a province
#: mention, never a point.
PROVINCE_NAMES = frozenset(
    ("idlib", "idleb", "edlib", "إدلب", "ادلب", "aleppo", "halab", "halep", "حلب", "hama",
     "hamah", "hamaa", "حماة", "حماه", "latakia", "lattakia", "lazkiye", "اللاذقية")
)  # fmt: skip
_CITY_BEFORE = re.compile(r"\b(?:city|centre|center) of\s+(?:the\s+)?$|مدينة\s+$", _I)
_CITY_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?:city|centre|center)\b|^(?:['’]\w+)?\s+(?:kent|şehr|merkez)\w*", _I
)
_VILLAGE_BEFORE = re.compile(r"\b(?:village|hamlet) of\s+(?:the\s+)?$|(?:قرية|قريتي)\s+$", _I)
_VILLAGE_AFTER = re.compile(r"^(?:['’]\w+)?\s+(?:village\b|köy)", _I)
#: The most characters other than white space a match of each pattern anchored at the end
#: of the text before a mention ($) can hold (see :func:`geo.ingest.wording.ends`). Keep
#: them in step with the patterns: ``tests/test_ingest.py`` checks them.
END_LETTERS: dict[re.Pattern[str], int] = {
    _REGION_BEFORE: 16,  # "governorate of the"
    _NEAR_BEFORE: 29,  # "north-western of the outskirts of"
    _BETWEEN: 73,  # "between", 60 characters, "and the"
    _CITY_BEFORE: 11,  # "centre of the"
    _VILLAGE_BEFORE: 12,  # "village of the"
}
#: The words (folded) a match of each pattern can end with, before its closing white
#: space: a text whose last word ends with none of them is not searched. Keep them in step
#: with the patterns.
END_WORDS: dict[re.Pattern[str], tuple[str, ...]] = {
    _REGION_BEFORE: ("ern", "rural", "greater", "of", "the", "ريف", "شمال", "جنوب", "شرق", "غرب",
                     "شمالي", "جنوبي", "شرقي", "غربي"),
    _NEAR_BEFORE: ("near", "nearby", "of", "around", "to", "outside", "from", "between", "the",
                   "قرب", "من", "محيط", "أطراف", "ضواحي"),
    _BETWEEN: ("and", "the"),
    _CITY_BEFORE: ("of", "the", "مدينة"),
    _VILLAGE_BEFORE: ("of", "the", "قرية", "قريتي"),
}  # fmt: skip
_LIST_MORE = re.compile(
    r"^(?:,\s*(?:and\s+)?|\s+and\s+)((?:(?:al|el|as|ash|ad|ar|at|az|an)[-\s])?[A-Z][\w'’`]*"
    r"(?:[-\s](?:(?:al|el|as|ash|ad|ar|at|az|an)[-\s])?[A-Z][\w'’`]*)*)"
)


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A gazetteer place named in a sentence.

    ``start`` and ``end`` are character offsets in the sentence; ``role`` says whether it is
    a specific place, an area (Jabal al-Zawiya) or a city named as a region ("southern
    Idlib"); ``near`` is True when the text puts the event near it rather than in it.
    ``town_first`` is True when ``match`` is a town and ``alternatives`` villages of its
    name: the town is meant unless the report's context picks one of the villages.
    """

    start: int
    end: int
    text: str
    match: Match
    alternatives: tuple[Match, ...]
    role: Role
    near: bool
    town_first: bool = False


@dataclass(frozen=True, slots=True)
class UnresolvedMention:
    """A name introduced as a place ("the village of X") that the gazetteer does not know."""

    start: int
    end: int
    text: str
    suggestions: tuple[Match, ...]


@dataclass(frozen=True, slots=True)
class HighwayMention:
    """A highway named in a sentence: ``road`` is ``M4`` or ``M5``."""

    start: int
    end: int
    text: str
    road: str


@dataclass(frozen=True, slots=True)
class SentenceMentions:
    """Everything place-like found in one sentence, each list in reading order."""

    places: tuple[PlaceMention, ...]
    unresolved: tuple[UnresolvedMention, ...]
    highways: tuple[HighwayMention, ...]


class MentionFinder:
    """Find place mentions in sentences, remembering every lookup (reports repeat names).

    Parameters
    ----------
    gazetteer
        The places to look for.
    """

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self._lookups: dict[str, tuple[Match, ...]] = {}
        self._extends: dict[str, bool] = {}
        self._same: dict[str, bool] = {}
        self._keys: dict[str, tuple[str, str]] = {}
        self._geocoded: dict[str, list[Match]] = {}

    def _scan_keys(self, text: str) -> tuple[str, str]:
        """Return :func:`geo.geocode.scan_keys` of ``text``, remembered."""
        keys = self._keys.get(text)
        if keys is None:
            keys = self._keys[text] = scan_keys(text)
        return keys

    def _could(self, text: str) -> bool:
        return self.gazetteer.could_name_keys(*self._scan_keys(text))

    def _could_name(self, text: str) -> bool:
        """Return :meth:`_could` of ``text`` or of one of its letter readings."""
        # "Yacoubian" (-iyah written -ian) and "al-Gawz" (g for j) are indexed only as read.
        return self._could(text) or any(self._could(r) for r in letter_readings(text))

    def find(self, sentence: str) -> SentenceMentions:
        """Return the places, unknown introduced names and highways ``sentence`` names.

        Examples
        --------
        >>> from geo.gazetteer import load_gazetteer
        >>> finder = MentionFinder(load_gazetteer())
        >>> found = finder.find("Shells hit Balyoun, Kanasfara and al-Fatira on the M4.")
        >>> [(m.text, m.match.place.place_id) for m in found.places]
        [('Balyoun', 'balyoun'), ('Kanasfara', 'kansafra'), ('al-Fatira', 'al_fatirah')]
        >>> [h.road for h in found.highways]
        ['M4']
        """
        folded = fold(sentence)
        highways = [
            HighwayMention(m.start(), m.end(), m.group(), road)
            for pattern, road in _HIGHWAYS
            if any(t in folded for t in _HIGHWAY_TRIGGERS[road])
            for m in pattern.finditer(sentence)
        ]
        masked = [(h.start, h.end) for h in highways]
        if any(t in folded for t in _ORGANISATION_TRIGGERS):
            masked += [(m.start(), m.end()) for m in _ORGANISATIONS.finditer(sentence)]
        if any(t in sentence for t in _PERSON_TRIGGERS):
            masked += [(m.start(), m.end()) for m in _PERSONS.finditer(sentence)]
        units = self._units(sentence, masked)
        masked += [(u.start, u.end) for u in units]
        found = sorted([*units, *self._places(sentence, masked)], key=lambda p: p.start)
        places, unresolved = self._unresolved(sentence, found, masked)
        return SentenceMentions(
            places=tuple(places),
            unresolved=tuple(unresolved),
            highways=tuple(sorted(highways, key=lambda h: h.start)),
        )

    def lookup(self, text: str) -> tuple[Match, ...]:
        """Return the matches ``text`` may mean as a whole name (best first), or none."""
        found = self._lookups.get(text)
        if found is None:
            found = self._lookup(text)
            self._lookups[text] = found
        return found

    def _lookup(self, text: str) -> tuple[Match, ...]:
        if not self._could_name(text):
            return ()
        found = self.gazetteer.geocode(text, fuzzy=False)  # the limit of matches()
        if found and found[0].score >= TYPO_SCORE:
            # A match this good means geocode() ran no loose pass, fuzzy or not: this is
            # what matches() would get, and context settling asks for it again.
            self._geocoded.setdefault(text, found)
        matches = found[:8]
        if not matches:
            return ()
        top = matches[0]
        if top.score < (SAME_NAME_SCORE if len(text) < 5 else MIN_VARIANT_SCORE):  # noqa: PLR2004
            return ()
        # A same-name sibling (another village of the name) scores a hair below the place
        # matched directly, and is as good a reading: "Cairo" is three villages.
        floor = SAME_NAME_FLOOR if top.score >= SAME_NAME_SCORE else top.score - 0.03
        tied = [top]
        for match in matches[1:]:
            far = all(
                distance_km(match.place.position, t.place.position) > SAME_PLACE_KM for t in tied
            )
            if match.score >= floor and far:
                tied.append(match)
        return tuple(tied)

    def matches(self, text: str) -> list[Match]:
        """Return ``gazetteer.geocode(text)`` (fuzzy pass included), remembered.

        Context settling, introduced names and their suggestions ask the full geocoder
        about the same name; its fuzzy pass is the slowest part of a lookup.
        """
        found = self._geocoded.get(text)
        if found is None:
            found = self._geocoded[text] = self.gazetteer.geocode(text)
        return found

    def resolve(self, text: str, *, context: Sequence[LonLat] = ()) -> Match:
        """Return ``gazetteer.resolve(text, context=context)``, its geocoding remembered.

        Raises
        ------
        PlaceNotFoundError, AmbiguousPlaceError, GeocodeInputError
            As :meth:`geo.geocode.Gazetteer.resolve` does.
        """
        if text.strip() in self.gazetteer.by_id:
            return self.gazetteer.resolve(text, context=context)
        return self.gazetteer.resolve(text, context=context, matches=self.matches(text))

    def _may_extend(self, text: str) -> bool:
        """Return True if a name could start with ``text`` and go on (cheap; remembered).

        Running text has long runs of capitalised (or Arabic) words; only those that begin
        some name are read further, so most runs stop after a word or two.
        """
        found = self._extends.get(text)
        if found is None:
            words = text.replace("-", " ").split()
            found = (
                all(w.casefold() in ARTICLES for w in words)
                or not _TURKISH_LETTERS.isdisjoint(text)
                or any(
                    self.gazetteer.could_begin_keys(self._scan_keys(reading)[1])
                    for _, candidate in _arabic_readings(text)
                    for reading in (candidate, *letter_readings(candidate))
                )
            )
            self._extends[text] = found
        return found

    def _could_be_own_name(self, word: str) -> bool:
        """Return False if no place can have ``word`` as its own name (cheap; remembered).

        False when :meth:`lookup` finds nothing (:meth:`_could_name`) or no match
        can score :data:`~geo.geocode.SAME_NAME_SCORE`
        (:meth:`geo.geocode.Gazetteer.could_name_same`).
        """
        found = self._same.get(word)
        if found is None:
            found = self._same[word] = self._could_name(word) and (
                self.gazetteer.could_name_same(word)
            )
        return found

    def _resolve_introduced(self, text: str, *, listed: bool) -> Match | None:
        """Return the one place an introduced name means by the geocoder's rule, or None.

        ``listed``: the name is an item of an Arabic list, which gets no suggestions.
        """
        if is_arabic(text) and text in ARABIC_EVERYDAY:
            return None
        # resolve() takes no fuzzy match: without one at its floor it would only fail,
        # slowly. A name it does not resolve is offered with suggestions, from the same
        # fuzzy geocoding (remembered): only a list item is worth the cheaper test first.
        if listed:
            matches = self.gazetteer.geocode(text, limit=1, fuzzy=False)
            if not matches or matches[0].score < RESOLVE_MIN_SCORE:
                return None
        try:
            return self.resolve(text)
        except (AmbiguousPlaceError, PlaceNotFoundError, GeocodeInputError):
            return None

    def _units(self, sentence: str, masked: list[tuple[int, int]]) -> list[PlaceMention]:
        """Return the bases named by a numbered unit the gazetteer knows ("the 46th Regiment")."""
        out: list[PlaceMention] = []
        if _DIGIT.search(sentence) is None:
            return out  # every unit has its number
        for m in _UNITS.finditer(sentence):
            if any(s <= m.start() < e for s, e in masked):
                continue
            matches = self.lookup(" ".join(re.split(r"[\s\-–]+", m.group())))
            if matches:
                out.append(_mention(sentence, m.start(), m.end(), m.group(), matches))
        return out

    def _places(self, sentence: str, masked: list[tuple[int, int]]) -> list[PlaceMention]:
        tokens, capital = _tokens(sentence)
        out: list[PlaceMention] = []
        i = 0
        while i < len(tokens):
            found = None
            if (capital[i] or _joins_capital(tokens, i, sentence, capital)) and not (
                masked and _inside(tokens[i], masked)
            ):
                found = self._longest(sentence, tokens, capital, i, masked)
            if found is None:
                i += 1
                continue
            (start, end, text, matches), i = found
            mention = _mention(sentence, start, end, text, matches)
            if out and out[-1].near and _LISTED.fullmatch(sentence[out[-1].end : start]):
                mention = replace(mention, near=True)  # near A, B and C: all three
            out.append(mention)
        return out

    def _longest(
        self,
        sentence: str,
        tokens: list[tuple[int, int]],
        capital: list[bool],
        i: int,
        masked: list[tuple[int, int]],
    ) -> tuple[tuple[int, int, str, tuple[Match, ...]], int] | None:
        last = i
        while (
            last + 1 < len(tokens)
            and last - i + 1 < MAX_NAME_WORDS
            and sentence[tokens[last][1] : tokens[last + 1][0]] in _JOIN
            and (
                capital[last + 1]
                or sentence[tokens[last + 1][0] : tokens[last + 1][1]].casefold()
                in _JOINED_ARTICLES
            )
            and not (masked and _inside(tokens[last + 1], masked))
            and self._may_extend(sentence[tokens[i][0] : tokens[last][1]])
        ):
            last += 1
        for j in range(last, i - 1, -1):
            start, end = tokens[i][0], tokens[j][1]
            text = sentence[start:end]
            if sentence[tokens[j][0] : end].casefold() in ARTICLES:
                continue
            if i == j and (
                text.casefold() in STOPWORDS
                or text.casefold() in _GENERIC
                or text in ARABIC_EVERYDAY
            ):
                continue
            for offset, candidate in _arabic_readings(text):
                if candidate in ARABIC_EVERYDAY:
                    break  # وابنه: "and his son", not a village
                if i == j and _is_common(candidate) and not self._could_be_own_name(candidate):
                    continue  # a frequent word, and no place's own name (_common_word_variant)
                matches = self.lookup(candidate)
                if matches and i == j and _common_word_variant(candidate, matches[0]):
                    continue
                if matches:
                    return (start + offset, end, sentence[start + offset : end], matches), j + 1
        return None

    def _unresolved(
        self, sentence: str, places: list[PlaceMention], masked: list[tuple[int, int]]
    ) -> tuple[list[PlaceMention], list[UnresolvedMention]]:
        """Return the places kept and the introduced names the gazetteer does not know.

        A name introduced as "the village of Kafr Taal" is one name: a place matching only
        part of it ("Taal") is dropped, and offered as a suggestion for the whole. The text
        says an introduced name is a place, so a spelling that running text would not take
        ("Tqad": too short for a variant) is the place when the geocoder resolves it
        (:meth:`geo.geocode.Gazetteer.resolve`: one reading at 0.80 or better, no fuzzy one).
        The names of an Arabic list (بلدات “…، و…”) count only when resolved: the list's
        end is not always clear, and its other words are often no name.
        """
        kept, out = list(places), []
        listed = set(_arabic_list(sentence))
        for start, end in sorted({*_introduced(sentence), *listed}):
            text = sentence[start:end]
            if any(s < end and start < e for s, e in masked) or text.casefold() in STOPWORDS:
                continue
            inside = [p for p in kept if start <= p.start and p.end <= end]
            if any((p.start, p.end) == (start, end) for p in inside):
                continue
            if any(p.start < end and start < p.end for p in kept if p not in inside):
                continue
            partial = tuple(p.match for p in inside)
            kept = [p for p in kept if p not in inside]
            resolved = self._resolve_introduced(text, listed=(start, end) in listed)
            if resolved is not None:
                kept = sorted([*kept, _mention(sentence, start, end, text, (resolved,))],
                              key=lambda p: p.start)  # fmt: skip
                continue
            if (start, end) in listed:
                continue  # an Arabic list's word the geocoder does not resolve: often no name
            suggestions = partial + tuple(
                m
                for m in self.matches(text)[:3]
                if m.score >= 0.7 and m.place not in {p.place for p in partial}  # noqa: PLR2004
            )
            out.append(UnresolvedMention(start, end, text, suggestions))
        return kept, out


#: An Arabic word for several places, then their list: بلدات “البارة، وعين لاروز، والموزر”.
_ARABIC_LIST_HEAD = re.compile(
    r"(?:^|\s)و?(?:ال)?(?:بلدات|قرى|قريتي|بلدتي|مدن|مدينتي)"
    r"(?:\s+و(?:ال)?(?:بلدات|قرى|مدن))?\s+(?:كل(?:اً|ا)? من\s+)?[“\"«]?"
)
_ARABIC_WORD = re.compile(r"[\u0621-\u064A]+")
#: Words that end an Arabic list (a preposition, a relative pronoun, a region word).
_ARABIC_LIST_END = frozenset(
    ("في", "التي", "الذي", "من", "على", "إلى", "الى", "عن", "مع", "بريف", "ريف", "منطقة",
     "بمنطقة", "شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "ضمن", "قرب",
     "بالقرب", "الواقعة", "بعشرات", "بأكثر", "ما", "مما", "حيث", "بعد", "قبل", "أمس", "اليوم")
)  # fmt: skip
#: The longest Arabic name, in words, that a list item may be.
_ARABIC_ITEM_WORDS = 3


def _arabic_list(sentence: str) -> list[tuple[int, int]]:
    """Return the names listed after an Arabic word for places (one to three words each).

    Items are parted by ، or by the conjunction و joined to the next word; the list ends at
    a closing quote, a preposition or region word, or anything that is not an Arabic word.
    """
    spans: list[tuple[int, int]] = []
    if not is_arabic(sentence):
        return spans
    for head in _ARABIC_LIST_HEAD.finditer(sentence):
        item: list[tuple[int, int]] = []
        at = head.end()
        while (word := _ARABIC_WORD.match(sentence, at)) is not None:
            text, gap = word.group(), sentence[item[-1][1] : word.start()] if item else ""
            if text in _ARABIC_LIST_END:
                break
            joined = text.startswith("و") and len(text) > 3  # noqa: PLR2004
            if item and ("،" in gap or joined or len(item) == _ARABIC_ITEM_WORDS):
                spans.append((item[0][0], item[-1][1]))
                item = []
            first = word.start() + (1 if joined and spans and not item else 0)
            item.append((first, word.end()))
            rest = re.compile(r"\s*،\s*|\s+").match(sentence, word.end())
            if rest is None:
                break
            at = rest.end()
        if item:
            spans.append((item[0][0], item[-1][1]))
    return spans


def _introduced(sentence: str) -> list[tuple[int, int]]:
    """Return the spans of names introduced as places: "the villages of A, B and C"."""
    spans: list[tuple[int, int]] = []
    if not any(t in sentence for t in _INTRODUCED_TRIGGERS):
        return spans
    for m in _INTRODUCED.finditer(sentence):
        group = next(g for g in (1, 2, 3, 4) if m.group(g))
        found = [(m.start(group), m.end(group))]
        while group == 1 and (more := _LIST_MORE.match(sentence[found[-1][1] :])):
            base = found[-1][1]
            found.append((base + more.start(1), base + more.end(1)))
        for start, end in found:
            text = sentence[start:end]
            spans.append((start, end - 2 if _POSSESSIVE.search(text) else end))
    return spans


def _tokens(sentence: str) -> tuple[list[tuple[int, int]], list[bool]]:
    """Return the words' spans and whether each is capitalised (or Arabic).

    A possessive or Turkish case ending is taken off a span. The scan asks about each
    word's capital up to twice: it is decided here, in the one pass over the words.
    """
    spans, capital = [], []
    endings = "'" in sentence or "’" in sentence
    for m in _TOKEN.finditer(sentence):
        start, end = m.span()
        word = m.group()
        capital.append(word[:1].isupper() or is_arabic(word))
        if not endings or ("'" not in word and "’" not in word):
            pass  # both endings follow an apostrophe: most words have none
        elif _POSSESSIVE.search(word) and not is_arabic(word):
            end -= 2
        elif turkish := _TURKISH_CASE.search(word):
            end -= len(turkish.group())
        spans.append((start, end))
    return spans, capital


def _turkish_fold(text: str) -> str:
    return text.replace("İ", "i").casefold()


def _is_common(word: str) -> bool:
    """Return True if ``word`` is a frequent English or Turkish word."""
    return word.casefold() in common_words()


def _common_word_variant(word: str, top: Match) -> bool:
    """Return True if ``word`` is a frequent English or Turkish word and only a variant of a name.

    "Drone", "However", "Putin" or "Rejime" (Turkish: to the regime) come close to village
    names (Dayrunah, Huwayr, Butayn, al-Rujm) through spelling-variant keys; a word that
    common is a place only when it is one of the place's own names.
    """
    return top.score < SAME_NAME_SCORE and _is_common(word)


def _joins_capital(
    tokens: list[tuple[int, int]], i: int, sentence: str, capital: list[bool]
) -> bool:
    """Return True if lower-case word ``i`` is an article joined to a capitalised word.

    Such an article starts a name: al-Fatirah, al Bara.
    """
    if i + 1 == len(tokens) or not capital[i + 1]:
        return False
    start, end = tokens[i]
    word = sentence[start:end].casefold()
    if word not in _JOINED_ARTICLES:
        return False
    gap = sentence[end : tokens[i + 1][0]]
    after = sentence[tokens[i + 1][0] : tokens[i + 1][1]]
    return (gap == "-" or (gap == " " and word in {"al", "el"})) and after[:1].isupper()


def _inside(token: tuple[int, int], masked: list[tuple[int, int]]) -> bool:
    return any(start <= token[0] < end for start, end in masked)


def _arabic_readings(text: str) -> list[tuple[int, str]]:
    """Return ``text`` and, for Arabic, the text without a one-letter prefix (و ب ل ف ك)."""
    readings = [(0, text)]
    if is_arabic(text):
        for prefix in _ARABIC_PREFIXES:
            if text.startswith(prefix) and len(text) - len(prefix) >= 3:  # noqa: PLR2004
                rest = text[len(prefix) :]
                if rest.startswith("ل") and prefix.endswith("ل"):
                    rest = "ا" + rest  # لل = ل + ال
                readings.append((len(prefix), rest))
    return readings


def is_governorate(mention: PlaceMention) -> bool:
    """Return True for a governorate named as a region: "Idlib" (the province), "Hama"."""
    return mention.role == "province" or (
        mention.role == "region" and mention.match.place.place_id in _SEATS
    )


def _ends(pattern: re.Pattern[str], text: str) -> bool:
    """Return True if ``pattern``, anchored at the end ($), matches the end of ``text``."""
    return ends(pattern, text, END_LETTERS[pattern], END_WORDS[pattern]) is not None


def _as_region(kind: str, place_id: str, text: str, before: str, after: str) -> bool:
    """Return True for a city named as a region ("southern Idlib", a bare "Idlib")."""
    if kind in {"city", "town"} and (_ends(_REGION_BEFORE, before) or _REGION_AFTER.search(after)):
        return True
    return (
        place_id in _SEATS
        and not re.search(r"city|مدينة", text, _I)
        and not (_ends(_CITY_BEFORE, before) or _CITY_AFTER.search(after))
    )


def _mention(
    sentence: str, start: int, end: int, text: str, matches: tuple[Match, ...]
) -> PlaceMention:
    before, after = sentence[:start], sentence[end:]
    if _ends(_VILLAGE_BEFORE, before) or _VILLAGE_AFTER.search(after):
        villages = [m for m in matches if m.place.kind not in {"city", "town"}]
        matches = tuple(villages) or matches  # "the village of Jabala": not the town Jableh
    ranked = sorted(matches, key=lambda m: -_PROMINENCE.get(m.place.kind, 0))
    town_first = False
    if (
        len(ranked) > 1
        and ranked[0].place.kind in {"city", "town"}
        and _PROMINENCE.get(ranked[0].place.kind, 0) > _PROMINENCE.get(ranked[1].place.kind, 0)
    ):
        # The city, not the village of the same name; a town unless context says otherwise.
        town_first = ranked[0].place.kind == "town"
        ranked = ranked if town_first else ranked[:1]
    else:
        ranked = list(matches)
    place = ranked[0].place
    role: Role = "place"
    if _turkish_fold(text) in PROVINCE_NAMES and place.kind != "city":
        role = "province"
    elif place.kind == "area":
        role = "area"
    elif _as_region(place.kind, place.place_id, text, before, after):
        role = "region"
    near = (
        _ends(_NEAR_BEFORE, before)
        or _NEAR_AFTER.search(after) is not None
        or _ends(_BETWEEN, before)
    )
    if role != "place":  # a town named as a region is the town
        ranked, town_first = ranked[:1] if town_first else ranked, False
    return PlaceMention(start, end, text, ranked[0], tuple(ranked[1:]), role, near, town_first)
