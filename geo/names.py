"""Place-name normalisation: fold spelling variants of one name to the same keys.

Three keys per name, from strict to loose:

- :func:`exact_key`: case, diacritics and apostrophes folded (``Ma'arrat`` = ``maarrat``);
- :func:`normal_key`: also drops articles (al-, el-, ash- ...) and maps generic words to one
  spelling (Kafr/Kfar/Kefer, Ain/Ayn/Ein, Tal/Tell/Tall, Jabal/Jebel/Mount, Deir/Dayr,
  Maarat/Ma'arrat, Sheikh/Shaykh ...);
- :func:`skeleton_key`: the consonant skeleton of the normal key, merging the letters
  transliterations swap (q/k/g, kh/h, dh/z, w/v, doubled consonants, -eh/-ah endings, all
  vowels), for fuzzy candidates.

Arabic script gets its own folding (:func:`fold_arabic`): harakat and tatweel removed, alef and
hamza forms unified, taa marbuta as haa, alef maqsura as yaa, and the article ال dropped in
the normal key.
"""

from __future__ import annotations

import re
import unicodedata

_ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3]")
_ARABIC_MARKS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
_ARABIC_MAP = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي", "ء": ""}
)
_APOSTROPHES = re.compile("['\u2018\u2019\u02bc\u02bb\u02be\u02bf`\u00b4\u2032\u02b9\u2035]")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_TURKISH_MARKERS = frozenset("ıİğĞ")
_TURKISH_MAP = str.maketrans({"ş": "sh", "Ş": "Sh", "ç": "ch", "Ç": "Ch", "c": "j", "C": "J",
                              "ğ": "gh", "Ğ": "Gh", "ı": "i", "İ": "I"})  # fmt: skip

#: Articles dropped from Latin-script names, whether written apart or hyphenated.
#: (A lone "i" is the Turkish izafet of "Cisr-i Şuğur".)
ARTICLES = frozenset(
    ("al", "el", "il", "ul", "a", "as", "ash", "ad", "adh", "ar", "at", "ath", "az", "an",
     "es", "esh", "ed", "er", "et", "ez", "en", "i")
)  # fmt: skip

#: Generic words of place names and the spellings reports use for them.
GENERIC_WORDS: dict[str, tuple[str, ...]] = {
    "kafr": ("kafr", "kfar", "kafer", "kefer", "kfr", "kefr", "kafar", "kfer", "kufr", "kefir"),
    "ain": ("ain", "ayn", "ein", "ayin", "eyn", "ayn", "aine", "ayun", "uyun"),
    "tal": ("tal", "tell", "tall", "tel", "til", "tel"),
    "jabal": ("jabal", "jebel", "jabl", "jbel", "djebel", "jebal", "mount", "mt", "jabel", "cebel"),
    "deir": ("deir", "dayr", "dair", "der", "deyr"),
    "maarat": ("maarat", "maarrat", "maaret", "marat", "maarret", "marrat", "maarrit", "mearat"),
    "sheikh": ("sheikh", "shaykh", "sheik", "shaikh", "sheykh", "shekh", "cheikh", "sheyh", "seyh"),
    "khirbat": ("khirbat", "khirbet", "kherbet", "khirbeh", "khurbat", "kherbat"),
    "beit": ("beit", "bayt", "bait", "beyt"),
    "qalat": ("qalat", "qalaat", "kalaat", "qalaa", "kalat"),
    "umm": ("umm", "um", "om", "omm"),
    "abu": ("abu", "abou", "abo"),
    "jisr": ("jisr", "jesr", "jsr", "cisr"),
    "khan": ("khan", "han"),
    "tahtani": ("tahtani", "tahtaniyah", "lower"),
    "fawqani": ("fawqani", "fouqani", "fawqaniyah", "upper"),
}
_CANONICAL = {variant: canon for canon, variants in GENERIC_WORDS.items() for variant in variants}

# Consonant merges shared by the phonetic key and the skeleton, applied in order.
_CONSONANT_RULES = (
    # nisba ending -iyah/-iyeh/-ia after a consonant: kept apart (Saraqibiyah is not Saraqib)
    (re.compile(r"(?<![aeiou])i(?:yah|yeh|ya|ye|ah|eh|a)\b"), "Y"),
    (re.compile(r"(?<=[a-z])[ae]h\b"), "a"),  # -ah/-eh endings (taa marbuta)
    (re.compile(r"kh"), "h"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"dh|th(?=[aeiou])"), "z"),
    (re.compile(r"th"), "t"),
    (re.compile(r"sch|sh|ch"), "s"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"[qgck]"), "k"),
    (re.compile(r"v"), "w"),
    (re.compile(r"p"), "b"),
    (re.compile(r"mb"), "nb"),
)
# Vowel classes of the phonetic key: French ou, English oo/ee, diphthong spellings.
_VOWEL_RULES = (
    (re.compile(r"ou|oo|aw|ow|o"), "u"),
    (re.compile(r"ee|ei|ey|ie|e"), "i"),
    (re.compile(r"(?<=.)y"), "i"),  # y after the first letter is a vowel or glide: Balyun = Baliun
)
_VOWELS = re.compile(r"[aeiouwyY]")
_DOUBLED = re.compile(r"(.)\1+")


