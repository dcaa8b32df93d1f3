"""A static, print-quality map for reports (``build_map.py figure``), drawn with matplotlib.

The figure shows what the web map shows, with the same colours and symbol shapes
(:mod:`geo.symbology`): OCHA districts, the corridor halves, the M4 and the patrol segment,
places labelled by importance (cities, then towns, then the curated places of the reports;
a label that would overlap one already placed is left out), and the selected incidents by
type (hollow where the position is approximate). It is drawn in the corridor's transverse
Mercator (:data:`geo.crs.CORRIDOR_CRS`), so distances are true to scale and the scale bar
is metric. No browser, no network, no tiles. The output is deterministic: fixed fonts
(DejaVu Sans, shipped with matplotlib), no dates in the file metadata, a fixed SVG hash salt.
"""

from __future__ import annotations

import json
import math
import textwrap
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from geo.crs import CORRIDOR_CRS, WGS84, transformer
from geo.symbology import (
    ADMIN,
    CORRIDOR_NORTH,
    CORRIDOR_SOUTH,
    M4_LINE,
    PATROL_END,
    PATROL_SEGMENT,
    SYMBOLS,
)
from layers.plotting import DATA_ATTRIBUTION, save, styled

if TYPE_CHECKING:
    from pathlib import Path

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from geo.coords import LonLatBbox
    from geo.project import MapInputs
    from geo.selection import Selection

#: Label priority by place kind (lower first); curated report places rank after towns.
_RANK = {"city": 0, "town": 1, "area": 2}
_CURATED_RANK = 3
#: Points per side of each web symbol size (12/15/18/22 px, by killed + injured).
_MARKER_PT = (5.0, 6.5, 8.0, 10.0)
_MARGIN_M = 8_000.0


def _teardrop() -> Any:  # noqa: ANN401 - a matplotlib Path
    """Return the missile symbol: a drop, point up (the web map's rotated rounded square)."""
    from matplotlib.path import Path as MPath  # noqa: PLC0415

    arc = np.linspace(math.pi / 2, 2 * math.pi, 40)
    ring = np.column_stack([np.cos(arc), np.sin(arc)])
    corner = np.array([[1.0, 1.0]])
    vertices = np.vstack([corner, ring, corner])
    angle = math.pi / 4  # the square corner at 45° turns to the top
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    return MPath(vertices @ rotation.T * 0.8)


def marker_of(key: str) -> Any:  # noqa: ANN401 - a matplotlib marker spec
    """Return the matplotlib marker of a symbol key, shaped like the web map's."""
    return {"shelling": "o", "missile": _teardrop(), "air": "v", "ied": "D", "clash": "X",
            "other": "s"}[key]  # fmt: skip


def _project(geom: shapely.Geometry) -> shapely.Geometry:
    to_metres = transformer(WGS84, CORRIDOR_CRS)
    return shapely.transform(geom, lambda xy: np.column_stack(to_metres.transform(*xy.T)))


def _extent(inputs: MapInputs, chosen: Selection, bbox: LonLatBbox | None) -> tuple[float, ...]:
    """West, south, east, north in metres: the box asked for, else corridor and incidents."""
    if bbox is not None:
        box = shapely.box(bbox.west, bbox.south, bbox.east, bbox.north)
        return tuple(float(v) for v in _project(box).bounds)
    shapes = [_project(inputs.corridor.polygon_lonlat)]
    if len(chosen):
        shapes.append(_project(shapely.multipoints(np.column_stack([chosen.lon, chosen.lat]))))
    west, south, east, north = shapely.union_all(shapes).bounds
    return (west - _MARGIN_M, south - _MARGIN_M, east + _MARGIN_M, north + _MARGIN_M)


def _polygons(ax: Axes, geom: shapely.Geometry, **style: Any) -> None:  # noqa: ANN401
    from matplotlib.patches import PathPatch  # noqa: PLC0415
    from matplotlib.path import Path as MPath  # noqa: PLC0415

    for polygon in getattr(geom, "geoms", [geom]):
        rings = [np.asarray(polygon.exterior.coords)] + [
            np.asarray(ring.coords) for ring in polygon.interiors
        ]
        codes = np.concatenate([
            [MPath.MOVETO] + [MPath.LINETO] * (len(ring) - 2) + [MPath.CLOSEPOLY] for ring in rings
        ])  # fmt: skip
        ax.add_patch(PathPatch(MPath(np.vstack(rings)[:, :2], codes), **style))


