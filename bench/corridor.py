"""Corridor benchmark: construction time and classifying 1,000,000 points (side + distance).

Run: ``make bench-corridor``. Targets (issue 4): construction < 0.2 s; side + distance for
1,000,000 points < 1.5 s on one core. A baseline measured in the same run, a plain shapely
loop over Point objects for 10,000 points, gives the speed-up of the vectorised path.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import shapely
from report import machine, report

from geo.band import north_south_band
from geo.corridor import build_corridor, to_corridor_crs
from geo.corridor_query import CorridorIndex
from geo.project import load_inputs

ROOT = Path(__file__).resolve().parents[1]
POINTS = 1_000_000
BASELINE_POINTS = 10_000


def best_of(repeats: int, func: object) -> float:
    """Return the fastest of ``repeats`` timings of ``func()``, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Measure and print."""
    inputs = load_inputs()
    segment = inputs.corridor.segment_lonlat
    corridor = build_corridor(segment)
    index = CorridorIndex(corridor, inputs.road.line_lonlat)
    rng = np.random.default_rng(7)
    lon = rng.uniform(36.0, 36.9, POINTS)
    lat = rng.uniform(35.6, 36.0, POINTS)

    def baseline() -> None:
        road = to_corridor_crs(inputs.road.line_lonlat)
        north, south = corridor.north_proj, corridor.south_proj
        x, y = index.project(lon[:BASELINE_POINTS], lat[:BASELINE_POINTS])
        for px, py in zip(x, y, strict=True):
            point = shapely.Point(px, py)
            _ = (
                "north"
                if north.intersects(point)
                else "south"
                if south.intersects(point)
                else "outside"
            )
            _ = road.distance(point)

    vectorised_s = best_of(3, lambda: index.side_and_distance(lon, lat))
    baseline_s = best_of(1, baseline) * POINTS / BASELINE_POINTS
    results = {
        "machine": machine(),
        "corridor_build_s": round(best_of(5, lambda: build_corridor(segment)), 4),
        "band_build_s": round(best_of(3, lambda: north_south_band(segment)), 4),
        "classify_1M_side_and_distance_s": round(vectorised_s, 3),
        "baseline_loop_1M_s_extrapolated": round(baseline_s, 1),
        "speedup_vs_loop": round(baseline_s / vectorised_s, 1),
    }
    report(results, "corridor")


if __name__ == "__main__":
    main()
