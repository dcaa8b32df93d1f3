"""Property-based fuzzing: whatever goes in, a valid result or an error naming where, never a
traceback and never a partial write.

Covered: the store loader (mutated bytes and text, odd encodings, malformed CSV), the
geocoder, ``add`` (every field, numbers out of range, NaN/inf and swapped coordinates) and
the classification of valid stores. Failures hypothesis found are kept as ``@example``s.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from geo.coords import LonLat
from geo.datasets import DATA_DIR
from geo.errors import (
    AmbiguousPlaceError,
    DataFileError,
    GeocodeInputError,
    PlaceNotFoundError,
)
from geo.gazetteer import load_gazetteer
from geo.incidents import load_store
from geo.incidents.add import NewIncident, add_rows, prepare_row
from geo.incidents.classify import classify
from geo.incidents.columns import read_columns
from geo.incidents.schema import INCIDENT_COLUMNS
from geo.incidents.store import read_store
from geo.incidents.validate import check
from geo.project import load_static

if TYPE_CHECKING:
    from pathlib import Path

    from geo.admin import AdminAreas

STORE = DATA_DIR / "incidents.csv"
STORE_BYTES = STORE.read_bytes()
STATIC = load_static()
GAZETTEER = load_gazetteer()
ADMIN: AdminAreas = STATIC.admin
PLACES = STATIC.places_by_id
TODAY = dt.date(2026, 1, 1)
FUZZ = settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,  # the same cases on every run; CI failures reproduce
)
#: A message names its input: "<file>, line N", "line N, column 'x'" or a byte offset.
POSITION = re.compile(r"line \d+|byte \d+|byte offset \d+|: file not found|bytes is over")

nasty_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
    st.sampled_from(
        ["", " ", "\x00", "\u202e", "\u200d\u200c", "\ufeff", "أريحا", "كنصفرة\u200f",
         '"', '""', '"unbalanced', "a,b", "\r\n", "\n", "=1+1", "NaN", "inf", "-0",
         "😀" * 20, "x" * 5_000, "\ud800"]
    ),
)  # fmt: skip


def _mutated_store(values: dict[tuple[int, str], str]) -> str:
    rows = list(csv.DictReader(io.StringIO(STORE_BYTES.decode("utf-8"))))
    for (index, column), value in values.items():
        rows[index % len(rows)][column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(INCIDENT_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _loads_or_names_where(path: Path) -> None:
    """Load ``path`` strictly (whole store) and as a build does (bad rows left out).

    Both refuse the same files, name where; the build maps exactly the rows that the strict
    reading accepts when it accepts them all, and names a line for every row it leaves out.
    """
    try:
        strict: int | None = len(load_store(path, today=TODAY, admin=ADMIN, places=PLACES).table)
    except DataFileError as exc:
        message = str(exc)
        assert str(path) in message or "incidents" in message, message
        assert POSITION.search(message), message
        strict = None
    try:
        columns = read_columns(read_store(path))
        checked = check(columns, today=TODAY, admin=ADMIN, places=PLACES)
    except DataFileError as exc:
        assert str(path) in str(exc), exc
        assert POSITION.search(str(exc)), exc
        assert strict is None  # a file the build refuses, the strict reading refuses too
        return
    mapped = len(columns) - int(checked.bad.sum())
    if strict is not None:
        assert (mapped, checked.errors) == (strict, [])
    else:
        assert checked.errors, "the strict reading refused a file the build found no fault in"
        for issue in checked.errors:
            assert POSITION.search(issue.describe(path)), issue


@FUZZ
@given(
    st.dictionaries(
        st.tuples(st.integers(0, 15), st.sampled_from(INCIDENT_COLUMNS)), nasty_text, max_size=4
    )
)
@example({(0, "latitude"): "nan"})
@example({(0, "longitude"): "inf"})
@example({(2, "latitude"): "36.6", (2, "longitude"): "35.8"})  # swapped
@example({(0, "event_date"): "2020-02-30"})
@example({(0, "notes"): "\ud800"})  # a lone surrogate cannot be UTF-8
@example({(0, "fatalities"): "1e400"})
@example({(0, "event_date"): "0000000000"})  # numpy read it as a date of year 0: TypeError
def test_store_loader_on_mutated_fields(tmp_path: Path, values: dict[tuple[int, str], str]) -> None:
    path = tmp_path / "incidents.csv"
    path.write_bytes(_mutated_store(values).encode("utf-8", "surrogatepass"))
    _loads_or_names_where(path)


@FUZZ
@given(st.integers(0, len(STORE_BYTES)), st.binary(max_size=12), st.integers(0, 40))
@example(100, b'"', 0)  # an unbalanced quote
@example(0, b"\xff\xfe", 0)  # a UTF-16 byte-order mark
@example(200, b",", 0)  # an extra column
@example(300, b"", 40)  # a missing column
def test_store_loader_on_mutated_bytes(tmp_path: Path, at: int, insert: bytes, cut: int) -> None:
    path = tmp_path / "incidents.csv"
    path.write_bytes(STORE_BYTES[:at] + insert + STORE_BYTES[at + cut :])
    _loads_or_names_where(path)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "cp1256", "latin-1"])
def test_store_in_another_encoding_is_named(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "incidents.csv"
    name = "أريحا" if encoding == "cp1256" else "Arîhâ"
    text = STORE_BYTES.decode("utf-8").replace("Ariha", name)
    path.write_bytes(text.encode(encoding))
    with pytest.raises(DataFileError, match=r"not UTF-8") as caught:
        load_store(path, today=TODAY, admin=ADMIN, places=PLACES)
    assert str(path) in str(caught.value)


@FUZZ
@given(st.one_of(nasty_text, st.none(), st.integers(), st.binary(max_size=8)))
@example("Kansafra" * 30)
def test_geocoder_returns_matches_or_a_clear_error(name: object) -> None:
    try:
        matches = GAZETTEER.geocode(name)  # type: ignore[arg-type]
    except GeocodeInputError as exc:
        assert "place name" in str(exc)
        return
    assert all(0 <= m.score <= 1 for m in matches)
    try:
        match = GAZETTEER.resolve(name)  # type: ignore[arg-type]
    except (PlaceNotFoundError, AmbiguousPlaceError) as exc:
        assert repr(name)[:20].strip("'\"")[:5] in str(exc) or str(exc)
        return
    assert match.score >= 0.8


coordinate = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=35.5, max_value=37.5),
    st.sampled_from([0.0, -0.0, 90.0, -180.0, 1e308, 36.6, 35.8]),
)


@FUZZ
@given(
    date=st.one_of(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 1, 1))
                   .map(dt.date.isoformat), nasty_text),
    kind=st.sampled_from(["shelling", "drone", "ied", "Air/drone strike", "nonsense", ""]),
    place=st.one_of(st.sampled_from(["Ariha", "Kanasfara", "Aleppo", ""]), nasty_text),
    position=st.one_of(st.none(), st.tuples(coordinate, coordinate)),
    text=nasty_text,
    fatalities=st.one_of(st.none(), st.integers(-5, 10**12)),
)  # fmt: skip
@example(
    date="2020-10-01", kind="shelling", place="", position=(36.6, 35.8), text="", fatalities=1
)  # swapped: lat in the lon slot
@example(date="2020-10-01", kind="shelling", place="", position=(math.nan, 35.8), text="",
         fatalities=None)  # fmt: skip
@example(
    date="2020-10-01",
    kind="shelling",
    place="Ariha",
    position=None,
    text="a\ud800b",
    fatalities=None,
)  # a lone surrogate (argv bytes that are not UTF-8) reached the writer
def test_add_writes_everything_or_nothing(
    tmp_path: Path,
    date: str,
    kind: str,
    place: str,
    position: tuple[float, float] | None,
    text: str,
    fatalities: int | None,
) -> None:
    store = tmp_path / "incidents.csv"
    store.write_bytes(STORE_BYTES)
    new = NewIncident(
        date=date, kind=kind, source=text or "Outlet", place=place,
        position=LonLat(*position) if position is not None else None, notes=text,
        actor1=text, tags=text, source_url=text, fatalities=fatalities,
    )  # fmt: skip
    try:
        row = prepare_row(new, gazetteer=GAZETTEER, admin=ADMIN)
        ids = add_rows(store, [("the new incident", row)], admin=ADMIN, places=PLACES,
                       force=True, today=TODAY)  # fmt: skip
    except UnicodeEncodeError:  # before ValueError, its base: this is a crash, not a refusal
        pytest.fail("a lone surrogate reached the writer")
    except (DataFileError, ValueError, PlaceNotFoundError, AmbiguousPlaceError) as exc:
        assert str(exc)
        assert store.read_bytes() == STORE_BYTES  # nothing written
        return
    loaded = load_store(store, today=TODAY, admin=ADMIN, places=PLACES)
    assert len(loaded.table) == 17
    assert ids[0] in loaded.table.data["event_id_cnty"]


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.floats(min_value=35.9, max_value=37.0),
            st.floats(min_value=35.3, max_value=36.4),
            st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2025, 12, 31)),
            st.sampled_from([1, 2, 3]),
            st.sampled_from([1, 2, 3]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_classification_of_any_valid_store(
    tmp_path: Path, rows: list[tuple[float, float, dt.date, int, int]]
) -> None:
    template = next(csv.DictReader(io.StringIO(STORE_BYTES.decode("utf-8"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(INCIDENT_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for n, (lon, lat, date, geo, time) in enumerate(rows, start=1):
        writer.writerow({**template, "event_id_cnty": f"SYR-IDL-{n:06d}", "place_id": "",
                         "admin1": "", "admin2": "", "admin3": "",
                         "longitude": f"{lon:.5f}", "latitude": f"{lat:.5f}",
                         "event_date": date.isoformat(), "year": str(date.year),
                         "geo_precision": str(geo), "time_precision": str(time)})  # fmt: skip
    path = tmp_path / "incidents.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    try:
        store = load_store(path, today=TODAY, admin=ADMIN, places=PLACES)
    except DataFileError as exc:  # a point outside the admin areas is refused by name
        assert "outside north-west Syria" in str(exc)
        return
    classes = classify(store.parsed, index=STATIC.corridor_index, places=STATIC.places, admin=ADMIN)
    columns = classes.columns()
    assert set(columns["corridor_side"]) <= {"north", "south", "road", "outside"}
    assert set(columns["in_corridor_certainty"]) <= {"certain", "possible", "outside"}
    assert set(columns["phase"]) <= {"before", "after", "uncertain"}
    assert all(math.isfinite(float(v)) and float(v) >= 0 for v in columns["dist_to_m4_km"])
    for side, certainty in zip(columns["corridor_side"], columns["in_corridor_certainty"],
                               strict=True):  # fmt: skip
        assert (side == "outside") == (certainty == "outside") or certainty == "possible"