def _lines(ax: Axes, geom: shapely.Geometry, **style: Any) -> None:  # noqa: ANN401
    for line in getattr(geom, "geoms", [geom]):
        coords = np.asarray(line.coords)
        ax.plot(coords[:, 0], coords[:, 1], **style)


def _fill(symbol: dict[str, Any]) -> tuple[float, float, float, float]:
    """Return the fill colour with its opacity (twice the web map's: paper is not a screen)."""
    from matplotlib.colors import to_rgba  # noqa: PLC0415

    red, green, blue, _ = to_rgba(str(symbol["fillColor"]))
    return (red, green, blue, min(1.0, 2 * float(symbol["fillOpacity"])))


def _dash(symbol: dict[str, object]) -> Any:  # noqa: ANN401 - a matplotlib line style
    dashes = symbol.get("dashArray")
    return (0, tuple(float(v) / 2 for v in str(dashes).split())) if dashes else "solid"


def _base(ax: Axes, inputs: MapInputs) -> None:
    """Districts, corridor halves, M4 and patrol segment, bottom to top."""
    districts = json.loads((inputs.admin_dir / "districts.geojson").read_text(encoding="utf-8"))
    for feature in districts["features"]:
        shape = _project(shapely.geometry.shape(feature["geometry"]))
        _polygons(ax, shape, facecolor=ADMIN["fillColor"], edgecolor=ADMIN["color"],
                  linewidth=0.6, zorder=1)  # fmt: skip
    corridor = inputs.corridor
    for half, symbol in ((corridor.north_lonlat, CORRIDOR_NORTH), (corridor.south_lonlat,
                                                                  CORRIDOR_SOUTH)):  # fmt: skip
        _polygons(ax, _project(half), facecolor=_fill(symbol), edgecolor=symbol["color"],
                  linewidth=1.0, zorder=2)  # fmt: skip
    _lines(ax, _project(inputs.road.line_lonlat), color=str(M4_LINE["color"]), linewidth=1.2,
           linestyle=_dash(M4_LINE), zorder=3)  # fmt: skip
    _lines(ax, _project(corridor.segment_lonlat), color=str(PATROL_SEGMENT["color"]), linewidth=2.4,
           solid_capstyle="round", zorder=4)  # fmt: skip
    for end in inputs.patrol_ends:
        x, y = transformer(WGS84, CORRIDOR_CRS).transform(end.position.lon, end.position.lat)
        ax.plot(x, y, "o", markersize=6, markerfacecolor=str(PATROL_END["fillColor"]),
                markeredgecolor=str(PATROL_END["color"]), markeredgewidth=1.2,
                zorder=6)  # fmt: skip


#: Where a label may go from its place's point, in points, tried in this order: right,
#: left, above, below, first close and then clear of a larger marker on the point.
_LABEL_SPOTS = tuple(
    (dx * gap, dy * gap, ha, va)
    for gap in (1.0, 2.4)
    for dx, dy, ha, va in ((3, 2, "left", "bottom"), (3, -2, "left", "top"),
                           (-3, 2, "right", "bottom"), (-3, -2, "right", "top"),
                           (0, 3, "center", "bottom"), (0, -3, "center", "top"))
)  # fmt: skip
#: The M4 and the patrol segment are sampled this often (metres) as obstacles to labels.
_LINE_SAMPLE_M = 150.0


