"""Ingest rules for the patterns of real monitor and agency copy (issue 15).

Every sentence here was written for these tests, in English, Arabic and Turkish, with
invented figures; none is taken from a real report.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo.gazetteer import load_gazetteer
from geo.ingest.casualties import read_casualties
from geo.ingest.dates import find_dateline, read_date
from geo.ingest.extract import Candidate, extract
from geo.ingest.mentions import MentionFinder, is_governorate
from geo.ingest.text import drop_furniture, split_headline, strip_dateline_lead
from geo.ingest.wording import read_wording
from tests import ingest_corpus

ROOT = Path(__file__).resolve().parent.parent
FINDER = MentionFinder(load_gazetteer())
FRIDAY = dt.date(2020, 9, 18)
SYRIA = "Military Forces of Syria (2000-)"
RUSSIA = "Military Forces of Russia (2000-)"


def candidates(text: str, published: dt.date | None = FRIDAY) -> list[Candidate]:
    return list(extract(text, published=published, finder=FINDER).candidates)


def summary(text: str, published: dt.date | None = FRIDAY) -> list[tuple[object, ...]]:
    return [
        (c.location if c.place is not None else f"?{c.mention}", c.kind.sub_event_type,
         c.killed, c.injured)
        for c in candidates(text, published)
    ]  # fmt: skip


def run_cli(*argv: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "build_map.py", *argv],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        ("Monitors recorded the death of a shepherd and the injury of three other people.", 1, 3),
        ("The strike caused the deaths of 4 farmers.", 4, None),
        ("Rockets fell on the market, killing and injuring eleven civilians.", None, None),
        ("Twelve people were killed and wounded in the raid.", None, None),
        ("More than 900 civilians have been killed since the start of the campaign.", None, None),
        ("Activists documented a massacre of seven residents.", 7, None),
        ("The toll rose to nine, including two women.", 9, None),
        ("Two citizens were killed.", 2, None),
        ("The shelling left no reports of casualties.", 0, 0),
        ("Saldırıda 3 sivil hayatını kaybetti, 8 sivil yaralandı.", 3, 8),
        ("Top atışında 2 asker şehit oldu, 1 asker de yaralandı.", 2, 1),
        ("Bombardımanda can kaybı yaşanmadı.", 0, 0),
        ("ÜÇ KİŞİ ÖLDÜ, İKİ KİŞİ YARALANDI", 3, 2),
        ("Hava saldırılarında 1 sivil, gece saatlerinde yaşamını yitirdi.", 1, None),
        ("Ölenlerin sayısı 12'ye, yaralı sayısı 30'a yükseldi.", 12, 30),
        ("A total of 140 people have been killed in the offensive, and a boy was hurt.", None, 1),
        ("قتل مدنيان وأصيب ثلاثة آخرون بقصف صاروخي.", 2, 3),
        ("ألحق القصف أضراراً بالمنازل دون تسجيل خسائر بشرية.", 0, 0),
    ],
)
def test_monitor_and_agency_casualty_wording(
    sentence: str, killed: int | None, injured: int | None
) -> None:
    found = read_casualties(sentence)
    assert (found.killed, found.injured) == (killed, injured)


def test_a_breakdown_gives_each_place_its_count_and_the_total_is_not_added() -> None:
    english = (
        "Regime rockets killed one in Sarmin and 4 others in the town of Binnish this morning. "
        "The toll of the day rose to five."
    )
    assert summary(english) == [
        ("Sarmin", "Shelling/artillery/missile attack", 1, None),
        ("Binnish", "Shelling/artillery/missile attack", 4, None),
    ]
    turkish = (
        "Rus savaş uçaklarının bugünkü hava saldırılarında Sarmin'de 2, Binnish'te ise 3 sivil "
        "hayatını kaybetti. Böylece saldırılarda ölenlerin sayısı 5 oldu."
    )
    assert summary(turkish) == [
        ("Sarmin", "Air/drone strike", 2, None),
        ("Binnish", "Air/drone strike", 3, None),
    ]
    mixed = (
        "Rejim güçlerinin topçu atışlarında Sarmin kasabasında 2, Binnish'te de 1 sivil "
        "hayatını kaybederken Sarja köyünde 6 sivil yaralandı."
    )
    assert [(c.location, c.killed, c.injured) for c in candidates(mixed)] == [
        ("Sarmin", 2, None), ("Binnish", 1, None), ("Sarja", None, 6),
    ]  # fmt: skip
    subheading = (
        "Rus savaş uçakları bugün Sarmin ve Binnish'e hava saldırısı düzenledi.\n"
        "YEDİ KİŞİ ÖLDÜ\n"
        "Yerel kaynaklara göre Sarmin'de 3, Binnish'te 4 sivil hayatını kaybetti."
    )
    assert [(c.location, c.killed) for c in candidates(subheading)] == [
        ("Sarmin", 3), ("Binnish", 4),
    ]  # fmt: skip
    clauses = (
        "Rus savaş uçakları bugün Sarmin ve Binniş'e hava saldırısı düzenledi. Sarmin'de 3 ölü, "
        "7 yaralı bulunurken, Binniş şehrinde saldırılarla 2 sivil öldü, 4 sivil ise yaralandı."
    )
    assert [(c.location, c.killed, c.injured) for c in candidates(clauses)] == [
        ("Sarmin", 3, 7), ("Binnish", 2, 4),
    ]  # fmt: skip
    switching = "Shells hit Bayneen and Shnan, killing one in Bayneen and injuring 3 in Shnan."
    assert [(c.location, c.killed, c.injured) for c in candidates(switching)] == [
        ("Bayneen", 1, None),
        ("Shnan", None, 3),
    ]


def test_counts_before_others_go_to_the_place_named_with_them() -> None:
    text = (
        "Regime forces shelled Sarmin and Binnish, killing a fighter and injuring two others "
        "in Binnish."
    )
    assert [(c.location, c.killed, c.injured) for c in candidates(text)] == [
        ("Sarmin", None, None),
        ("Binnish", 1, 2),
    ]


def test_no_casualties_in_a_later_sentence_covers_the_whole_event() -> None:
    text = "Regime artillery shelled Kansafra, Balyoun and Sarja. No casualties were reported."
    assert [(c.killed, c.injured) for c in candidates(text)] == [(0, 0)] * 3


def test_clauses_pair_each_type_with_its_own_places() -> None:
    text = "A child was killed by warplanes in Sarmin, while artillery shelling wounded two in Binnish."
    assert summary(text) == [
        ("Sarmin", "Air/drone strike", 1, None),
        ("Binnish", "Shelling/artillery/missile attack", None, 2),
    ]


def test_aircraft_seen_flying_are_no_strike() -> None:
    assert candidates("Russian reconnaissance aircraft flew over Sarmin for hours.") == []


def test_a_province_named_beside_its_villages_gives_no_second_candidate() -> None:
    text = "Regime shelling killed four people in Idlib province this morning. Shells fell on Kansafra."
    assert summary(text) == [("Kansafra", "Shelling/artillery/missile attack", 4, None)]


def test_a_region_only_event_moves_to_the_place_a_later_sentence_names() -> None:
    text = (
        "Government air strikes killed nine people across Idlib province this morning. "
        "Four people died in the town of Sarmin, the monitors said."
    )
    found = candidates(text)
    assert [(c.location, c.geo_precision, c.killed) for c in found] == [("Sarmin", 1, 4)]


def test_a_place_that_only_locates_another_is_not_an_incident_place() -> None:
    text = "A roadside bomb wounded a man near Sarmin, east of Idlib city."
    assert [c.location for c in candidates(text)] == ["Sarmin"]


def test_actors_carry_to_breakdown_lines_but_not_to_a_new_story() -> None:
    text = (
        "Russian jets carried out nine air strikes this morning, distributed as follows:\n"
        "Four air strikes on Kansafra\nFive air strikes on Balyoun\n"
        "On Monday, an air strike hit Sarja."
    )
    assert [(c.location, c.actor1) for c in candidates(text)] == [
        ("Kansafra", RUSSIA), ("Balyoun", RUSSIA), ("Sarja", ""),
    ]  # fmt: skip


def test_artillery_is_the_regimes_when_russia_is_also_named() -> None:
    wording = read_wording("Regime forces and Russian advisers shelled Kansafra with rockets.")
    assert wording.actor1 == SYRIA
    arabic = read_wording("شنّ الطيران الروسي وقوات النظام هجوماً بالغارات على كنصفرة.")
    assert arabic.actor1 == RUSSIA


def test_turkish_reports_give_places_types_actors_and_dates() -> None:
    text = (
        "Esed rejimi güçleri dün Kansafra'ya karadan karaya füzelerle saldırdı, 2 sivil hayatını "
        "kaybetti, 5 sivil yaralandı. Rus savaş uçakları önceki gün İdlib'in güneyindeki Balyun "
        "köyüne hava saldırısı düzenledi."
    )
    found = candidates(text)
    assert [(c.location, c.kind.sub_event_type, c.actor1, c.killed, c.injured, str(c.date))
            for c in found] == [
        ("Kansafra", "Shelling/artillery/missile attack", SYRIA, 2, 5, "2020-09-17"),
        ("Balyoun", "Air/drone strike", RUSSIA, None, None, "2020-09-16"),
    ]  # fmt: skip
    unknown = extract("Zorbakent köyüne düzenlenen İHA saldırısında 1 sivil öldü.",
                      published=FRIDAY, finder=FINDER)  # fmt: skip
    assert [u.text for u in unknown.unresolved] == ["Zorbakent"]
    assert [(c.mention, c.kind.tag, c.killed) for c in unknown.candidates] == [
        ("Zorbakent", "drone", 1)
    ]


def test_arabic_region_words_and_counts() -> None:
    text = (
        "قتل مدنيان وأصيب ثلاثة آخرون بقصف مدفعي لقوات النظام على بلدة كنصفرة في ريف إدلب الجنوبي."
    )
    assert [(c.location, c.actor1, c.killed, c.injured) for c in candidates(text)] == [
        ("Kansafra", SYRIA, 2, 3)
    ]


def test_a_shared_name_is_settled_by_context_or_left_unresolved() -> None:
    alone = candidates("Regime artillery shelled Sheikh Ali this morning.")
    assert [(c.place, c.mention) for c in alone] == [(None, "Sheikh Ali")]
    assert {m.place.place_id for m in alone[0].alternatives} >= {"sheikh_ali", "sheikh_ali__atareb"}
    near_atarib = candidates(
        "Regime artillery shelled Sheikh Ali and Kafr Nuran in the western countryside of Aleppo."
    )
    assert [c.place.place.place_id for c in near_atarib if c.place] == [
        "sheikh_ali__atareb", "kafr_nuran",
    ]  # fmt: skip
    by_region = candidates("Shells hit Sheikh Ali in the countryside south of Ariha.")
    assert [c.place.place.place_id for c in by_region if c.place] == ["sheikh_ali"]


def _place_ids(text: str) -> list[str | None]:
    return [c.place.place.place_id if c.place else None for c in candidates(text)]


def test_villages_of_one_name_all_tie_and_the_report_chooses() -> None:
    # "Cairo" is the English for three al-Qahira villages; only one lies in the Ghab.
    alone = candidates("Artillery shelled Cairo on Monday.")
    assert alone[0].place is None
    assert {m.place.place_id for m in alone[0].alternatives} >= {"al_qahira", "al_qahirah"}
    ghab = "Regime artillery shelled Cairo, a village of the Ghab plain, on Monday."
    assert _place_ids(ghab) == ["al_qahira"]


def test_a_region_word_says_which_side_of_its_city_the_place_lies() -> None:
    assert _place_ids("Rockets hit Kawkaba at dawn.") == [None]
    assert _place_ids("Rockets hit Kawkaba, south of Idlib, at dawn.") == ["kawkabah"]
    assert _place_ids("قصفت قوات النظام قرية برزة.") == [None]
    west = _place_ids("قصفت قوات النظام قرية برزة غربي إدلب.")
    assert west[0] in {"barza_at_tahtani", "barza_al_fawqani"}


def test_a_town_is_meant_unless_the_report_points_to_a_village_of_its_name() -> None:
    assert _place_ids("An airstrike hit al-Dana.") == ["al_dana"]
    assert _place_ids("Shelling hit al-Dana and Maarat al-Numan.") == ["ad_dana", "maarat_al_numan"]


def test_letter_spellings_are_looked_up_in_running_text() -> None:
    found = candidates("A Russian jet struck the al-Yacoubian area north of Jisr al-Shughur.")
    assert (found[0].mention, found[0].place and found[0].place.place.place_id) == (
        "al-Yacoubian", "yaqubiyah",
    )  # fmt: skip


def test_the_m4_named_in_the_sentence_places_a_shared_name_on_the_road() -> None:
    assert _place_ids("An IED exploded near Musaybin.") == [None]
    on_road = "An IED exploded under a joint patrol on the M4 near Musaybin."
    assert _place_ids(on_road) == ["tel_musaybeen"]


def test_a_town_after_a_place_in_it_only_locates_that_place() -> None:
    assert _place_ids("Regime shells hit Kafr Ruma in Maarat al-Numan.") == ["kafr_rumah"]
    unknown = candidates("Regime shells hit the village of Tal Hamdan in Maarat al-Numan city.")
    assert [(c.place, c.mention) for c in unknown] == [(None, "Tal Hamdan")]


def test_an_introduced_name_is_the_place_the_geocoder_resolves_it_to() -> None:
    # Too short to be taken as a spelling variant in running text, but introduced as a village.
    assert _place_ids("Artillery hit Tqad at noon.") == []
    assert _place_ids("Artillery hit the village of Tqad at noon.") == ["taqad"]
    assert _place_ids("Jets struck the town of Trmala.") == ["tarmala"]
    unknown = candidates("Jets struck the village of Abu Ali.")
    assert [(c.place, c.mention) for c in unknown] == [(None, "Abu Ali")]


def test_the_names_of_an_arabic_list_are_read_with_one_letter_variants() -> None:
    # الموزر is written without its final taa marbuta, أرينبة with an extra yaa.
    assert _place_ids("قصفت المدفعية الموزر.") == []
    listed = "قصفت المدفعية بلدات “كنصفرة، والموزر” في جبل الزاوية."
    assert _place_ids(listed) == ["kansafra", "mawzarah"]
    pair = "استهدف القصف قريتي “جبالا وأرينبة” بريف إدلب الجنوبي."
    assert _place_ids(pair) == ["jibala", "arnabah"]
    # Words of a list that resolve to no place give no row, not even an unresolved one.
    assert candidates("قصفت قوات النظام بلدات المدفعية الثقيلة صباح اليوم.") == []


def test_a_name_settled_in_one_sentence_is_settled_in_the_others() -> None:
    first = "Jets struck al-Jadida at dawn, killing two."
    assert _place_ids(first) == [None]  # several villages are called al-Jadida
    both = f"{first} In the afternoon, regime shells hit al-Jadida, west of Idlib."
    (one, two) = candidates(both)
    assert one.place is not None
    assert two.place is not None
    assert one.place.place.place_id == two.place.place.place_id
    assert one.killed == 2


def test_villages_near_a_place_are_the_incident_the_place_only_locates_them() -> None:
    assert _place_ids("Shells hit Kansafra and Bara villages near Ariha.") == ["kansafra", "bara"]
    assert _place_ids("Shells hit villages near Ariha.") == ["ariha"]
    assert _place_ids("Shells hit Kansafra and fell near Bara.") == ["kansafra", "bara"]


def test_the_headline_names_the_incident_once() -> None:
    repeated = "Jets strike Sarmin, killing three\nRussian jets struck Sarmin today, killing three."
    assert summary(repeated) == [("Sarmin", "Air/drone strike", 3, None)]
    only_there = "Shelling hits Kansafra\nRegime artillery shelled the village this morning."
    assert [c.location for c in candidates(only_there)] == ["Kansafra"]
    assert split_headline("Topic | Jets strike Sarmin\nBody.") == ("Jets strike Sarmin", "Body.")


def test_site_furniture_gives_no_candidates() -> None:
    text = (
        "Russian jets struck Sarmin this morning.\nPhoto: smoke over Binnish after a raid in 2019\n"
        "Read also:\nDrone strike kills two in Ariha\nShelling wounds five in Kansafra"
    )
    assert [c.location for c in candidates(text)] == ["Sarmin"]
    assert (
        drop_furniture("A.\nRelated articles\nJets hit Ariha\nB ends here.") == "A.\nB ends here."
    )


def test_a_dateline_lead_is_no_incident_place() -> None:
    assert (
        strip_dateline_lead("IDLIB, Syria (Agency) – Jets struck Sarmin.") == "Jets struck Sarmin."
    )
    assert [c.location for c in candidates("HAMA, Agency – Jets struck Sarmin.")] == ["Sarmin"]


@pytest.mark.parametrize(
    ("sentence", "date", "precision"),
    [
        ("Jets struck on 18 Eylül 2020.", "2020-09-18", 1),
        ("قصف مدفعي في ١٨ أيلول ٢٠٢٠", "2020-09-18", 1),
        ("Shelling resumed on Sept. 12, 2020.", "2020-09-12", 1),
        ("Report of 05-03-2020 on the ceasefire.", "2020-03-05", 1),
        ("Saldırı dün gece düzenlendi.", "2020-09-17", 1),
        ("Önceki gün bir saldırı oldu.", "2020-09-16", 1),
        ("Salı günü topçu atışı yapıldı.", "2020-09-15", 1),
        ("Geçen hafta çatışmalar yaşandı.", "2020-09-11", 2),
        ("قصفت قوات النظام صباح الثلاثاء القرية.", "2020-09-15", 1),
        ("وقع القصف في 14 من تموز/ يوليو.", "2020-07-14", 1),
    ],
)
def test_turkish_arabic_and_agency_dates(sentence: str, date: str, precision: int) -> None:
    found = read_date(sentence, published=FRIDAY)
    assert found is not None
    assert (str(found.date), found.precision) == (date, precision)


def test_without_a_publication_date_relative_words_give_no_date() -> None:
    found = read_date("Jets struck on Tuesday.", published=None)
    assert found is not None
    assert (found.date, found.text) == (None, "on Tuesday")
    absolute = read_date("Jets struck on 15 September 2020.", published=None)
    assert absolute is not None
    assert absolute.date == dt.date(2020, 9, 15)


def test_a_dateline_is_the_publication_date() -> None:
    dateline = find_dateline("Jets strike Sarmin\nIDLIB, 18/09/2020 – Russian jets struck Sarmin.")
    assert dateline is not None
    assert dateline.date == FRIDAY
    far = "Jets struck Sarmin on Tuesday. " * 20 + "Published: 18 September 2020"
    labelled = find_dateline(far)
    assert labelled is not None
    assert labelled.date == FRIDAY
    assert find_dateline("Jets struck Sarmin on Tuesday. " * 20 + "A 2019-05-04 deal.") is None
    found = extract("IDLIB, 18/09/2020 – Russian jets struck Sarmin on Tuesday.",
                    published=None, finder=FINDER)  # fmt: skip
    assert found.published == FRIDAY
    assert [str(c.date) for c in found.candidates] == ["2020-09-15"]


def test_a_background_date_does_not_date_the_next_sentences() -> None:
    text = (
        "The 5 March 2020 protocol set up a corridor along the M4. "
        "Regime artillery shelled Kansafra on Tuesday."
    )
    assert [str(c.date) for c in candidates(text)] == ["2020-09-15"]


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_ingest_without_published_writes_needs_date_rows_that_add_refuses(tmp_path: Path) -> None:
    report = tmp_path / "undated.txt"
    report.write_text(
        "Regime artillery shelled Kansafra on Tuesday, killing two civilians.\n"
        "Russian jets struck Balyoun the same day.\n", encoding="utf-8",
    )  # fmt: skip
    out = tmp_path / "out"
    result = run_cli("ingest", str(report), "--source", "Outlet", "--out", str(out))
    assert result.returncode == 0, result.stderr.decode()
    printed = result.stdout.decode()
    assert "no publication date given (--published) or found in the text" in printed
    assert "2 candidates have status needs_date" in printed
    assert "date unknown (on Tuesday)" in printed
    candidates_csv = out / "candidates.csv"
    rows = read_rows(candidates_csv)
    assert [(r["location"], r["status"], r["event_date"]) for r in rows] == [
        ("Kansafra", "needs_date", ""), ("Balyoun", "needs_date", ""),
    ]  # fmt: skip
    assert "the report says only 'on Tuesday'" in rows[0]["evidence"]
    assert rows[0]["source"] == "Outlet"

    store = tmp_path / "incidents.csv"
    add = ("add", "--from", str(candidates_csv), "--incidents", str(store), "--no-build")
    refused = run_cli(*add)
    assert refused.returncode == 1
    assert f"{candidates_csv}, line 2, column 'event_date'" in refused.stderr.decode()
    assert "needs_date" in refused.stderr.decode()
    assert not store.exists()
    for row in rows:
        row["event_date"] = "2020-09-15"
    with candidates_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    added = run_cli(*add)
    assert added.returncode == 0, added.stderr.decode()
    assert added.stdout.decode().count("added SYR-IDL-") == 2


def test_ingest_reads_the_dateline_when_no_date_is_given(tmp_path: Path) -> None:
    text = "IDLIB, 18/09/2020 (Agency) – Regime artillery shelled Kansafra yesterday.\n"
    result = run_cli("ingest", "--out", str(tmp_path), stdin=text.encode())
    assert result.returncode == 0, result.stderr.decode()
    assert (
        "publication date read from the text: '18/09/2020' = 2020-09-18" in result.stdout.decode()
    )
    rows = read_rows(tmp_path / "candidates.csv")
    assert [(r["location"], r["event_date"], r["status"]) for r in rows] == [
        ("Kansafra", "2020-09-17", "candidate")
    ]


def test_the_turkish_reports_written_for_the_project_read_fully() -> None:
    reports = ingest_corpus.reports("turkish")
    assert len(reports) == 10
    assert {r["language"] for r in reports} == {"tr"}
    measured = ingest_corpus.measure(FINDER.gazetteer, "turkish")
    assert measured.problems == []


def test_a_governorate_named_as_a_region_is_no_point() -> None:
    found = extract(
        "Artillery shelled Kansafra in the southern countryside of Idlib and positions in "
        "the western countryside of Hama.",
        published=FRIDAY,
        finder=FINDER,
    )
    assert [c.location for c in found.candidates] == ["Kansafra"]
    hama = [p for p in found.places if p.text == "Hama"]
    assert [is_governorate(p) for p in hama] == [True]


def test_a_sentence_naming_only_governorates_gives_no_candidate() -> None:
    text = (
        "Drones hit a car in Sarmin, wounding two men. "
        "Warplanes flew over Idlib, Hama and Latakia all afternoon."
    )
    assert summary(text) == [("Sarmin", "Air/drone strike", None, 2)]


@pytest.mark.parametrize(
    "text",
    [
        "Guns of the Bashar Assad regime shelled Kansafra at dawn.",
        "Guns of the Bashar al-Assad government shelled Kansafra, said Recep Tayyip Erdogan.",
        "Monitors in the Putin-Erdogan area say artillery shelled Kansafra.",
        "Two Hayyaat Tahrir al-Sham fighters were hurt when shells hit Kansafra.",
    ],
)
def test_people_and_groups_named_near_an_event_are_not_places(text: str) -> None:
    assert [c.location for c in candidates(text)] == ["Kansafra"]


def test_everyday_arabic_words_that_a_village_is_named_are_not_places() -> None:
    text = "قصفت قوات النظام بلدة كنصفرة، وخلّف القصف أضراراً كبيرة دون خسائر بشرية."
    assert summary(text) == [("Kansafra", "Shelling/artillery/missile attack", 0, 0)]


def test_a_name_introduced_as_a_village_is_not_the_town_of_that_name() -> None:
    village = candidates("Jets struck the village of Jabala near Kafr Nubl, killing a farmer.")
    assert [c.location for c in village] == ["Jibala", "Kafr Nabl"]
    assert village[0].killed == 1
    assert [c.location for c in candidates("A rocket fell on Jabala port at night.")] == ["Jableh"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قصفت قوات النظام المتمركزة في مدينة سراقب بلدة كنصفرة.", ["Kansafra"]),
        ("قصفت قوات النظام بلدة بداما قرب مدينة جسر الشغور.", ["Bdama"]),
        ("Russian jets launching raids from Hmeimim air base struck Kansafra.", ["Kansafra"]),
        ("Topçu saldırısında Cisr eş Şuğur kasabasında 2 sivil hayatını kaybetti.",
         ["Jisr al-Shughur"]),
        ("قصفت قوات النظام بلدة كنصفرة، وأصيب رجل وابنه.", ["Kansafra"]),
    ],
)  # fmt: skip
def test_places_fire_came_from_or_that_locate_another_give_no_candidate(
    text: str, expected: list[str]
) -> None:
    assert [c.location for c in candidates(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Regime guns shelled opposition posts around the 46th Regiment west of Aleppo.",
        "قصفت قوات النظام محور الفوج 46 بريف حلب الغربي.",
    ],
)
def test_a_base_named_by_its_numbered_unit_is_a_place(text: str) -> None:
    assert [c.location for c in candidates(text)] == ["46th Regiment"]


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        ("استشهد فتى وأصيب شقيقه بقصف مدفعي على القرية.", 1, 1),
        ("رجل قُتل وأُصيب ابنه بجروح في القصف.", 1, 1),
        ("فتاتين استشهدتا وأصيب رجل وسيدة بجروح.", 2, 2),
        ("شاب آخر استشهد وأصيب ثلاثة آخرين.", 1, 3),
        ("شخصًا مدنيًا قتل متأثرًا بجراحه.", 1, None),
        ("أدى القصف إلى مقتل إمراة.", 1, None),
        ("قُتل رجل وأُصيب ابنه، صباح الأحد 14 آذار، بقذيفة.", 1, 1),
    ],
)
def test_arabic_verbs_before_or_after_the_people_they_count(
    sentence: str, killed: int | None, injured: int | None
) -> None:
    found = read_casualties(sentence)
    assert (found.killed, found.injured) == (killed, injured)


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        ("Rockets hit the market, causing only material damage.", 0, 0),
        ("Only material damage was reported after the shelling.", 0, 0),
        ("سقطت القذائف على البلدة دون وقوع أي إصابة.", 0, 0),
        ("Saldirida 4 sivil yasamini yitirdi, 2 sivil yaralandi.", 4, 2),
        ("After killing three shepherds, the jets turned on the market of the town.", None, None),
        ("After the strike, jets hit the town again, killing two.", 2, None),
    ],
)
def test_no_casualty_and_unaccented_turkish_wording(
    sentence: str, killed: int | None, injured: int | None
) -> None:
    found = read_casualties(sentence)
    assert (found.killed, found.injured) == (killed, injured)


def test_an_unaccented_turkish_breakdown_gives_each_village_its_count() -> None:
    text = (
        "Rejim güçleri Kansafra ve Balyun köylerine topçu saldırısı düzenledi; Kansafra'da 2, "
        "Balyun'da 3 sivil yasamini yitirdi."
    )
    assert [(c.location, c.killed) for c in candidates(text)] == [("Kansafra", 2), ("Balyoun", 3)]


def test_aircraft_circling_after_the_strike_is_no_new_strike() -> None:
    text = (
        "Three farmers were killed by regime artillery fire in Idlib province on Friday. "
        "Reconnaissance aircraft circled low over the town, Kansafra, after the strike."
    )
    assert summary(text) == [("Kansafra", "Shelling/artillery/missile attack", 3, None)]


@pytest.mark.parametrize(
    "text",
    [
        "Two fighters died when a booby-trapped drone blew up over their post in Kansafra.",
        "An explosive-laden drone crashed into a house in Kansafra, killing two fighters.",
    ],
)
def test_a_drone_carrying_its_explosive_is_one_drone_strike(text: str) -> None:
    assert [(c.location, c.kind.tag, c.killed) for c in candidates(text)] == [
        ("Kansafra", "drone", 2)
    ]


def test_hama_city_is_a_point_only_when_named_as_the_city() -> None:
    found = extract(
        "A car bomb went off in the city of Hama, killing two people.",
        published=FRIDAY,
        finder=FINDER,
    )
    assert [(c.location, c.killed) for c in found.candidates] == [("Hamah", 2)]
    assert FINDER.gazetteer.resolve("Hama").place.kind == "city"
