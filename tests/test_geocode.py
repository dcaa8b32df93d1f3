"""The offline geocoder: accuracy on the corpus, honesty when unsure, context, bad input."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from geo.coords import LonLat
from geo.datasets import DATA_DIR
from geo.errors import AmbiguousPlaceError, GeocodeInputError, PlaceNotFoundError
from geo.gazetteer import load_gazetteer
from geo.geocode import SAME_NAME_SCORE, TYPO_SCORE, Gazetteer, distance_km
from geo.names import common_words
from geo.places import Place
from tests import geocode_corpus


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


def test_corpus_is_large_and_varied() -> None:
    rows = geocode_corpus.variants()
    assert len(rows) >= 200
    rules = {row["rule"] for row in rows}
    assert {"arabic", "turkish", "kafr", "ain", "tal", "jabal", "maarat", "sheikh", "typo"} <= rules
    assert len(geocode_corpus.negatives()) >= 30


def test_top1_accuracy_at_least_97_percent(gazetteer: Gazetteer) -> None:
    result = geocode_corpus.measure(gazetteer)
    assert result.top1_rate >= 0.97, result.misses
    assert result.resolved_wrong == []  # no confident wrong answer on the variants either


def test_names_not_in_the_gazetteer_are_never_resolved(gazetteer: Gazetteer) -> None:
    assert geocode_corpus.confident_negatives(gazetteer) == []


@pytest.mark.parametrize(
    ("query", "place_id"),
    [
        ("Kansfara", "kansafra"), ("Kanasfara", "kansafra"), ("كنصفرة", "kansafra"),
        ("Tronba", "trinbeh"), ("Tarnabah", "trinbeh"), ("Turumbah", "trinbeh"),
        ("Ain Hour", "ain_al_hawr"), ("Ain al-Havr", "ain_al_hawr"),
        ("Jisr ash-Shughur", "jisr_al_shughur"), ("Jisr al-Shughour", "jisr_al_shughur"),
        ("جسر الشغور", "jisr_al_shughur"), ("أريحا", "ariha"), ("Balion", "balyoun"),
        ("Al-Fterah", "al_fatirah"), ("Jebel Zawiye", "jabal_al_zawiya"), ("İdlib", "idlib"),
    ],
)  # fmt: skip
def test_seed_spellings_resolve(gazetteer: Gazetteer, query: str, place_id: str) -> None:
    match = gazetteer.resolve(query)
    assert match.place.place_id == place_id
    assert 0 < match.score <= 1
    assert match.match in {"exact", "alias", "normalised", "typo", "partial", "fuzzy"}


def test_exact_primary_name_scores_one(gazetteer: Gazetteer) -> None:
    match = gazetteer.resolve("Ariha")
    assert (match.score, match.match) == (1.0, "exact")


def test_areas_are_flagged_with_a_radius(gazetteer: Gazetteer) -> None:
    for name in ("Jabal al-Zawiya", "Jabal al-Arbaeen", "Sahl al-Ghab", "Jabal al-Akrad",
                 "Jabal al-Turkman", "Jabal Shahshabu"):  # fmt: skip
        place = gazetteer.resolve(name, kinds={"area"}).place
        assert place.kind == "area"
        assert place.precision_m >= 3_000


def test_same_named_places_are_ambiguous_without_context(gazetteer: Gazetteer) -> None:
    groups = geocode_corpus.ambiguous_groups()
    assert len(groups) >= 3
    for name, points in groups.items():
        with pytest.raises(AmbiguousPlaceError) as info:
            gazetteer.resolve(name)
        assert len(info.value.candidates) >= 2
        assert "ambiguous" in str(info.value)
        for point in points:  # a nearby position picks the right one
            match = gazetteer.resolve(name, near=LonLat(point.lon + 0.01, point.lat + 0.01))
            assert distance_km(match.place.position, point) <= 2


def test_admin_area_context(gazetteer: Gazetteer) -> None:
    match = gazetteer.resolve("Sheikh Ali", near="Ariha")
    assert match.place.admin2 == "Ariha"
    assert gazetteer.geocode("Ariha", near="Afrin") == []


def test_kinds_filter(gazetteer: Gazetteer) -> None:
    assert all(m.place.kind == "area" for m in gazetteer.geocode("Zawiya", kinds={"area"}))


def test_place_id_resolves(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("sheikh_ali__atareb").place.admin2 == "Jebel Saman"


def test_unknown_name_suggests(gazetteer: Gazetteer) -> None:
    with pytest.raises(PlaceNotFoundError) as info:
        gazetteer.resolve("Kansafrolly town")
    assert "did you mean" in str(info.value)
    assert info.value.suggestions


@pytest.mark.parametrize("query", ["", "   ", "!!!", "\x00\x01", "---", "12345"])
def test_nameless_queries_match_nothing(gazetteer: Gazetteer, query: str) -> None:
    assert gazetteer.geocode(query) == []
    with pytest.raises(PlaceNotFoundError):
        gazetteer.resolve(query)


def test_huge_and_non_text_queries_are_clear_errors(gazetteer: Gazetteer) -> None:
    with pytest.raises(GeocodeInputError, match="10,000 characters"):
        gazetteer.geocode("a" * 10_000)
    with pytest.raises(GeocodeInputError, match="must be text"):
        gazetteer.geocode(42)  # type: ignore[arg-type]


def test_mixed_scripts_and_control_characters(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("Ariha أريحا").place.place_id == "ariha"
    assert gazetteer.resolve("\u200fSaraqib\u200e\t").place.place_id == "saraqib"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_any_text_gives_matches_or_a_clear_error(text: str) -> None:
    gazetteer = _shared_gazetteer()
    try:
        matches = gazetteer.geocode(text)
    except GeocodeInputError:
        return
    assert all(0 <= m.score <= 1 for m in matches)


def test_reverse_nearest_place(gazetteer: Gazetteer) -> None:
    ((place, dist_km),) = gazetteer.nearest(LonLat(36.6100, 35.8140))
    assert place.place_id == "ariha"
    assert dist_km < 0.1


def test_search_browses_by_substring(gazetteer: Gazetteer) -> None:
    names = [m.place.name_en for m in gazetteer.search("zawiya")]
    assert "Jabal al-Zawiya" in names


def test_user_places_extend_the_gazetteer(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    root = Path(__file__).resolve().parents[1] / "data"
    (data / "places.csv").write_bytes((root / "places.csv").read_bytes())
    (data / "admin").symlink_to(root / "admin")
    (data / "places_extra.csv").write_text(
        "name_en,lon,lat,name_ar,alt_names\nKhirbet Testiyeh,36.55,35.75,خربة تست,Testiye\n",
        encoding="utf-8",
    )
    gazetteer = load_gazetteer(data_dir=data)
    match = gazetteer.resolve("Khirbat Testiyah")
    assert match.place.place_id == "extra_khirbet_testiyeh"
    assert match.place.admin2 == "Ariha"
    assert match.place.sources == ("user",)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Newplace,36.55,91", r"line 2, column 'lat': 91.0 is outside"),
        (",36.55,35.75", r"line 2, column 'name_en': is empty"),
        ("Newplace,abc,35.75", r"line 2, column 'lon': 'abc' is not a number"),
        ("Newplace,36.55", r"line 2: 2 fields, the header has 3"),
    ],
)
def test_user_places_errors_name_line_and_column(tmp_path: Path, row: str, message: str) -> None:
    extra = tmp_path / "places_extra.csv"
    extra.write_text(f"name_en,lon,lat\n{row}\n", encoding="utf-8")
    with pytest.raises(Exception, match=message):
        load_gazetteer(extra_path=extra)


_CACHE: list[Gazetteer] = []


def _shared_gazetteer() -> Gazetteer:
    if not _CACHE:
        _CACHE.append(load_gazetteer())
    return _CACHE[0]


def _spellings_v2() -> list[dict[str, str]]:
    path = Path(__file__).parent / "data" / "geocode_spellings_v2.csv"
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("row", _spellings_v2(), ids=lambda row: f"{row['rule']}:{row['query']}")
def test_gazetteer_v2_spellings(gazetteer: Gazetteer, row: dict[str, str]) -> None:
    if not row["place_id"]:
        with pytest.raises(AmbiguousPlaceError) as info:
            gazetteer.resolve(row["query"])
        assert len(info.value.candidates) >= 2
        return
    assert gazetteer.resolve(row["query"]).place.place_id == row["place_id"]


def test_a_generic_word_alone_never_carries_a_loose_match(gazetteer: Gazetteer) -> None:
    for query in ("Tal al-Qurzumbi", "Kafr Zanbuliqa", "Sheikh Burnuqaz", "Jabal Muzqilbat"):
        with pytest.raises(PlaceNotFoundError):
            gazetteer.resolve(query)
        assert all(
            m.match in {"exact", "alias", "normalised"} or m.score < 0.8
            for m in gazetteer.geocode(query)
        )


def test_a_city_wins_over_villages_of_its_name(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("Aleppo").place.place_id == "aleppo"
    assert gazetteer.resolve("Idlib").place.kind == "city"


def test_context_points_choose_among_same_named_villages(gazetteer: Gazetteer) -> None:
    with pytest.raises(AmbiguousPlaceError) as info:
        gazetteer.resolve("Najjarah")
    for candidate in info.value.candidates:
        near = LonLat(candidate.place.position.lon + 0.02, candidate.place.position.lat)
        chosen = gazetteer.resolve("Najjarah", context=[near])
        assert chosen.place.place_id == candidate.place.place_id


def test_map_furniture_is_not_a_place(gazetteer: Gazetteer) -> None:
    names = {place.name_en for place in gazetteer.places}
    assert not [name for name in names if "#" in name or name.endswith(".svg")]
    assert {"aleppo__as_safira", "aleppo__jebel_saman"}.isdisjoint(gazetteer.by_id)
    assert "Khafsin" in names


def test_gazetteer_v2_has_the_small_villages_and_their_arabic_names(gazetteer: Gazetteer) -> None:
    assert len(gazetteer.places) >= 3_500
    assert sum(1 for p in gazetteer.places if p.name_ar) >= 3_000
    for name in ("Millis", "Najjarah", "Maraand", "Maarrata"):
        assert gazetteer.geocode(name)[0].place.geonames_id
    primary = [p.name_en for p in gazetteer.places]
    assert not [name for name in primary if "`" in name]


def _place(place_id: str, name: str, lon: float, lat: float, *, ar: str = "") -> Place:
    return Place(place_id=place_id, name_en=name, name_ar=ar, alt_names=(), kind="village",
                 position=LonLat(lon, lat), precision_m=300, admin1="", admin2="", admin3="",
                 sources=("test",))  # fmt: skip


def test_an_article_the_place_never_carries_weakens_the_match() -> None:
    small = Gazetteer([
        _place("dumah", "Dumah", 36.50, 35.80, ar="دومة"),
        _place("al_bara", "Bara", 36.54, 35.68, ar="البارة"),
    ])  # fmt: skip
    added = small.geocode("al-Dumah")[0]
    assert added.place.place_id == "dumah"
    assert added.score < TYPO_SCORE < small.geocode("Dumah")[0].score  # ranks below a typo
    # the Arabic name has the article: "al-Bara" keeps its normalised score
    assert small.geocode("al-Bara")[0].score == pytest.approx(0.93)


def test_the_city_wins_among_namesakes_only_under_its_own_name() -> None:
    city = dataclasses.replace(_place("dumah_city", "Dumah", 36.75, 35.13), kind="city")
    small = Gazetteer([city, _place("dumah", "Dumah", 37.10, 35.95)])
    assert small.resolve("Dumah").place.place_id == "dumah_city"
    with pytest.raises(AmbiguousPlaceError):  # an article neither carries: not the city's name
        small.resolve("al-Dumah")


def test_a_bare_name_also_means_its_lower_and_upper_halves() -> None:
    small = Gazetteer([
        _place("zarqa", "Zarqa", 36.90, 35.60, ar="زرقا"),
        _place("zarqa_tahtani", "Zarqa Tahtani", 36.20, 35.74),
        _place("zarqa_fawqani", "Zarqa Fawqani", 36.21, 35.75),  # 1.4 km away: one place
    ])  # fmt: skip
    for query in ("Zarqa", "زرقا"):
        with pytest.raises(AmbiguousPlaceError) as excinfo:
            small.resolve(query)
        ids = [m.place.place_id for m in excinfo.value.candidates]
        assert ids[0] == "zarqa"
        assert len(ids) == 2
        assert ids[1] in {"zarqa_tahtani", "zarqa_fawqani"}
    assert small.resolve("Zarqa Tahtani").place.place_id == "zarqa_tahtani"


def test_index_keys_kept_in_a_cache_give_the_same_answers(tmp_path: Path) -> None:
    """The CLI keeps the names' keys in OUT/.cache; an edited places file is indexed anew."""
    data = tmp_path / "data"
    data.mkdir()
    places_csv = data / "places.csv"
    places_csv.write_bytes((DATA_DIR / "places.csv").read_bytes())
    cache = tmp_path / "out" / ".cache"
    queries = ["Saraqib", "Kansfara", "Trinbeh", "سراقب", "Ain al-Hawr", "Jisr ash-Shughur"]
    fresh = [gazetteer_answer(load_gazetteer(data_dir=data), q) for q in queries]
    first = load_gazetteer(data_dir=data, cache_dir=cache)  # indexes and keeps the keys
    assert (cache / "gazetteer-keys.bin").is_file()
    kept = load_gazetteer(data_dir=data, cache_dir=cache)  # reads them back
    assert [gazetteer_answer(first, q) for q in queries] == fresh
    assert [gazetteer_answer(kept, q) for q in queries] == fresh
    header = places_csv.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    with places_csv.open("a", encoding="utf-8", newline="") as handle:
        row = dict.fromkeys(header, "")
        row.update(place_id="test_village_zz", name_en="Qaryat Zuzuzu", kind="village",
                   lat="35.9", lon="36.5", precision_m="500", sources="test")  # fmt: skip
        csv.DictWriter(handle, fieldnames=list(row)).writerow(row)
    edited = load_gazetteer(data_dir=data, cache_dir=cache)
    assert edited.resolve("Qaryat Zuzuzu").place.place_id == "test_village_zz"


