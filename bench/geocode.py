"""Geocoder benchmark: index load time, lookups per second by match kind, corpus accuracy.

Two accuracy sets: the project's own corpus (``tests/data/``, written for the project) and,
when ``../shared/reports/`` exists, the real-spellings set (names as real reports write them;
see ``bench/real_spellings.py``). Without it the benchmark says it did not measure that set.

Run: ``make bench-geocode`` (or ``.venv/bin/python bench/geocode.py``). Prints a table and
writes ``bench/geocode_results.json``. Targets (issue 3): load < 0.5 s; >= 20,000 exact or
alias lookups/s and >= 2,000 fuzzy lookups/s on one core.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import real_spellings
from report import machine, report

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.gazetteer import load_gazetteer  # noqa: E402
from tests import geocode_corpus  # noqa: E402

if TYPE_CHECKING:
    from geo.geocode import Gazetteer

QUERIES = {
    "exact": ["Ariha", "Saraqib", "Kansafra", "Idlib", "Trinbeh"],
    "alias": ["Kansafrah", "Tronba", "Saraqeb", "Ain Hour", "أريحا"],
    "normalised": ["Kansfara", "Jisr ash-Shughour", "Balion", "Kfar Nabl", "Maaret al-Numan"],
    "fuzzy": ["Kansafar", "Tronbba", "Sarakibb", "Mhambell", "Qmenass"],
}


def lookups_per_second(gazetteer: Gazetteer, queries: list[str], *, seconds: float = 1.0) -> float:
    """Call geocode() on the queries in turn for about ``seconds``; return calls per second."""
    geocode = gazetteer.geocode
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for query in queries:
            geocode(query)
        count += len(queries)
    return count / (time.perf_counter() - start)


def cold_load_seconds() -> float:
    """Time a fresh interpreter importing the geocoder and loading the index (median of 3)."""
    code = (
        "import time; t=time.perf_counter(); from geo.gazetteer import load_gazetteer; "
        "load_gazetteer(); print(time.perf_counter()-t)"
    )
    runs = sorted(
        float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout)
        for _ in range(3)
    )  # fmt: skip
    return runs[1]


def main() -> None:
    """Measure and print."""
    start = time.perf_counter()
    gazetteer = load_gazetteer()
    warm_load = time.perf_counter() - start
    results: dict[str, object] = {
        "machine": machine(),
        "places": len(gazetteer.places),
        "cold_import_and_load_s": round(cold_load_seconds(), 3),
        "load_s": round(warm_load, 3),
    }
    for kind, queries in QUERIES.items():
        results[f"{kind}_per_s"] = round(lookups_per_second(gazetteer, queries))
    accuracy = geocode_corpus.measure(gazetteer)
    results["corpus_variants"] = accuracy.total
    results["top1_within_2km"] = round(accuracy.top1_rate, 4)
    results["resolved_right"] = accuracy.resolved_right
    results["resolved_wrong"] = len(accuracy.resolved_wrong)
    results["negatives"] = len(geocode_corpus.negatives())
    results["negatives_resolved"] = len(geocode_corpus.confident_negatives(gazetteer))
    real = real_spellings.load()
    if real is None:
        results["real_spellings"] = f"not measured: {real_spellings.REPORTS} is not there"
    else:
        score = real_spellings.score(gazetteer, real)
        results["real_source"] = str(real_spellings.REPORTS)
        results["real_spellings"] = score.scored
        results["real_right"] = score.right
        results["real_right_rate"] = round(score.right_rate, 4)
        results["real_right_as_ambiguous"] = score.right_ambiguous
        results["real_wrong"] = len(score.wrong)
        results["real_unresolved"] = len(score.unresolved)
        results["real_absent"] = score.absent
        results["real_absent_resolved"] = len(score.absent_resolved)
        for lang in ("en", "ar", "tr"):
            total = sum(1 for s in real if s.lang == lang and s.position is not None)
            missed = sum(1 for m in [*score.wrong, *score.unresolved] if m[0] == lang)
            results[f"real_right_{lang}"] = f"{total - missed} / {total}"
        context = real_spellings.score(gazetteer, real, with_context=True)
        results["real_with_report_context_right"] = context.right
        results["real_with_report_context_right_rate"] = round(context.right_rate, 4)
        results["real_with_report_context_wrong"] = len(context.wrong)
        results["real_wrong_list"] = score.wrong
        results["real_absent_resolved_list"] = score.absent_resolved
    report(results, "geocode")


if __name__ == "__main__":
    main()