def _obstacles(ax: Axes, inputs: MapInputs, chosen: Selection) -> tuple[Any, Any]:
    """Return display points labels must not cover, and each one's radius in pixels.

    The incident markers (at their drawn size), the patrol ends, and points along the M4
    and the patrol segment.
    """
    to_metres = transformer(WGS84, CORRIDOR_CRS)
    px_per_pt = ax.figure.dpi / 72
    xy = [np.column_stack(to_metres.transform(chosen.lon, chosen.lat))]
    casualties = np.nan_to_num(chosen.killed) + np.nan_to_num(chosen.injured)
    level = np.select([casualties >= 20, casualties >= 5, casualties >= 1], [3, 2, 1], 0)  # noqa: PLR2004
    radius = [np.asarray(_MARKER_PT)[level] / 2 * px_per_pt]
    ends = [to_metres.transform(end.position.lon, end.position.lat) for end in inputs.patrol_ends]
    xy.append(np.asarray(ends, dtype=float).reshape(-1, 2))
    radius.append(np.full(len(ends), 3 * px_per_pt))
    for line in (inputs.road.line_lonlat, inputs.corridor.segment_lonlat):
        projected = _project(line)
        steps = np.arange(0.0, projected.length, _LINE_SAMPLE_M)
        samples = shapely.get_coordinates(shapely.line_interpolate_point(projected, steps))
        xy.append(samples[:, :2])
        radius.append(np.full(len(samples), 1.2 * px_per_pt))
    return ax.transData.transform(np.vstack(xy)), np.concatenate(radius)


def _covers(box: Any, points: Any, radius: Any) -> int:  # noqa: ANN401 - a matplotlib Bbox
    """Return how many obstacle discs the display box ``box`` touches."""
    inside_x = (points[:, 0] + radius > box.x0) & (points[:, 0] - radius < box.x1)
    inside_y = (points[:, 1] + radius > box.y0) & (points[:, 1] - radius < box.y1)
    return int(np.count_nonzero(inside_x & inside_y))


def _places(
    ax: Axes, fig: Figure, inputs: MapInputs, chosen: Selection, extent: tuple[float, ...]
) -> None:
    """Label places by importance, each where it covers no label, marker or line if it can.

    Drawn after the legend, scale bar and north arrow, which count as placed labels (a place
    under one of them is not drawn). A label
    goes to the first of :data:`_LABEL_SPOTS` inside the map that overlaps no placed label
    and covers no obstacle (:func:`_obstacles`); a city or town label that finds no such
    spot takes the one covering fewest, any other label is left out.
    """
    to_metres = transformer(WGS84, CORRIDOR_CRS)
    ranked = []
    for place in inputs.places:
        rank = _RANK.get(place.kind, _CURATED_RANK if "curated" in place.sources else None)
        if rank is None:
            continue
        x, y = to_metres.transform(place.position.lon, place.position.lat)
        if extent[0] <= x <= extent[2] and extent[1] <= y <= extent[3]:
            ranked.append((rank, place.name_en, x, y))
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    points, radius = _obstacles(ax, inputs, chosen)
    frame = ax.get_window_extent(renderer)
    placed: list[Any] = [a.get_window_extent(renderer) for a in (*ax.texts, *ax.patches[-2:])]
    legend = ax.get_legend()
    if legend is not None:
        placed.append(legend.get_window_extent(renderer))
    fixed = list(placed)
    for rank, name, x, y in sorted(ranked):
        anchor = ax.transData.transform((x, y))
        if any(box.padded(8).contains(*anchor) for box in fixed):
            continue  # the point is under the legend or the scale bar
        style = {"fontsize": (8.5, 7.5, 7.0, 6.5)[rank], "color": "#222222", "zorder": 8,
                 "fontweight": "bold" if rank == 0 else "normal"}  # fmt: skip
        best = _best_spot(ax, name, (x, y), style, frame=frame, placed=placed,
                          obstacles=(points, radius))  # fmt: skip
        if best is None or (best[0] and rank >= _RANK["area"]):
            if best is not None:
                best[1].remove()
            continue
        placed.append(best[2])
        ax.plot(x, y, "o", markersize=2.6 if rank else 3.4, markerfacecolor="white",
                markeredgecolor="#333333", markeredgewidth=0.7, zorder=7)  # fmt: skip


