from pathlib import Path

import pytest

from geo.csvfile import read_rows
from geo.errors import DataFileError


def write(tmp_path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    path = tmp_path / "rows.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_line_numbers_skip_blank_lines_and_accept_bom_and_crlf(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeffa,b\r\n1,2\r\n\r\n3,4\r\n")
    rows = read_rows(path, required_columns=["a", "b"])
    assert [(row.line, row.values["a"]) for row in rows] == [(2, "1"), (4, "3")]


def test_missing_column_names_file_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "a\n1\n")
    with pytest.raises(DataFileError, match=r"rows\.csv, line 1: missing column\(s\) b"):
        read_rows(path, required_columns=["a", "b"])


def test_field_errors_name_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "lat\n91\nabc\n")
    first, second = read_rows(path, required_columns=["lat"])
    with pytest.raises(DataFileError, match=r"line 2, column 'lat': 91.0 is outside"):
        first.number("lat", low=-90, high=90)
    with pytest.raises(DataFileError, match=r"line 3, column 'lat': 'abc' is not a number"):
        second.number("lat", low=-90, high=90)


def test_nan_is_refused(tmp_path: Path) -> None:
    (row,) = read_rows(write(tmp_path, "lat\nnan\n"), required_columns=["lat"])
    with pytest.raises(DataFileError, match="outside"):
        row.number("lat", low=-90, high=90)


def test_non_utf8_file_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "name\nأريحا\n", encoding="cp1256")
    with pytest.raises(DataFileError, match="not UTF-8"):
        read_rows(path, required_columns=["name"])


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="file not found"):
        read_rows(tmp_path / "nope.csv", required_columns=[])


def test_wrong_field_count_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'a,b\n1,2\n"multi\nline",2\n3,4,5\n')
    with pytest.raises(DataFileError, match=r"line 5: 3 fields, the header has 2"):
        read_rows(path, required_columns=["a", "b"])
