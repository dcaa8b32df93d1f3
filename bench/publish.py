"""What publishing costs at 100,000 incidents: the page policy, KML, QGIS styles, figure, chart.

Run: ``make bench-publish``. On a synthetic store (``bench/synthetic.py``, 100,000 incidents
unless ``--size`` says otherwise) it measures, in one run:

- filling the page template with the incident data (``fill_page``, what every build does),
  median of 5, and the Content-Security-Policy (hashing every script and style of the
  template, ``policy_for``), which a build pays only when it renders the template: the
  data is a JSON block the policy does not hash;
- writing ``idlib.kml`` and its size;
- adding the QGIS styles to a GeoPackage;
- drawing the figure (PNG) and the chart (PNG), each as the library call the command makes.

No file of ``../shared`` is read: these measures need only the synthetic store.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from report import machine, report
from synthetic import write_synthetic_store

from geo.export import corridor_layers
from geo.gpkg_styles import add_layer_styles
from geo.incidents.rows import rows_from_store
from geo.kml import write_kml
from geo.project import load_inputs
from geo.selection import select
from layers.chart import draw_chart
from layers.compose import render_template
from layers.csp import policy_for
from layers.figure import draw_figure
from layers.page import fill_page

if TYPE_CHECKING:
    from collections.abc import Callable

RUNS = 5


def _median_s(step: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    """Measure and print; save ``bench/publish_results.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    size = parser.parse_args().size
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        store = out / "incidents.csv"
        write_synthetic_store(store, size)
        inputs = load_inputs(store=store)
        rows = rows_from_store(inputs.store, inputs.classification)
        template = render_template(inputs.static, offline=True)
        fill_s = _median_s(lambda: fill_page(template, rows))
        page = fill_page(template, rows)
        policy_s = _median_s(lambda: policy_for(template))
        kml_s = _median_s(lambda: write_kml(out, corridor_layers(inputs.static), rows), runs=1)
        kml_bytes = (out / "idlib.kml").stat().st_size
        gpkg = Path(__file__).resolve().parents[1] / "output" / "idlib.gpkg"
        styles_ms = None
        if gpkg.is_file():
            copy = out / "copy.gpkg"
            copy.write_bytes(gpkg.read_bytes())
            styles_ms = round(_median_s(lambda: add_layer_styles(copy)) * 1000, 1)
        chosen = select(inputs)
        figure_s = _median_s(lambda: draw_figure(inputs, chosen, out=out / "f.png"), runs=1)
        chart_s = _median_s(lambda: draw_chart(chosen, out=out / "c.png"), runs=1)
    report(
        {
            "machine": machine(),
            "incidents": size,
            "page_mb": round(len(page) / 1e6, 2),
            "fill_page_s": round(fill_s, 3),
            "csp_on_template_ms": round(policy_s * 1000, 1),
            "kml_write_s": round(kml_s, 2),
            "kml_mb": round(kml_bytes / 1e6, 1),
            "qgis_styles_ms": styles_ms if styles_ms is not None else "output/idlib.gpkg missing",
            "figure_png_s": round(figure_s, 2),
            "chart_png_s": round(chart_s, 2),
        },
        "publish",
    )


if __name__ == "__main__":
    main()