def is_arabic(text: str) -> bool:
    """Return True if ``text`` contains Arabic letters."""
    return _ARABIC_LETTER.search(text) is not None


def clean(text: str) -> str:
    """Remove control, zero-width and bidi-format characters; collapse white space."""
    return " ".join(_CONTROL.sub(" ", text).split())


def fold_latin(text: str) -> str:
    """Fold a Latin-script name: case, diacritics, apostrophes and punctuation.

    Turkish spellings (recognised by ı, İ or ğ) have their letters read the Turkish way
    (ş = sh, c = j, ç = ch).

    Examples
    --------
    >>> fold_latin("Ma‘arrat an-Nu‘mān")
    'maarrat an numan'
    >>> fold_latin("Cisr-ı Şuğur")
    'jisr i shughur'
    """
    text = clean(text)
    if _TURKISH_MARKERS.intersection(text):
        text = text.translate(_TURKISH_MAP)
    text = _APOSTROPHES.sub("", text.casefold())
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


def fold_arabic(text: str) -> str:
    """Fold an Arabic-script name: marks, tatweel, alef/hamza forms, taa marbuta, alef maqsura.

    Examples
    --------
    >>> fold_arabic("إِدْلِب") == fold_arabic("ادلب")
    True
    """
    text = _ARABIC_MARKS.sub("", clean(text)).translate(_ARABIC_MAP)
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


def exact_key(text: str) -> str:
    """Return the strict key: folded text, articles kept."""
    return fold_arabic(text) if is_arabic(text) else fold_latin(text)


def normal_key(text: str) -> str:
    """Return the key with articles dropped and generic words canonical.

    Examples
    --------
    >>> normal_key("Jisr ash-Shughur") == normal_key("Jisr al-Shughur") == "jisr shughur"
    True
    >>> normal_key("Kfar Nabl") == normal_key("Kafr Nabl")
    True
    >>> normal_key("جسر الشغور")
    'جسر شغور'
    """
    if is_arabic(text):
        words = fold_arabic(text).split()
        stripped = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in words]  # noqa: PLR2004
        stripped = [w[3:] if w.startswith("وال") and len(w) > 4 else w for w in stripped]  # noqa: PLR2004
        return " ".join(stripped)
    words = fold_latin(text).split()
    kept = [word for word in words if word not in ARTICLES] or words
    # Turkish izafet "-ı" and glued articles such as "alfatirah" are left to the skeleton.
    return " ".join(_CANONICAL.get(word, word) for word in kept)


def skeleton_key(text: str) -> str:
    """Return the consonant skeleton of ``text``, spaces removed, for fuzzy candidates.

    Generic words are made canonical first; then the letters transliterations swap are
    merged, vowels (and w/y, which transliterations use as vowels) are dropped after the
    first letter, doubled letters collapse and the words are joined, so that glued spellings
    (Kafranbel) meet spaced ones (Kafr Nabl).

    Examples
    --------
    >>> skeleton_key("Kansafra") == skeleton_key("Kanasfara") == skeleton_key("Kansafrah")
    True
    >>> skeleton_key("Balyoun") == skeleton_key("Balion") == skeleton_key("Balyun")
    True
    >>> skeleton_key("Kafranbel") == skeleton_key("Kfar Nabl")
    True
    """
    return skeleton_of_normal(normal_key(text))


def skeleton_of_normal(norm: str) -> str:
    """Return :func:`skeleton_key` of an already computed :func:`normal_key`."""
    words = norm.split()
    if is_arabic(norm):
        return "".join(words)
    out = []
    for word in words:
        merged = _merge_consonants(word)
        head, tail = merged[:1], _VOWELS.sub("", merged[1:])
        out.append(
            ("a" if head in "aeiou" else head) + tail + ("Y" if merged.endswith("Y") else "")
        )
    return _DOUBLED.sub(r"\1", "".join(out))


def phonetic_key(text: str) -> str:
    """Return the normal key with consonants merged and vowel spellings unified.

    Used to rank candidates: vowels are kept (unlike the skeleton) but written one way.

    Examples
    --------
    >>> phonetic_key("Mouzarah") == phonetic_key("Mawzarah")
    True
    >>> phonetic_key("Kukfin") == phonetic_key("Quqfin")
    True
    """
    return phonetic_of_normal(normal_key(text))


def phonetic_of_normal(norm: str) -> str:
    """Return :func:`phonetic_key` of an already computed :func:`normal_key`."""
    if is_arabic(norm):
        return norm
    words = []
    for word in norm.split():
        merged = _merge_consonants(word)
        for pattern, replacement in _VOWEL_RULES:
            merged = pattern.sub(replacement, merged)
        words.append(_DOUBLED.sub(r"\1", merged))
    return " ".join(words)


def _merge_consonants(word: str) -> str:
    for pattern, replacement in _CONSONANT_RULES:
        word = pattern.sub(replacement, word)
    return word
