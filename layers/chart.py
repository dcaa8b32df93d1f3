"""Incidents, killed and injured per month by corridor side (``build_map.py chart``).

Three panels share the month axis: incidents, killed and injured, each stacked by corridor
side (north half, south half, on the M4, outside) in the map's colours, with the ceasefire
of 6 March 2020 marked. Figures a report does not give are counted apart, in the footnote,
never as zero. Deterministic like the figure (:mod:`layers.plotting`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from geo.incidents.schema import CEASEFIRE_START
from geo.symbology import CORRIDOR_NORTH, CORRIDOR_SOUTH, M4_LINE
from layers.plotting import save, styled

if TYPE_CHECKING:
    from pathlib import Path

    from numpy.typing import NDArray

    from geo.selection import Selection

#: Corridor sides in stacking order, with their legend label and colour.
SIDES = (
    ("north", "North half (Turkish supervision)", str(CORRIDOR_NORTH["fillColor"])),
    ("south", "South half (Russian supervision)", str(CORRIDOR_SOUTH["fillColor"])),
    ("road", "On the M4 (edge of both halves)", str(M4_LINE["color"])),
    ("outside", "Outside the corridor", "#bdbdbd"),
)
CHART_FORMATS = (".png", ".svg")


def monthly(chosen: Selection) -> tuple[NDArray[np.datetime64], dict[str, NDArray[np.float64]]]:
    """Return the months (first to last, none skipped) and per-side monthly sums.

    Keys are ``incidents:SIDE``, ``killed:SIDE`` and ``injured:SIDE``.

    Examples
    --------
    >>> from geo.selection import Selection
    >>> d = np.array(["2020-01-05", "2020-03-01"], dtype="datetime64[D]")
    >>> s = Selection(lon=np.zeros(2), lat=np.zeros(2), date=d, symbol=np.array(["air"] * 2),
    ...               geo_precision=np.ones(2, np.int8), killed=np.array([1.0, np.nan]),
    ...               injured=np.array([2.0, 3.0]), side=np.array(["north", "south"]),
    ...               start=None, end=None, types=("air",), total=2)
    >>> months, sums = monthly(s)
    >>> [str(m) for m in months], sums["incidents:north"].tolist(), sums["killed:south"].tolist()
    (['2020-01', '2020-02', '2020-03'], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0])
    """
    month_of = chosen.date.astype("datetime64[M]")
    first = month_of.min() if len(chosen) else np.datetime64(CEASEFIRE_START.date(), "M")
    last = month_of.max() if len(chosen) else first
    months = np.arange(first, last + 1)
    index = (month_of - first).astype(np.int64)
    sums: dict[str, NDArray[np.float64]] = {}
    for side, _, _ in SIDES:
        mine = chosen.side == side
        for name, weights in (("incidents", np.ones(len(chosen))),
                              ("killed", np.nan_to_num(chosen.killed)),
                              ("injured", np.nan_to_num(chosen.injured))):  # fmt: skip
            sums[f"{name}:{side}"] = np.bincount(
                index[mine], weights=weights[mine], minlength=len(months)
            ).astype(np.float64)
    return months, sums


def _panel(ax: Any, months: NDArray[np.datetime64], sums: dict[str, Any], name: str) -> None:  # noqa: ANN401
    x = np.arange(len(months))
    bottom = np.zeros(len(months))
    for side, label, colour in SIDES:
        values = sums[f"{name}:{side}"]
        ax.bar(x, values, bottom=bottom, color=colour, edgecolor="white", linewidth=0.4,
               width=0.85, label=label)  # fmt: skip
        bottom += values
    ax.set_ylabel(name.capitalize(), fontsize=9)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.yaxis.get_major_locator().set_params(integer=True)


def _ceasefire(ax: Any, months: NDArray[np.datetime64], *, label: bool) -> None:  # noqa: ANN401
    """Mark the ceasefire, placed within March 2020 by its day (6 of 31)."""
    day = CEASEFIRE_START.date()
    month = np.datetime64(day, "M")
    if not (months[0] <= month <= months[-1]):
        return
    x = float((month - months[0]).astype(int)) - 0.5 + (day.day - 1) / 31
    ax.axvline(x, color="#b2182b", linewidth=1.2, linestyle=(0, (4, 2)), zorder=5)
    if label:
        ax.annotate("Ceasefire 6 March 2020", (x, 1), xycoords=("data", "axes fraction"),
                    xytext=(4, -10), textcoords="offset points", fontsize=8,
                    color="#b2182b")  # fmt: skip


def draw_chart(chosen: Selection, *, out: Path) -> Path:
    """Draw the monthly chart of ``chosen`` to ``out`` (.png or .svg); return ``out``."""
    from layers.plotting import check_format  # noqa: PLC0415

    check_format(out, formats=CHART_FORMATS)
    months, sums = monthly(chosen)
    with styled():
        import matplotlib.pyplot as plt  # noqa: PLC0415

        fig, axes = plt.subplots(3, 1, figsize=(10, 7.5), dpi=200, sharex=True)
        for ax, name in zip(axes, ("incidents", "killed", "injured"), strict=True):
            _panel(ax, months, sums, name)
            _ceasefire(ax, months, label=name == "incidents")
        step = max(1, len(months) // 18)
        ticks = np.arange(0, len(months), step)
        axes[-1].set_xticks(ticks, [str(months[k]) for k in ticks], rotation=45, ha="right",
                            fontsize=8)  # fmt: skip
        axes[0].legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False,
                       title="Corridor side", title_fontsize=8)  # fmt: skip
        period = f"{months[0]} to {months[-1]}" if len(chosen) else "no incidents"
        fig.suptitle("Idlib: incidents, killed and injured per month by corridor side",
                     x=0.02, ha="left", fontsize=13, fontweight="bold")  # fmt: skip
        unknown_killed = int(np.isnan(chosen.killed).sum())
        unknown_injured = int(np.isnan(chosen.injured).sum())
        fig.text(0.02, 0.925, f"{period} · {len(chosen):,} of {chosen.total:,} incidents",
                 fontsize=9, color="#444444")  # fmt: skip
        fig.text(0.02, 0.012, (
            f"Killed not reported for {unknown_killed:,} and injured for {unknown_injured:,} of "
            "these incidents (not counted as zero). Sides: 6 km corridor each side of the "
            "patrolled M4 (Moscow protocol, 5 March 2020). Sources: as cited in each incident."
        ), fontsize=6.5, color="#555555")  # fmt: skip
        fig.subplots_adjust(left=0.07, right=0.72, top=0.9, bottom=0.12, hspace=0.12)
        return save(fig, out)