def gazetteer_answer(gazetteer: Gazetteer, query: str) -> list[tuple[str, float]]:
    return [(m.place.place_id, round(m.score, 6)) for m in gazetteer.geocode(query)[:5]]


@pytest.mark.parametrize("query", ["kafr nabal", "sarakib", "marat numan", "jisr shukur", "qqxz"])
def test_fuzzy_key_filter_keeps_every_key_that_can_reach_the_cutoff(
    gazetteer: Gazetteer, query: str
) -> None:
    """The letter-mask filter only drops keys rapidfuzz would score below 75, in order."""
    keys = gazetteer._by_length("phonetic")
    near = keys.near(query)
    reaching = [k for k in keys.keys if fuzz.ratio(query, k) >= 75]
    assert set(reaching) <= set(near)
    order = {k: i for i, k in enumerate(keys.keys)}
    assert [order[k] for k in near] == sorted(order[k] for k in near)
    assert len(near) < len(keys.keys) / 4


def test_could_name_same_is_false_only_below_the_same_name_score(gazetteer: Gazetteer) -> None:
    """The mention finder skips a frequent word's geocoding when this says False."""
    words = sorted(common_words())[::40]  # about 2,000 English and Turkish words
    words += [w.capitalize() for w in words[::3]] + [w.upper() for w in words[::7]]
    words += [w for p in gazetteer.places[::25] for w in p.name_en.split()]
    refused = 0
    for word in words:
        if gazetteer.could_name_same(word):
            continue
        refused += 1
        matches = gazetteer.geocode(word, limit=8, fuzzy=False)
        assert not matches or matches[0].score < SAME_NAME_SCORE, (word, matches[0])
    assert refused > len(words) / 2
    for place in gazetteer.places[::50]:
        assert gazetteer.could_name_same(place.name_en), place.name_en


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=30))
def test_the_fuzzy_prefilter_masks_as_arrays_equal_the_masks_key_by_key(keys: list[str]) -> None:
    import numpy as np  # noqa: PLC0415 - only this test needs it

    from geo.geocode import _letter_mask, _letter_masks  # noqa: PLC0415 - private helpers

    ordered = sorted(keys, key=len)
    lengths = np.array([len(key) for key in ordered], dtype=np.int64)
    expected = [_letter_mask(key) for key in ordered]
    assert _letter_masks(ordered, lengths).tolist() == expected
