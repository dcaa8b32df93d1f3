"""Derive ``data/common_words.txt``: frequent English and Turkish words, for ingest.

A capitalised word that opens a sentence ("Drone strike hit …"), a person's name ("Putin",
"Bashar") or a Turkish noun with its case ending ("Rejime") can come close to a village
name through the geocoder's spelling-variant keys. Ingest does not take such a word as a
place unless it *is* a place's name (exact or alternate); this list says which words are
common. It is read from the word-frequency lists of ``wordfreq`` (Robyn Speer et al.), which
are built from Wikipedia, subtitles, news, books, web text and social media; their data is
licensed CC BY-SA 4.0.

Run ``make common-words`` (installs ``wordfreq`` into the project's virtualenv first); the
output is deterministic for a given ``wordfreq`` version.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import wordfreq

OUT = Path(__file__).resolve().parents[1] / "data" / "common_words.txt"
#: Zipf frequency (log10 of occurrences per billion words): 3.0 is once per million words.
MIN_ZIPF = 3.0
MIN_LETTERS = 3
LANGUAGES = ("en", "tr")
#: Latin letters only (Basic Latin, Latin-1 and Latin Extended-A: Turkish ç ğ ı ö ş ü).
_LATIN = re.compile(r"[a-zA-Z\u00c0-\u017f]+")


def common_words() -> list[str]:
    """Return the Latin-script words of :data:`LANGUAGES` at or above :data:`MIN_ZIPF`."""
    found: set[str] = set()
    for lang in LANGUAGES:
        for word in wordfreq.iter_wordlist(lang):
            if wordfreq.zipf_frequency(word, lang) < MIN_ZIPF:
                break  # the list is ordered by frequency
            if len(word) >= MIN_LETTERS and _LATIN.fullmatch(word):
                found.add(word.casefold())
    return sorted(found)


def main() -> None:
    """Write :data:`OUT` with a header naming its source, version and threshold."""
    words = common_words()
    header = (
        f"# Words of {', '.join(LANGUAGES)} with Zipf frequency >= {MIN_ZIPF} and "
        f"{MIN_LETTERS}+ letters, from wordfreq {version('wordfreq')}\n"
        "# (data CC BY-SA 4.0, Robyn Speer et al.); derived by scripts/common_words.py.\n"
    )
    OUT.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(words):,} words")


if __name__ == "__main__":
    main()
