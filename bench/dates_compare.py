"""Hand date rules against dateparser on the real reports' date expressions, by kind.

Reads ``../shared/reports/real/`` (development machines only; says so when absent). For
every annotated incident of a report whose publication date is known, the annotated date
phrase is resolved by :func:`geo.ingest.dates.read_date` and by ``dateparser.parse``
(relative to the publication date, past preferred, day first, the report's language);
for every dated report, so is the dateline :func:`geo.ingest.dates.find_dateline` finds.
Run: ``.venv/bin/python bench/dates_compare.py`` (needs ``pip install dateparser``).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from real_reports import available, load  # noqa: E402

from geo.ingest.dates import find_dateline, read_date  # noqa: E402

_KINDS = (
    ("full date (with year)", re.compile(r"(?:19|20)\d\d|[٠-٩]{4}")),
    ("weekday", re.compile(r"day\b|الاثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|الأحد|"
                           r"pazartesi|salı|çarşamba|perşembe|cuma|pazar", re.IGNORECASE)),
    ("day and month", re.compile(r"\d")),
    ("today / yesterday / night", re.compile(r".")),
)  # fmt: skip


def kind_of(phrase: str) -> str:
    """Return the kind of a date phrase, for the table."""
    return next(name for name, pattern in _KINDS if pattern.search(phrase))


def main() -> None:
    """Compare and print."""
    if not available():
        print("../shared/reports is absent: nothing to compare here")
        return
    import dateparser  # noqa: PLC0415 - a development-only comparison

    reports, _, _ = load("real")
    rows: dict[str, list[int]] = {}
    seconds = {"hand": 0.0, "dateparser": 0.0}
    for report in reports:
        if not report["published"]:
            continue
        published = dt.date.fromisoformat(report["published"])
        cases = [(i["date_phrase"], i["date"]) for i in report["incidents"]
                 if i["date_phrase"] and i["date"]]  # fmt: skip
        line = find_dateline(report["text"])
        if line is not None:
            cases.append((line.text, report["published"]))
        for phrase, want in cases:
            kind = kind_of(phrase)
            start = time.perf_counter()
            hand = read_date(phrase, published=published)
            seconds["hand"] += time.perf_counter() - start
            start = time.perf_counter()
            lib = dateparser.parse(
                phrase, languages=[report["lang"]],
                settings={"RELATIVE_BASE": dt.datetime.combine(published, dt.time()),
                          "PREFER_DATES_FROM": "past", "DATE_ORDER": "DMY"},
            )  # fmt: skip
            seconds["dateparser"] += time.perf_counter() - start
            row = rows.setdefault(kind, [0, 0, 0])
            row[0] += 1
            row[1] += hand is not None and hand.date is not None and hand.date.isoformat() == want
            row[2] += lib is not None and lib.date().isoformat() == want
    print(f"{'kind':<28}{'phrases':>8}{'hand rules':>12}{'dateparser':>12}")
    for kind, (n, hand_right, lib_right) in sorted(rows.items()):
        print(f"{kind:<28}{n:>8}{hand_right:>12}{lib_right:>12}")
    total = [sum(r[i] for r in rows.values()) for i in range(3)]
    print(f"{'all':<28}{total[0]:>8}{total[1]:>12}{total[2]:>12}")
    print(
        f"time: hand {seconds['hand'] * 1000:.1f} ms, dateparser {seconds['dateparser'] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
