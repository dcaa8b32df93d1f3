"""Casualty, type and actor rules for patterns of real monitor copy (issue 15, second pass).

Every sentence here was written for these tests, with invented figures and events; none is
taken from a real report.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from geo.gazetteer import load_gazetteer
from geo.ingest import casualties, dates, mentions, wording
from geo.ingest import extract as extract_module
from geo.ingest.casualties import read_casualties
from geo.ingest.dates import read_date
from geo.ingest.extract import Candidate, extract
from geo.ingest.mentions import MentionFinder
from geo.ingest.text import report_text, split_sentences
from geo.ingest.wording import read_wording
from tests import ingest_corpus

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


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        ("About 30 people, most of them women, were killed and wounded on Friday.", None, None),
        ("The exchange left two soldiers dead and injured about six others.", 2, 6),
        ("Three children were killed and four others were badly wounded four as shells fell.",
         3, 4),
        ("Inspectors found there were no civilian casualties.", 0, 0),
        ("قصفت المدفعية البلدة دون وقوع أضرار بشرية.", 0, 0),
    ],
)  # fmt: skip
def test_combined_and_repeated_counts(
    sentence: str, killed: int | None, injured: int | None
) -> None:
    found = read_casualties(sentence)
    assert (found.killed, found.injured) == (killed, injured)


@pytest.mark.parametrize(
    ("sentence", "kinds"),
    [
        ("The aerial bombardment left seven dead.", ["Air/drone strike"]),
        ("Air bombardment hit the town.", ["Air/drone strike"]),
        ("Artillery bombardment hit the town.", ["Shelling/artillery/missile attack"]),
        ("The Russian raids coincided with artillery shelling by regime forces on Sarmin.",
         ["Shelling/artillery/missile attack"]),
        ("The shelling also coincided with flights of reconnaissance drones over the area.", []),
        ("The shelling came shortly after midnight on Sarmin.",
         ["Shelling/artillery/missile attack"]),
        ("Shelling on Kansafra coincided with air strikes on Bara.",
         ["Shelling/artillery/missile attack", "Air/drone strike"]),
        ("وأضاف أن القصف الجوي جاء بعد قصف مدفعي استهدف البلدة", ["Shelling/artillery/missile attack"]),
    ],
)  # fmt: skip
def test_told_events_and_aerial_bombardment(sentence: str, kinds: list[str]) -> None:
    assert [k.sub_event_type for k in read_wording(sentence).kinds] == kinds


def test_the_actor_of_a_told_event_is_not_the_new_ones() -> None:
    wording = read_wording(
        "The Russian raids coincided with artillery shelling by regime forces on Sarmin."
    )
    assert wording.actor1 == SYRIA


def test_a_later_toll_does_not_undo_a_stated_no_casualties() -> None:
    text = (
        "Turkish artillery shelled Sarmin; no casualties were reported in Sarmin. "
        "The toll is expected to rise as more than 30 people are wounded."
    )
    assert counts(text) == [("Sarmin", "Shelling/artillery/missile attack", 0, 0)]


def test_counts_after_a_told_event_go_to_the_aircraft_that_struck() -> None:
    text = (
        "Russian warplanes struck the outskirts of Binnish this morning. The aerial "
        "bombardment killed four civilians and injured nine others."
    )
    assert counts(text) == [("Binnish", "Air/drone strike", 4, 9)]


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        ("ارتكبت قوات النظام مجزرة راح ضحيتها ستة مدنيين منهم امرأة.", 6, None),
        ("واستشهد أمس الأول رجل وأصيب 4 مدنيين بجروح.", 1, 4),
        ("قضى فيها منذ قليل شاب من سكان البلدة.", 1, None),
        ("أصيب ثلاثة أطفال وامرأتان بغارات جوية.", None, 5),
        ("ما أدى إلى مقتل 3 مدنيين وإصابة مدنيين آخرين.", 3, None),
        ("أصيب مدنيين اثنين بجروح.", None, 2),
        ("انقضت ساعات على القصف.", None, None),
    ],
)
def test_arabic_verbs_fillers_and_plurals(
    sentence: str, killed: int | None, injured: int | None
) -> None:
    found = read_casualties(sentence)
    assert (found.killed, found.injured) == (killed, injured)


def test_an_arabic_clause_added_with_idafa_ila_goes_to_its_own_place() -> None:
    text = (
        "أصيب ثلاثة أطفال بغارات جوية روسية استهدفت أطراف مدينة سرمين، إضافة إلى إصابة رجل "
        "بقصف مدفعي على قرية بنش."
    )
    assert counts(text) == [
        ("Sarmin", "Air/drone strike", None, 3),
        ("Binnish", "Shelling/artillery/missile attack", None, 1),
    ]


def test_a_count_in_a_relative_clause_goes_to_the_place_it_follows() -> None:
    english = "Regime rockets hit Kansafra, al-Fatirah and Bayneen, where a boy was killed."
    assert [(c.location, c.killed) for c in candidates(english)] == [
        ("Kansafra", None), ("al-Fatirah", None), ("Bayneen", 1),
    ]  # fmt: skip
    arabic = "طال القصف المدفعي بلدات الفطيرة وكنصفرة والبارة التي قضى فيها شاب."
    assert [(c.location, c.killed) for c in candidates(arabic)] == [
        ("al-Fatirah", None), ("Kansafra", None), ("Bara", 1),
    ]  # fmt: skip


def test_this_day_in_arabic_is_not_today() -> None:
    found = read_date(
        "لم يقتصر القصف على هذا اليوم، إذ استهدفت المدفعية أمس البلدة", published=FRIDAY
    )
    assert found is not None
    assert (found.date, found.text) == (dt.date(2020, 9, 17), "أمس")


def test_a_turkish_breakdown_counts_a_family_by_its_total() -> None:
    text = (
        "Rus savaş uçakları bugün Sarmin ve Binnish köylerine hava saldırısı düzenledi. "
        "Yerel kaynaklara göre Sarmin köyünde 2, Binnish köyünde bir aileden 4'ü çocuk toplam 7 "
        "olmak üzere 9 sivil hayatını kaybetti."
    )
    assert [(c.location, c.killed) for c in candidates(text)] == [("Sarmin", 2), ("Binnish", 7)]


def test_a_regions_toll_told_before_its_places_is_kept_on_the_first() -> None:
    text = (
        "Regime rockets killed 6 civilians and injured 15 others on Thursday in Idlib "
        "province. The attacks targeted the towns of Sarmin, Binnish and Taftanaz. "
        "Earlier reports had put the death toll at two."
    )
    assert counts(text) == [
        ("Sarmin", "Shelling/artillery/missile attack", 6, 15),
        ("Binnish", "Shelling/artillery/missile attack", None, None),
        ("Taftanaz", "Shelling/artillery/missile attack", None, None),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Earlier reports had put the death toll from the shelling at three.",
        "The shelling caused the death of a woman over the past few days.",
        "أسفر القصف عن إصابة نحو عشرة أشخاص على مدار الأيام القليلة الماضية.",
    ],
)
def test_superseded_and_period_figures_give_no_count(sentence: str) -> None:
    assert not read_casualties(sentence).known


@pytest.mark.parametrize(
    ("sentence", "actor1"),
    [
        ("Regime forces bombarded positions in Sarja with Russian-made shells.", SYRIA),
        (("Turkish forces reacted to the regime's rocket fire by bombarding regime positions "
          "in Saraqib."), TURKEY),
        ("Turkish-backed factions shelled regime posts near Saraqib.", ""),
    ],
)  # fmt: skip
def test_perpetrators_of_monitor_prose(sentence: str, actor1: str) -> None:
    assert read_wording(sentence).actor1 == actor1


def test_each_place_takes_the_perpetrator_named_before_it() -> None:
    text = (
        "Regime forces shelled the Turkish post in Shnan, before Turkish forces responded by "
        "shelling regime positions in Kafr Nabl."
    )
    assert [(c.location, c.actor1) for c in candidates(text)] == [
        ("Shnan", SYRIA), ("Kafr Nabl", TURKEY),
    ]  # fmt: skip


def test_an_actor_carries_down_a_list_of_strikes() -> None:
    text = (
        "Russian jets carried out 14 air strikes this morning, distributed as follows:\n"
        "• three air strikes on Kansafra\n• four air strikes on Bayneen\n"
        "• five air strikes on Shnan\n• two air strikes on the outskirts of Iblin"
    )
    assert [(c.location, c.actor1) for c in candidates(text)] == [
        ("Kansafra", RUSSIA), ("Bayneen", RUSSIA), ("Shnan", RUSSIA), ("Iblin", RUSSIA),
    ]  # fmt: skip


def test_the_holder_of_a_position_hit_is_a_target() -> None:
    wording = read_wording(
        "Turkish artillery pounded positions held by regime forces in Kafr Naha."
    )
    assert (wording.actor1, wording.targets) == (TURKEY, (SYRIA,))


def _corpus_sentences() -> list[str]:
    texts = [
        r["text"] for name in (*ingest_corpus.SETS, "turkish") for r in ingest_corpus.reports(name)
    ]
    return [s.text for t in texts for s in split_sentences(report_text(t, origin="corpus"))]


def test_the_cheap_triggers_cover_every_match_in_our_corpus() -> None:
    """A pattern that matches where none of its trigger words is would be skipped wrongly."""
    for sentence in _corpus_sentences():
        text = wording.strip_marks(sentence)
        folded = wording.fold(text)
        for kind, pattern in wording._TYPE_WORDS:
            if pattern.search(text):
                assert any(t in folded for t in wording._TYPE_TRIGGERS[kind]), (kind, sentence)
        for name, pattern in wording.ACTORS:
            if pattern.search(text):
                assert any(t in folded for t in wording._ACTOR_TRIGGERS[name]), (name, sentence)
        for pattern, triggers in (
            (wording._GENERIC, wording._GENERIC_TRIGGERS),
            (wording._ALSO, wording._ALSO_TRIGGERS),
        ):
            if pattern.search(text):
                assert any(t in folded for t in triggers), (pattern.pattern[:20], sentence)


#: Sentences of our own that reach every branch of the patterns guarded by trigger words in
#: mentions, extract and dates (organisations, persons, highways, introduced names,
#: "separately", dateline labels), in the cases and scripts reports use.
_TRIGGER_SENTENCES = (
    "Hayyat Tahrir al-Sham and HAY'AT TAHRIR AL SHAM fighters met Ahrar al-Sham, Faylaq al Sham,",
    "Jaysh al-Izza and Jaish al Izza; the Syrian Observatory for Human Rights counted them.",
    "Syria Civil Defence, the syrian civil defense, White Helmets and Response Coordinators",
    "said the National Front for Liberation, the Syrian Liberation Front and the Syrian",
    "National Army fought the Tiger Forces and the Fourth Division (Enab Baladi, North Press).",
    "Hurras al-Din denied it. President Bashar al-Assad, Prime Minister Tayyip Erdogan, his",
    "counterpart Vladimir Putin, Foreign Minister Mevlut Cavusoglu and Çavuşoğlu met Lavrov,",
    "Shoigu, Dr. Salem Ali and Doctor Ahmad; leader Abu Omar spoke. Esad and Esed, Erdoğan.",
    "قال بشار الأسد ورجب طيب أردوغان وفلاديمير بوتين إن الشاب “أحمد” والطفلة “سارة” والمواطنة",
    "“هدى” والسيدة “ليلى” والرجل “علي” والمدني “سامي” والدكتور “عمر” أصيبوا.",
    "Patrols on the M4, the M-4, the M 5 and m5, the Latakia-Aleppo international highway,",
    "the Aleppo / Lattakia road, the Damascus–Aleppo motorway and the Hama-Aleppo highway.",
    "على طريق حلب - اللاذقية وطريق دمشق-حلب والطريق الدولي M4 .",
    "Shells fell on the village of Kafr Nabl, the town of al-Bara, the city of Ariha, the",
    "hamlet of Tell, the farms of Sheikh, the camp of Atmeh, the villages of the Zawiya, the",
    "towns of Sarja and the area of ash-Sheikh Mustafa; Kansafra village and Sarmin frontline.",
    "قصفت قرية كنصفرة وبلدة البارة ومدينة أريحا وقريتي بينين وبلدتي سرجة.",
    "Balyun köyüne, Sarja kasabası, Bara beldesi ve Yeni mahallesine saldırı düzenlendi.",
    "Separately, in another attack, and SEPARATE strikes; on the other hand, Öte yandan,",
    "وفي هجوم منفصل، ومن جهة أخرى قصفت؛ ayrı bir saldırıda, Ayrıca İdlib'de.",
)

_DATELINE_LABELS = (
    "Published: ", "updated on ", "Posted ", "Date: ", "Yayınlanma: ", "YAYINLANMA ",
    "Güncelleme: ", "Tarih ", "تاريخ النشر: ", "نشر في ",
)  # fmt: skip


def test_the_cheap_triggers_of_mentions_extract_and_dates_cover_their_patterns() -> None:
    """The word tests before a pattern in mentions, extract and dates never skip a match."""
    sentences = [*_corpus_sentences(), *_TRIGGER_SENTENCES]
    guards = {
        "organisation": (mentions._ORGANISATIONS, mentions._ORGANISATION_TRIGGERS, True),
        "person": (mentions._PERSONS, mentions._PERSON_TRIGGERS, False),
        "introduced": (mentions._INTRODUCED, mentions._INTRODUCED_TRIGGERS, False),
        "separate": (extract_module._SEPARATE, extract_module._SEPARATE_TRIGGERS, True),
        **{road: (pattern, mentions._HIGHWAY_TRIGGERS[road], True)
           for pattern, road in mentions._HIGHWAYS},
    }  # fmt: skip
    matched = dict.fromkeys(guards, 0)
    for sentence in sentences:
        for name, (pattern, triggers, on_folded) in guards.items():
            for m in pattern.finditer(sentence):  # each match holds a trigger of its own
                matched[name] += 1
                text = wording.fold(m.group()) if on_folded else m.group()
                assert any(t in text for t in triggers), (name, m.group(), sentence)
    assert all(matched.values()), matched  # every guard was put to the test
    for label in _DATELINE_LABELS:
        assert dates._DATELINE_LABEL.search(label), label
        assert any(t in wording.fold(label) for t in dates._LABEL_TRIGGERS), label


#: Sentences of our own for the word tests before the casualty readers and the origin rule.
_COUNT_SENTENCES = (
    "Jets launched from Hmeimim and drones fired from the base, taking off from Kuweires,",
    "flying from Latakia, coming from the south, came from Jurin and rockets originating from",
    "Abu al-Duhur, stationed in Maarat, based at Kafr Nabl, deployed in Ariha, positioned at",
    "Saraqib; forces stationed at Jurin shelled Kansafra. Launched its strikes from Hama.",
    "انطلاقاً من مطار حماة، والقوات المتمركزة في كفرنبل والمتواجدة في سراقب قصفت البارة.",
    "A family of five, a 4-man crew, a three-member team, the ten-person unit and a 6-strong",
    "group died. İki sivil hayatını kaybetti, 3 kişi yaralandı, beş asker şehit oldu, bir",
    "çocuk öldü ve 4 sivil can verdi; 2 kişi yaşamını yitirdi, bir sivil yaralanmıştı.",
    "Two civilians were killed, four injured, three wounded, five hurt, two dead, six died,",
    "seven slain, a man perished, nine lost their lives, two fatalities, it claimed three",
    "lives, three martyrs, a massacre of ten and the deaths of eight were reported.",
)


def test_the_word_tests_of_the_casualty_readers_and_origins_cover_their_patterns() -> None:
    """Each word test before a casualty pattern or the origin rule never skips a match."""
    sentences = [*_corpus_sentences(), *_COUNT_SENTENCES]
    guards = {
        "origin": (extract_module._ORIGIN_BEFORE, extract_module._ORIGIN_TRIGGERS),
        "family": (casualties._FAMILY, casualties._FAMILY_TRIGGERS),
        "turkish": (casualties._TURKISH, casualties._TURKISH_STEMS),
    }
    matched = dict.fromkeys([*guards, "english"], 0)
    for sentence in sentences:
        text = wording.strip_marks(sentence)
        # The origin rule reads the text before a name: try it before every word.
        prefixes = [text[: m.start()] for m in re.finditer(r"(?<!\S)\S", text)] + [text]
        for name, (pattern, triggers) in guards.items():
            for part in prefixes if name == "origin" else [text]:
                for m in pattern.finditer(part):
                    matched[name] += 1
                    assert wording.holds(wording.fold(m.group()), triggers), (name, m.group())
        folded = wording.fold(text)
        if casualties._english(text, folded) != (None, None):
            matched["english"] += 1
            assert wording.holds(folded, casualties._ENGLISH_STEMS), sentence
    assert all(matched.values()), matched  # every guard was put to the test


def test_clauses_joined_by_also_pair_their_own_types_and_actors() -> None:
    text = (
        "Russian warplanes carried out three raids on Kansafra this morning, also regime "
        "forces shelled Bayneen with 40 shells, while regime reinforcements reached Kansafra."
    )
    assert [(c.location, c.kind.sub_event_type, c.actor1) for c in candidates(text)] == [
        ("Kansafra", "Air/drone strike", RUSSIA),
        ("Bayneen", "Shelling/artillery/missile attack", SYRIA),
    ]


@pytest.mark.parametrize(
    ("sentence", "actor1"),
    [
        ("Monitors reported a new round of Russian air strikes on Kansafra.", RUSSIA),
        ("Residents reported a fresh bombardment of the regime forces on al-Fatirah.", SYRIA),
        ("Turkish artillery hit the positions of the regime near Saraqib.", TURKEY),
    ],
)
def test_of_after_a_count_of_strikes_names_the_attacker(sentence: str, actor1: str) -> None:
    assert read_wording(sentence).actor1 == actor1


def test_a_later_sentence_gives_a_repeated_event_its_attacker() -> None:
    text = (
        "Rockets hit Kansafra and Bayneen this morning. Sources said that Hayat Tahrir "
        "al-Sham gunners fired the rockets at Kansafra and Bayneen."
    )
    assert [(c.location, c.actor1) for c in candidates(text)] == [
        ("Kansafra", "HTS: Hayat Tahrir al-Sham"), ("Bayneen", "HTS: Hayat Tahrir al-Sham"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("sentence", "tag"),
    [
        ("Regime gunners targeted a tractor near Bdama with a missile.", "missile"),
        ("The factions fired a heat-seeking missile at a regime position.", "missile"),
        ("Regime forces fired dozens of missiles and rockets on Kansafra.", ""),
        ("A warplane fired a missile at a house in Sarmin.", ""),
        ("Jets hit a missile launcher near Saraqib.", ""),
    ],
)
def test_a_single_missile_is_a_missile_attack(sentence: str, tag: str) -> None:
    assert read_wording(sentence).kinds[0].tag == tag


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        ("A farmer, his wife, their four sons and another man were killed in the raid.", 7, None),
        ("Initial reports have confirmed that six people, including a boy, were killed.", 6, None),
    ],
)
def test_lists_of_the_dead_and_initial_reports(
    sentence: str, killed: int | None, injured: int | None
) -> None:
    found = read_casualties(sentence)
    assert (found.killed, found.injured) == (killed, injured)


def test_a_long_list_of_victims_by_place_gives_each_place_its_own() -> None:
    text = (
        "Russian warplanes struck Sarmin and Binnish this morning: a woman, her husband, "
        "their three children, and another man were killed in Sarmin, five people including "
        "two children of one displaced family were killed in Binnish."
    )
    assert [(c.location, c.killed) for c in candidates(text)] == [("Sarmin", 6), ("Binnish", 5)]


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        ("وقتل أمس الطفل سامر العلي (خمسة أعوام) وأخته هبة (عامان)، في حين أصيبت شقيقتهما.",
         2, 1),
        ("أدى القصف إلى استشهاد المسعف في الدفاع المدني وزوجته وأطفالهم الأربعة.", 6, None),
        ("قتل رجل جراء قصف استهدف منزله وزوجته.", 1, None),
        ("أدى القصف إلى استشهاد المسعف وزوجته وأطفالهم الأربعة.", 6, None),
        ("قتل طفل بقصف مدفعي على بلدة كنصفرة.", 1, None),
    ],
)  # fmt: skip
def test_arabic_victims_named_with_their_kin(
    sentence: str, killed: int | None, injured: int | None
) -> None:
    found = read_casualties(sentence)
    assert (found.killed, found.injured) == (killed, injured)


def test_no_casualties_said_of_two_attackers_covers_both_strikes() -> None:
    text = (
        "قصفت الطائرات الحربية الروسية اليوم بلدة كنصفرة. واستهدف قصف مدفعي لقوات النظام "
        "بلدة بينين. وخلف قصف النظام وروسيا أضرارا مادية دون تسجيل خسائر بشرية."
    )
    assert [(c.location, c.killed, c.injured) for c in candidates(text)] == [
        ("Kansafra", 0, 0), ("Bayneen", 0, 0),
    ]  # fmt: skip


def test_a_group_affiliated_to_an_actor_is_its_target() -> None:
    wording = read_wording("The targeted post belongs to Hayat Tahrir al-Sham fighters.")
    assert wording.actor1 == ""


def test_an_actor_of_another_day_is_not_the_events() -> None:
    text = (
        "Another boy was killed on Wednesday in similar air strikes on Kafr Nabl. "
        "Regime warplanes intensified their raids today."
    )
    assert [(c.location, c.actor1) for c in candidates(text)] == [("Kafr Nabl", "")]


def test_on_the_other_hand_does_not_carry_the_attackers() -> None:
    text = (
        "Russian warplanes struck Kansafra this morning. On the other hand, Bayneen was also "
        "hit, wounding two farmers."
    )
    assert [(c.location, c.actor1) for c in candidates(text)] == [
        ("Kansafra", RUSSIA), ("Bayneen", ""),
    ]  # fmt: skip
