"""Read a report: decode it, refuse what is not text, strip markup, split it into sentences."""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass

from geo.names import clean

#: The longest report read, in characters. A long news article is about 60,000 characters; a
#: paste larger than this is almost certainly a mistake (a whole web page or a data file),
#: and refusing it keeps an ingest to a few seconds.
MAX_REPORT_CHARS = 1_000_000
#: Share of control characters above which input is treated as binary, not text.
_MAX_CONTROL_SHARE = 0.01

_SCRIPT_OR_STYLE = re.compile(
    r"<(script|style|noscript|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BLOCK_TAG = re.compile(
    r"</?(p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|section|article|blockquote)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A sentence ends at . ! ? (or Arabic ؟ and the full stop ۔) followed by space and a capital,
# digit, quote or Arabic letter, or at a line break.
_SENTENCE_END = re.compile(
    r"(?<=[.!?؟۔])([\"'”’)\]]*)\s+(?=[\"'“‘(\[]*[A-Z0-9\u0600-\u06FF])|\s*\n\s*"
)
_ABBREVIATION = re.compile(
    r"(?:\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|St|No|Gen|Col|"
    r"Lt|Maj|Capt|Brig|vs|etc|approx|e\.g|i\.e|U\.S|U\.N|U\.K)|\b[A-Z])\.$"
)


class ReportError(ValueError):
    """A report cannot be read as text (empty, binary, or too large)."""


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a report: its text and its number (from 1, in reading order)."""

    number: int
    text: str


def decode_report(data: bytes, *, origin: str) -> str:
    """Decode a report's bytes: UTF-8 (with or without BOM) or UTF-16 with a BOM.

    Raises
    ------
    ReportError
        Naming ``origin`` and the byte offset, when the bytes are not text in those encodings.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        msg = (
            f"{origin}: not UTF-8 text (byte {exc.start:,} is {data[exc.start : exc.start + 1]!r});"
            " save the report as UTF-8 and try again"
        )
        raise ReportError(msg) from None


def report_text(text: str, *, origin: str) -> str:
    """Return the readable text of a report: markup removed, entities decoded, spaces tidied.

    HTML is recognised by its tags; the contents of ``script`` and ``style`` elements are
    dropped, block elements become line breaks.

    Raises
    ------
    ReportError
        The report is empty, binary, or longer than :data:`MAX_REPORT_CHARS`.

    Examples
    --------
    >>> report_text("<p>Shelling hit <b>Ariha</b> &amp; Sarmin.</p>", origin="x")
    'Shelling hit Ariha & Sarmin.'
    """
    if len(text) > MAX_REPORT_CHARS:
        msg = (
            f"{origin}: the report is {len(text):,} characters long; the limit is "
            f"{MAX_REPORT_CHARS:,}. Paste the article's text only, or split it."
        )
        raise ReportError(msg)
    controls = len(_CONTROL.findall(text))
    if controls > max(2, _MAX_CONTROL_SHARE * len(text)):
        msg = f"{origin}: this looks like binary data, not a report ({controls:,} control bytes)"
        raise ReportError(msg)
    # Lone surrogates cannot be written as UTF-8; they are never part of a real report.
    text = text.encode("utf-8", "replace").decode("utf-8")
    if "<" in text and _TAG.search(text):
        text = _COMMENT.sub(" ", _SCRIPT_OR_STYLE.sub(" ", text))
        text = _TAG.sub(" ", _BLOCK_TAG.sub("\n", text))
    text = html.unescape(text) if "&" in text else text
    lines = (clean(line) for line in text.replace("\r", "\n").split("\n"))
    tidy = "\n".join(line for line in lines if line)
    if not tidy:
        raise ReportError(f"{origin}: the report is empty")
    return tidy


def split_sentences(text: str) -> list[Sentence]:
    """Split tidy report text into sentences (at . ! ? ؟ before a capital, and at line breaks).

    Abbreviations (``Sep.``, ``Dr.``, initials) do not end a sentence.

    Examples
    --------
    >>> [s.text for s in split_sentences("Shelling hit Ariha on Sep. 7. Two were hurt.")]
    ['Shelling hit Ariha on Sep. 7.', 'Two were hurt.']
    """
    pieces: list[str] = []
    start = 0
    for end in _SENTENCE_END.finditer(text):
        piece = text[start : end.start() + len(end.group(1) or "")]
        if "\n" not in end.group() and _ABBREVIATION.search(piece):
            continue
        pieces.append(piece)
        start = end.end()
    pieces.append(text[start:])
    sentences = [piece.strip() for piece in pieces]
    return [Sentence(n, s) for n, s in enumerate((s for s in sentences if s), start=1)]


#: A line that opens site furniture: what follows it (other headlines) is not the report.
_FURNITURE_HEADING = re.compile(
    r"^(?:related(?: articles| news| stories| posts)?|read (?:also|more)|see also|more (?:news|"
    r"stories|on this)|you may also like|recommended|most read|trending|latest news|tags?|"
    r"share(?: this)?|follow us|ilgili haberler|benzer haberler|ayrıca bakınız|etiketler|"
    r"(?:اقرأ|إقرأ) (?:أيضا|أيضاً|ايضا)|مواضيع ذات صلة|أخبار ذات صلة|الأكثر قراءة|اقرأ المزيد)"
    r"\s*:?\s*$",
    re.IGNORECASE,
)
#: A line that is itself furniture: a photo caption, a byline or credit, a share line.
_FURNITURE_LINE = re.compile(
    r"^(?:\(?(?:photo|image|file photo|picture|video|caption|credit|editing|translation|"
    r"reporting|writing|edited by|written by|fotoğraf|foto|görsel|صورة|الصورة|تعبيرية|"
    r"مصدر الصورة|تحرير|ترجمة)\b\s*(?::|\||–|-|by\b)|(?:share|tweet|email|print)(?:\s*\|\s*\w+)*$)",
    re.IGNORECASE,
)
#: A sub-heading in capitals ("ÜÇ KÖYE SALDIRI"): a summary, not the report's own account.
_SUBHEADING = re.compile(r"(?=[^a-z]*[A-ZÇĞİÖŞÜ]{2})[^a-zçğıöşüa-ÿ\u0600-\u06ff]{2,120}")
_SENTENCE_STOP = re.compile(r"[.!?؟۔][\"'”’)\]]*$")
#: A news dateline opening a paragraph: "IDLIB, Syria (North Press) – ", "Hama, SANA- ".
_DATELINE_LEAD = re.compile(
    r"^(?:[A-Z][\w’'.]*(?:\s+[a-z]+)?(?:,\s*[A-Z][\w’'.]*){0,3}"
    r"(?:,?\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4})?\s*(?:\([^()]{1,40}\)\s*)?"
    r"(?P<dash>\s?[–—-]|:(?=\s+[A-Z]))\s*)(?=[A-Z\"“‘'])"
)
#: A first line longer than this is the report's first paragraph, not its headline.
MAX_HEADLINE_CHARS = 300
#: A "Topic | Headline" prefix of monitors' titles.
_KICKER = re.compile(r"^[^|]{1,60}\s\|\s+")


def drop_furniture(text: str) -> str:
    r"""Return tidy report text without site furniture.

    Dropped: caption, byline and share lines, sub-headings in capitals, and the run of
    headline-like lines (no full stop) after a "Related articles" / "Read also" / اقرأ أيضاً
    heading.

    Examples
    --------
    >>> drop_furniture("Jets hit Sarmin.\nPhoto: a crater.\nRelated\nShelling kills 3 in Ariha")
    'Jets hit Sarmin.'
    """
    kept: list[str] = []
    skipping = False
    for line in text.split("\n"):
        if _FURNITURE_HEADING.match(line):
            skipping = True
            continue
        if skipping and not _SENTENCE_STOP.search(line):
            continue
        skipping = False
        if not _FURNITURE_LINE.match(line) and not _SUBHEADING.fullmatch(line):
            kept.append(line)
    return "\n".join(kept)


def split_headline(text: str) -> tuple[str, str]:
    r"""Return a report's headline ("" if none) and its body.

    The headline is the first line when more lines follow and it does not end as a sentence
    does; a "Topic | " prefix is dropped from it.

    Examples
    --------
    >>> split_headline("Jets strike Sarmin\nRussian jets struck Sarmin today.")
    ('Jets strike Sarmin', 'Russian jets struck Sarmin today.')
    """
    first, _, rest = text.partition("\n")
    if not rest or _SENTENCE_STOP.search(first) or first.endswith((":", ",")):
        return "", text
    if len(first) > MAX_HEADLINE_CHARS:
        return "", text
    return _KICKER.sub("", first), rest


def strip_dateline_lead(sentence: str) -> str:
    """Return ``sentence`` without a dateline that opens it ("IDLIB, Syria (North Press) – ").

    Examples
    --------
    >>> strip_dateline_lead("IDLIB, Syria (North Press) – Jets struck Sarmin.")
    'Jets struck Sarmin.'
    """
    lead = _DATELINE_LEAD.match(sentence)
    if lead is None:
        return sentence
    if lead.group("dash") == "-" and not re.search(r"[,(]", lead.group()):
        return sentence  # a hyphenated name ("Maarat el-Numan"), not "Hama, SANA- …"
    return sentence[lead.end() :]
