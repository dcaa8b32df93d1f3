"""Resource limits: a 2 GB file, a 10-million-row CSV and a 1 MB field are refused, clearly,
in bounded memory, and nothing is written (see geo/limits.py for the limits and why)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo.datasets import DATA_DIR
from geo.limits import MAX_FIELD_CHARS, MAX_STORE_BYTES

ROOT = Path(__file__).resolve().parent.parent
STORE = DATA_DIR / "incidents.csv"
#: Peak memory allowed for a refusal: the interpreter with numpy, shapely, pyproj and GDAL
#: loaded is about 110 MB; no refused file is read whole (the 10-million-row one is 410 MB).
REFUSAL_PEAK_MB = 300
# Runs a command and prints its peak resident memory (KB on Linux) after it ends.
_MEASURE = (
    "import resource, subprocess, sys, json\n"
    "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(json.dumps([p.returncode, p.stdout, p.stderr, peak]))\n"
)


def run_measured(*argv: str) -> tuple[int, str, float]:
    """Run build_map.py; return its exit status, stderr and peak memory in MB."""
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, sys.executable, "build_map.py", *argv],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    code, _stdout, stderr, peak_kb = json.loads(out.stdout)
    return code, stderr, peak_kb / 1024


@pytest.fixture(scope="module")
def two_gb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "two_gb.csv"
    with path.open("wb") as handle:
        handle.write(STORE.read_bytes())
        handle.truncate(2 << 30)  # sparse: 2 GiB long, almost nothing on disk
    return path


@pytest.fixture(scope="module")
def ten_million_rows(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rows") / "ten_million.csv"
    header = STORE.read_text(encoding="utf-8").splitlines()[0]
    with path.open("w", encoding="utf-8") as handle:
        handle.write(header + "\n")
        row = "X,2020-01-01" + "," * (header.count(",") - 1) + "\n"
        for _ in range(10):
            handle.write(row * 1_000_000)
    return path


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (("--out", "{out}", "--incidents", "{big}"), "over the limit of 1,073,741,824 for an incident store"),
        (("add", "--incidents", "{big}", "--no-build", "--date", "2020-10-01", "--place",
          "Ariha", "--type", "shelling", "--source", "X"), "over the limit of 1,073,741,824"),
        (("import-acled", "{big}", "--incidents", "{store}", "--no-build"), "over the limit of 268,435,456 for an input CSV"),
        (("add", "--from", "{big}", "--incidents", "{store}", "--no-build"), "over the limit of 268,435,456"),
        (("ingest", "{big}", "--published", "2020-10-01", "--out", "{out}"), "larger than 2,000,000 bytes"),
    ],
)  # fmt: skip
def test_a_two_gigabyte_file_is_refused_unread(
    tmp_path: Path, two_gb: Path, command: tuple[str, ...], message: str
) -> None:
    store = tmp_path / "incidents.csv"
    store.write_bytes(STORE.read_bytes())
    names = {"big": str(two_gb), "store": str(store), "out": str(tmp_path / "out")}
    code, stderr, peak_mb = run_measured(*(part.format(**names) for part in command))
    assert code == 1, stderr
    assert message in stderr
    assert str(two_gb) in stderr
    assert "Traceback" not in stderr
    assert peak_mb < REFUSAL_PEAK_MB
    assert store.read_bytes() == STORE.read_bytes()
    assert not (tmp_path / "out" / "idlib_map.html").exists()


@pytest.mark.parametrize("command", ["build", "add"])
def test_a_ten_million_row_store_is_refused_in_bounded_memory(
    tmp_path: Path, ten_million_rows: Path, command: str
) -> None:
    argv = ["--out", str(tmp_path), "--incidents", str(ten_million_rows)]
    if command == "add":
        argv = ["add", *argv, "--no-build", "--date", "2020-10-01", "--place", "Ariha",
                "--type", "shelling", "--source", "X"]  # fmt: skip
    size = ten_million_rows.stat().st_size
    code, stderr, peak_mb = run_measured(*argv)
    assert code == 1, stderr
    assert "over 4,000,000 lines; a store may hold at most 1,000,000 incidents" in stderr
    assert size < MAX_STORE_BYTES  # refused for its rows, not its size
    assert peak_mb < REFUSAL_PEAK_MB
    assert ten_million_rows.stat().st_size == size


def test_a_one_megabyte_field_is_refused_with_its_line(tmp_path: Path) -> None:
    with STORE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[3][rows[0].index("notes")] = "N" * 1_000_000
    store = tmp_path / "incidents.csv"
    with store.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    code, stderr, peak_mb = run_measured("--out", str(tmp_path / "out"), "--incidents", str(store))
    assert code == 1
    assert f"{store}, line 4: a field is longer than {MAX_FIELD_CHARS:,} characters" in stderr
    assert peak_mb < REFUSAL_PEAK_MB

    batch = tmp_path / "batch.csv"
    batch.write_text(
        "event_date,sub_event_type,location,source,notes\n"
        f"2020-10-01,shelling,Ariha,X,{'C' * 1_000_000}\n",
        encoding="utf-8",
    )
    target = tmp_path / "target.csv"
    target.write_bytes(STORE.read_bytes())
    code, stderr, _ = run_measured(
        "add", "--from", str(batch), "--incidents", str(target), "--no-build"
    )
    assert code == 1
    assert f"{batch}, line 2: a field is longer than" in stderr
    assert target.read_bytes() == STORE.read_bytes()


def test_an_add_never_writes_a_field_the_store_could_not_be_read_back_with(tmp_path: Path) -> None:
    store = tmp_path / "incidents.csv"
    store.write_bytes(STORE.read_bytes())
    notes = "A" * (MAX_FIELD_CHARS + 1)  # under the OS's 128 kB argument limit
    code, stderr, _ = run_measured(
        "add", "--incidents", str(store), "--no-build", "--date", "2020-10-01",
        "--place", "Ariha", "--type", "shelling", "--source", "X", "--notes", notes,
    )  # fmt: skip
    assert code == 1
    assert "column 'notes': is 100,001 characters long; the limit is 100,000" in stderr
    assert store.read_bytes() == STORE.read_bytes()
