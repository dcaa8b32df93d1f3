"""Text from the store and from reports reaches the terminal escaped, never as control codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from geo.datasets import DATA_DIR
from geo.terminal import escape_controls

ROOT = Path(__file__).resolve().parent.parent


def test_controls_and_bidi_overrides_are_escaped() -> None:
    assert escape_controls("a\x1b[2Jb\u202ec\x00d\x9be\tf\ng") == (
        "a\\u001b[2Jb\\u202ec\\u0000d\\u009be\tf\ng"
    )
    assert escape_controls("50%\r", keep_cr=True) == "50%\r"
    assert escape_controls("أريحا 😀") == "أريحا 😀"


def test_add_and_ingest_print_hostile_text_escaped(tmp_path: Path) -> None:
    store = tmp_path / "incidents.csv"
    store.write_bytes((DATA_DIR / "incidents.csv").read_bytes())
    batch = tmp_path / "batch.csv"
    batch.write_text(
        "event_date,sub_event_type,location,latitude,longitude,source\n"
        "2021-01-05,Air/drone strike,Ari\x1b[2J\x1b[31mha\u202e,35.81374,36.60964,X\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "build_map.py", "add", "--from", str(batch), "--incidents", str(store),
         "--no-build"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert "\u202e" not in result.stdout
    assert "Ari\\u001b[2J\\u001b[31mha\\u202e" in result.stdout
    report = subprocess.run(
        [sys.executable, "build_map.py", "ingest", "--published", "2021-01-05", "--out",
         str(tmp_path), "--source", "Outlet\x1b]0;pwned\x07"],
        input="Jets struck the village of Qw\x1b[31mrty today.", cwd=ROOT,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert report.returncode == 0, report.stderr
    assert "\x1b" not in report.stdout
    assert "\x07" not in report.stdout