def _best_spot(
    ax: Axes,
    name: str,
    xy: tuple[float, float],
    style: dict[str, Any],
    *,
    frame: Any,  # noqa: ANN401 - matplotlib Bbox
    placed: list[Any],
    obstacles: tuple[Any, Any],
) -> tuple[int, Any, Any] | None:
    """Return (obstacles covered, label, its box) at the best of :data:`_LABEL_SPOTS`.

    None when every spot leaves the map or overlaps a placed label.
    """
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    best: tuple[int, Any, Any] | None = None
    for dx, dy, ha, va in _LABEL_SPOTS:
        label = ax.annotate(name, xy, xytext=(dx, dy), textcoords="offset points", ha=ha,
                            va=va, **style)  # fmt: skip
        box = label.get_window_extent(renderer).expanded(1.05, 1.15)
        clear = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
        if not clear or any(box.overlaps(other) for other in placed):
            label.remove()
            continue
        hits = _covers(box, *obstacles)
        if best is not None and hits >= best[0]:
            label.remove()
            continue
        if best is not None:
            best[1].remove()
        best = (hits, label, box)
        if hits == 0:
            break
    return best


def _incidents(ax: Axes, chosen: Selection) -> None:
    x, y = transformer(WGS84, CORRIDOR_CRS).transform(chosen.lon, chosen.lat)
    casualties = np.nan_to_num(chosen.killed) + np.nan_to_num(chosen.injured)
    size = np.select([casualties >= 20, casualties >= 5, casualties >= 1], [3, 2, 1], 0)  # noqa: PLR2004
    for key, (_, colour, _) in SYMBOLS.items():
        for hollow in (False, True):
            for level, points in enumerate(_MARKER_PT):
                mask = (chosen.symbol == key) & ((chosen.geo_precision > 1) == hollow)
                mask &= size == level
                if mask.any():
                    ax.plot(np.asarray(x)[mask], np.asarray(y)[mask], linestyle="none",
                            marker=marker_of(key), markersize=points,
                            markerfacecolor="white" if hollow else colour,
                            markeredgecolor=colour if hollow else "white",
                            markeredgewidth=1.3 if hollow else 0.6, zorder=9)  # fmt: skip


def _legend(ax: Axes, chosen: Selection) -> None:
    from matplotlib.lines import Line2D  # noqa: PLC0415
    from matplotlib.patches import Patch  # noqa: PLC0415

    handles: list[Any] = [
        Patch(facecolor=str(CORRIDOR_NORTH["fillColor"]), edgecolor=str(CORRIDOR_NORTH["color"]),
              label="Corridor north half: Turkish supervision"),
        Patch(facecolor=str(CORRIDOR_SOUTH["fillColor"]), edgecolor=str(CORRIDOR_SOUTH["color"]),
              label="Corridor south half: Russian supervision"),
        Line2D([], [], color=str(M4_LINE["color"]), linestyle=_dash(M4_LINE),
               label="M4 highway (approximate line)"),
        Line2D([], [], color=str(PATROL_SEGMENT["color"]), linewidth=2.4,
               label="Joint patrol segment"),
        Line2D([], [], linestyle="none", marker="o", markerfacecolor=str(PATROL_END["fillColor"]),
               markeredgecolor=str(PATROL_END["color"]), label="Patrol end"),
    ]  # fmt: skip
    present = set(chosen.symbol.tolist())
    for key, (label, colour, _) in SYMBOLS.items():
        if key in present:
            count = int((chosen.symbol == key).sum())
            handles.append(Line2D([], [], linestyle="none", marker=marker_of(key), markersize=7,
                                  markerfacecolor=colour, markeredgecolor="white",
                                  label=f"{label} ({count:,})"))  # fmt: skip
    handles.append(Line2D([], [], linestyle="none", marker="o", markersize=7,
                          markerfacecolor="white", markeredgecolor="#555555", markeredgewidth=1.3,
                          label="Hollow: position approximate (± 5 or 25 km)"))  # fmt: skip
    legend = ax.legend(handles=handles, loc="lower right", fontsize=7, title="Legend",
                       title_fontsize=8, framealpha=1, borderpad=0.8)  # fmt: skip
    legend.set_zorder(20)


