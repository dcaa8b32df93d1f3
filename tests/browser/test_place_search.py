"""The page's place search matches like the geocoder: same keys, same readings, same finds.

The keys are computed in Chromium by the page's own script (js/places.js) on every name of
every gazetteer place and compared with geo/names.py; then the box is asked every corpus
spelling and must list the place the geocoder resolves.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from geo.errors import AmbiguousPlaceError, PlaceNotFoundError
from geo.gazetteer import load_gazetteer
from geo.names import exact_key, normal_key, phonetic_of_normal, query_readings, skeleton_of_normal
from tests import geocode_corpus
from tests.browser.conftest import PageAndLog, open_map

if TYPE_CHECKING:
    from geo.geocode import Gazetteer

pytestmark = pytest.mark.browser
DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


def _python_keys(name: str) -> list[str]:
    norm = normal_key(name)
    return [exact_key(name), norm, phonetic_of_normal(norm), skeleton_of_normal(norm)]


def _queries() -> list[str]:
    with (DATA / "geocode_spellings_v2.csv").open(encoding="utf-8") as handle:
        ours = [row["query"] for row in csv.DictReader(handle)]
    return [row["query"] for row in geocode_corpus.variants()] + ours


def test_page_keys_equal_python_keys_on_every_name(
    built_map: Path, page_and_log: PageAndLog, gazetteer: Gazetteer
) -> None:
    page, log = page_and_log
    open_map(page, built_map)
    names = sorted({n for p in gazetteer.places for n in (p.name_en, p.name_ar, *p.alt_names) if n})
    assert len(names) > 10_000
    page_keys = page.evaluate("names => names.map(n => IdlibMap.placeKeys(n))", names)
    differ = [
        (name, py, js)
        for name, js in zip(names, page_keys, strict=True)
        if (py := _python_keys(name)) != js
    ]
    assert differ == []
    assert log.page_errors == []


def test_page_readings_equal_python_readings(built_map: Path, page_and_log: PageAndLog) -> None:
    page, _ = page_and_log
    open_map(page, built_map)
    queries = _queries()
    page_readings = page.evaluate("qs => qs.map(q => IdlibMap.placeReadings(q))", queries)
    expected = [[[text, round(w, 6)] for text, w in query_readings(q)] for q in queries]
    got = [[[text, round(w, 6)] for text, w in readings] for readings in page_readings]
    assert [(q, e, g) for q, e, g in zip(queries, expected, got, strict=True) if e != g] == []


def test_search_box_finds_what_the_geocoder_resolves(
    built_map: Path, page_and_log: PageAndLog, gazetteer: Gazetteer
) -> None:
    page, _ = page_and_log
    open_map(page, built_map)
    queries = _queries()
    listed = page.evaluate(
        """qs => qs.map(q => IdlibMap.searchPlaces(q).slice(0, 8)
                         .map(m => IdlibMap.layers.Places.places.data.id[m.index]))""",
        queries,
    )
    missing = []
    resolved = 0
    for query, ids in zip(queries, listed, strict=True):
        try:
            wanted = [gazetteer.resolve(query).place.place_id]
        except AmbiguousPlaceError as exc:
            wanted = [m.place.place_id for m in exc.candidates[:3]]
        except PlaceNotFoundError:
            continue
        resolved += 1
        if not set(wanted) <= set(ids):
            missing.append((query, wanted, ids[:3]))
    assert resolved > 500
    assert missing == []


def test_typed_misspellings_list_candidates(built_map: Path, page_and_log: PageAndLog) -> None:
    page, _ = page_and_log
    open_map(page, built_map)
    page.fill(".idlib-search input", "Kansfara")
    assert "Kansafra" in page.inner_text(".idlib-search-results")
    page.fill(".idlib-search input", "Najjarah")  # two villages far apart: both listed
    assert page.locator(".idlib-search-item", has_text="Najjarah").count() >= 2
    page.fill(".idlib-search input", "بسراقب")
    page.click(".idlib-search-item >> nth=0")
    assert "Saraqib" in page.inner_text(".leaflet-popup-content")
