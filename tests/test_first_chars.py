"""The look-ahead of `geo.ingest.first_chars.leading` never changes what a pattern matches."""

from __future__ import annotations

import importlib
import pkgutil
import random
import re

import pytest

import geo.ingest
from geo.ingest.first_chars import first_class, leading
from geo.ingest.text import report_text, split_sentences
from tests import ingest_corpus

_WRAPPED = re.compile(r"\(\?=(\[(?:\\.|[^\]\\])*\])\)\(\?:(.*)\)\Z", re.DOTALL)


def _leading_patterns() -> list[tuple[str, re.Pattern[str], re.Pattern[str]]]:
    """Every pattern of the ingest modules built by `leading`, with the one it wraps."""
    found: dict[str, tuple[str, re.Pattern[str], re.Pattern[str]]] = {}

    def visit(where: str, value: object) -> None:
        if isinstance(value, re.Pattern):
            m = _WRAPPED.match(value.pattern)
            if m is not None:
                found[value.pattern] = (where, value, re.compile(m.group(2), value.flags))
        elif isinstance(value, (tuple, list)):
            for item in value:
                visit(where, item)
        elif isinstance(value, dict):
            for item in value.values():
                visit(where, item)

    for info in pkgutil.iter_modules(geo.ingest.__path__):
        module = importlib.import_module(f"geo.ingest.{info.name}")
        for name, value in vars(module).items():
            visit(f"{info.name}.{name}", value)
    return sorted(found.values(), key=lambda item: item[0])


PATTERNS = _leading_patterns()


def _texts() -> list[str]:
    sentences = [
        s.text
        for name in ingest_corpus.SETS
        for report in ingest_corpus.reports(name)
        for s in split_sentences(report_text(report["text"], origin="test"))
    ]
    rng = random.Random(16)  # noqa: S311 - reproducible noise, not secrets
    letters = "aAbBkKİıIiSsşŞ ,.'’-0123456789\u212a\u017fقصفالبارةو"  # Kelvin sign, long s
    noise = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 40))) for _ in range(300)]
    return sentences + noise


TEXTS = _texts()


def test_the_readers_use_leading_patterns() -> None:
    modules = {where.split(".")[0] for where, _, _ in PATTERNS}
    assert len(PATTERNS) >= 40, modules
    assert {"casualties", "dates", "extract", "mentions", "wording"} <= modules


@pytest.mark.parametrize(("where", "wrapped", "plain"), PATTERNS, ids=[p[0] for p in PATTERNS])
def test_same_matches_as_the_pattern_alone(
    where: str, wrapped: re.Pattern[str], plain: re.Pattern[str]
) -> None:
    for text in TEXTS:
        got = [(m.span(), m.groups()) for m in wrapped.finditer(text)]
        assert got == [(m.span(), m.groups()) for m in plain.finditer(text)], (where, text)


@pytest.mark.parametrize(
    ("pattern", "flags", "expected"),
    [
        (r"\bshell|raid", 0, "[rs]"),
        (r"(?:a|b)?c", 0, "[abc]"),
        (r"x*y+", 0, "[xy]"),
        (r"(?<!\d)\d{2}", 0, r"[\d]"),
        (r"[a-c]ab|\sq", 0, r"[\sa-c]"),
        (r"(?-i:A)b", re.IGNORECASE, "[A]"),
        (r"a?", 0, None),  # may match nothing
        (r".x", 0, None),  # any character
        (r"[^a]x", 0, None),  # a negated class
        (r"a(?i:b)", 0, "[a]"),  # case on after the first character: still bounded
        (r"(?i:a)b", 0, None),  # case on for the first character: not bounded here
    ],
)
def test_first_class(pattern: str, flags: int, expected: str | None) -> None:
    assert first_class(re.compile(pattern, flags)) == expected


def test_ignorecase_reads_the_class_as_the_pattern_reads_its_letters() -> None:
    pattern = leading(r"kill|\bşehit", re.IGNORECASE)
    assert pattern.search("KILLED") is not None
    assert pattern.search("\u212aill") is not None  # the Kelvin sign folds to k, as in re
    assert pattern.search("ŞEHİT") is not None
    assert [m.span() for m in pattern.finditer("Kill a kill")] == [(0, 4), (7, 11)]
