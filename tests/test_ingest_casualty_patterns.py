"""Casualty, type and actor rules for patterns of real monitor copy (issue 15, second pass).

Every sentence here was written for these tests, with invented figures and events; none is
taken from a real report.
"""

from __future__ import annotations

import datetime as dt

import pytest

from geo.gazetteer import load_gazetteer
from geo.ingest.casualties import read_casualties
from geo.ingest.extract import Candidate, extract
from geo.ingest.mentions import MentionFinder
from geo.ingest.wording import read_wording

FINDER = MentionFinder(load_gazetteer())
FRIDAY = dt.date(2020, 9, 18)
SYRIA = "Military Forces of Syria (2000-)"
RUSSIA = "Military Forces of Russia (2000-)"
TURKEY = "Military Forces of Turkey (2016-)"


def candidates(text: str, published: dt.date | None = FRIDAY) -> list[Candidate]:
    return list(extract(text, published=published, finder=FINDER).candidates)


def counts(text: str, published: dt.date | None = FRIDAY) -> list[tuple[object, ...]]:
    return [
        (c.location, c.kind.sub_event_type, c.killed, c.injured)
        for c in candidates(text, published)
    ]


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        ("Another boy has died of his wounds.", 1, None),
        ("The jets killed another 6 people near the market.", 6, None),
        ("One farmer was killed and another injured.", 1, 1),
    ],
)
def test_another_counts_one_person(sentence: str, killed: int | None, injured: int | None) -> None:
    found = read_casualties(sentence)
    assert (found.killed, found.injured) == (killed, injured)


def test_two_day_phrases_of_an_undated_report_are_two_events() -> None:
    text = (
        "Regime artillery shelled Kansafra and al-Fatirah this morning. No casualties were "
        "reported. Yesterday regime forces shelled Kansafra and Bayneen again."
    )
    found = candidates(text, published=None)
    assert [(c.location, c.date_text, c.killed) for c in found] == [
        ("Kansafra", "this morning", 0),
        ("al-Fatirah", "this morning", 0),
        ("Kansafra", "Yesterday", None),
        ("Bayneen", "Yesterday", None),
    ]


def test_counts_of_another_day_are_not_the_previous_events() -> None:
    text = (
        "Regime warplanes struck Kafr Nabl on Wednesday, killing a woman. "
        "On Tuesday, nine civilians were killed in raids across the countryside."
    )
    assert counts(text) == [("Kafr Nabl", "Air/drone strike", 1, None)]


def test_a_background_date_after_the_event_does_not_date_it() -> None:
    text = (
        "Regime forces shelled Kansafra, the civil defence said. "
        "The zone was agreed at a meeting on 4 May 2017."
    )
    (found,) = candidates(text)
    assert (found.date, found.date_text) == (FRIDAY, "")
