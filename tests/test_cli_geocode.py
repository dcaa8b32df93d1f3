"""`build_map.py geocode` and `places` as a user runs them."""

import json
from pathlib import Path

import pytest

import build_map


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = build_map.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_geocode_prints_the_match(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["geocode", "Kansfara"], capsys)
    assert status == 0
    assert "Kansafra (كنصفرة)" in out
    assert "lat 35.65800, lon 36.48400" in out
    assert "Ehsem, Ariha, Idleb" in out
    assert "score" in out


def test_geocode_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["geocode", "جسر الشغور", "--json"], capsys)
    data = json.loads(out)
    assert status == 0
    assert (data["place_id"], data["match"]) == ("jisr_al_shughur", "alias")
    assert {"lat", "lon", "score", "admin2", "name_ar"} <= data.keys()


def test_geocode_unresolved_exits_non_zero_with_suggestions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = run(["geocode", "Kansafrolly town"], capsys)
    assert status == 1
    assert "did you mean" in err


def test_geocode_ambiguous_then_near(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(["geocode", "Sheikh Ali"], capsys)
    assert status == 1
    assert "ambiguous" in err
    status, out, _ = run(["geocode", "Sheikh Ali", "--near", "35.79,36.51"], capsys)
    assert status == 0
    assert "Mhambal, Ariha" in out


def test_geocode_near_swapped_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_map.main(["geocode", "Ariha", "--near", "37.1,35.9"])
    assert "outside north-west Syria" in capsys.readouterr().err


def test_geocode_all_ranks_candidates(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["geocode", "Sheikh Ali", "--all", "--json"], capsys)
    data = json.loads(out)
    assert status == 0
    assert len(data) >= 2
    assert data[0]["score"] >= data[-1]["score"]


def test_geocode_file_batch_keeps_order_and_exits_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = tmp_path / "names.txt"
    names.write_text("Tronba\nXyzzyville\nSheikh Ali\nأريحا\n", encoding="utf-8")
    status, out, _ = run(["geocode", "--file", str(names), "--json"], capsys)
    data = json.loads(out)
    assert status == 0
    assert [item["query"] for item in data] == ["Tronba", "Xyzzyville", "Sheikh Ali", "أريحا"]
    assert [item["resolved"] for item in data] == [True, False, False, True]
    assert data[0]["name"] == "Trinbeh"
    assert len(data[2]["candidates"]) >= 2
    assert {"query", "resolved", "score", "match", "lat", "lon", "candidates"} <= data[0].keys()


def test_geocode_needs_name_or_file(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(["geocode"], capsys)
    assert status == 2
    assert "NAME or --file" in err


def test_places_search(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["places", "--search", "zawiya"], capsys)
    assert status == 0
    assert "Jabal al-Zawiya" in out