def _scale_bar(ax: Axes, extent: tuple[float, ...]) -> None:
    """Draw a metric scale bar in the lower left: 2 × a round length, about a fifth wide."""
    west, south, east, north = extent
    target_km = (east - west) / 5 / 1000 / 2
    step_km = min((1, 2, 5, 10, 20, 50, 100), key=lambda km: abs(km - target_km))
    x0, y0 = west + (east - west) * 0.04, south + (north - south) * 0.05
    height = (north - south) * 0.008
    for k, colour in enumerate(("#222222", "white")):
        ax.add_patch(_rect(x0 + k * step_km * 1000, y0, step_km * 1000, height, colour))
    for k in range(3):
        ax.text(x0 + k * step_km * 1000, y0 + height * 1.8, f"{k * step_km:g}", ha="center",
                fontsize=7, zorder=21)  # fmt: skip
    ax.text(x0 + 2 * step_km * 1000 + (east - west) * 0.012, y0, "km", fontsize=7, va="bottom",
            zorder=21)  # fmt: skip


def _rect(x: float, y: float, width: float, height: float, colour: str) -> Any:  # noqa: ANN401
    from matplotlib.patches import Rectangle  # noqa: PLC0415

    return Rectangle((x, y), width, height, facecolor=colour, edgecolor="#222222",
                     linewidth=0.7, zorder=21)  # fmt: skip


def _north_arrow(ax: Axes) -> None:
    ax.annotate("N", xy=(0.965, 0.955), xytext=(0.965, 0.875), xycoords="axes fraction",
                ha="center", va="center", fontsize=10, fontweight="bold", zorder=21,
                arrowprops={"arrowstyle": "-|>", "color": "#222222", "linewidth": 1.5})  # fmt: skip


def _period(chosen: Selection) -> str:
    if chosen.start or chosen.end:
        return f"{chosen.start or 'first'} to {chosen.end or 'last'}"
    if len(chosen):
        return f"{chosen.date.min()} to {chosen.date.max()}"
    return "no incidents"


def draw_figure(
    inputs: MapInputs, chosen: Selection, *, out: Path, bbox: LonLatBbox | None = None
) -> Path:
    """Draw the map of ``chosen`` incidents to ``out`` (.png, .svg or .pdf); return ``out``."""
    with styled():
        import matplotlib.pyplot as plt  # noqa: PLC0415

        extent = _extent(inputs, chosen, bbox)
        # The page fits the area: the map is 9.6 in wide, titles above and notes below.
        map_w_in = 9.6
        map_h_in = min(11.0, map_w_in * (extent[3] - extent[1]) / (extent[2] - extent[0]))
        top_in, bottom_in = 0.75, 0.45
        height_in = map_h_in + top_in + bottom_in
        fig, ax = plt.subplots(figsize=(10, height_in), dpi=200)
        ax.set_xlim(extent[0], extent[2])
        ax.set_ylim(extent[1], extent[3])
        ax.set_aspect("equal")
        ax.set_facecolor("#eef0f2")
        ax.set_xticks([])
        ax.set_yticks([])
        _base(ax, inputs)
        _incidents(ax, chosen)
        _legend(ax, chosen)
        _scale_bar(ax, extent)  # its two bars are the last patches: _places reads them
        _north_arrow(ax)
        _places(ax, fig, inputs, chosen, extent)
        as_of = chosen.as_of.isoformat() if chosen.as_of else "no incidents"
        fig.suptitle("Idlib de-escalation zone: M4 security corridor and incidents",
                     x=0.02, y=1 - 0.12 / height_in, ha="left", va="top", fontsize=13,
                     fontweight="bold")  # fmt: skip
        ax.set_title(f"{_period(chosen)} · {len(chosen):,} of {chosen.total:,} incidents · "
                     f"as of {as_of}", loc="left", fontsize=9, color="#444444")  # fmt: skip
        notes = (
            "Corridor: 6 km each side of the patrolled M4 (Moscow protocol, 5 March "
            "2020). Incident points are village points. " + "; ".join(DATA_ATTRIBUTION)
        )
        fig.text(0.02, 0.06 / height_in, "\n".join(textwrap.wrap(notes, 190)), fontsize=6,
                 color="#555555")  # fmt: skip
        fig.subplots_adjust(left=0.02, right=0.98, top=1 - top_in / height_in,
                            bottom=bottom_in / height_in)  # fmt: skip
        return save(fig, out)
