"""Derive the project's bundled data in ``data/`` from the sourced files in ``../shared/data``.

Run from the project root: ``python scripts/derive_data.py [--shared PATH]``. The outputs are
committed; the map never reads ``../shared`` at run time. ``data/incidents.csv`` is not
derived here: it is the analysts' hand-edited store (see ``data/README.md``).
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import geopandas as gpd
import shapely

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
AOI = shapely.box(35.7, 35.2, 37.6, 36.7)  # west, south, east, north

PLACE_COLUMNS = [
    "place_id", "name_en", "name_ar", "alt_names", "kind", "lon", "lat", "precision_m",
    "admin1", "admin1_pcode", "admin2", "admin2_pcode", "admin3", "admin3_pcode", "sources",
]  # fmt: skip

# Position uncertainty by kind, in metres: a village point stands for a built-up area a few
# hundred metres across; a town's for one a kilometre or more; a derived area point for a
# whole mountain district.
PRECISION_M = {"village": 300, "town": 1_000, "city": 3_000, "area": 8_000, "air base": 1_000}
KIND = {"mountain area (derived point)": "area", "mountain": "area"}
# Alternate names the curated file lists but its own notes identify as another place.
NOT_ALIASES = {"ain_al_hawr": {"Al Hawr"}}


def _admin_lookup(shared: Path) -> gpd.GeoDataFrame:
    admin3 = gpd.read_file(shared / "admin" / "syr_admin3_nw_bbox.geojson")
    return admin3[
        ["NAME_EN", "PCODE", "ADM2_EN", "ADM2_PCODE", "ADM1_EN", "ADM1_PCODE", "geometry"]
    ]


def derive_places(shared: Path) -> None:
    """Write ``data/places.csv`` from the curated seed places (with coordinates, in the AOI)."""
    admin3 = _admin_lookup(shared)
    rows = []
    with (shared / "gazetteer" / "places_idlib_curated.csv").open(encoding="utf-8") as handle:
        for src in csv.DictReader(handle):
            if not src["lat"] or not src["lon"]:
                print(f"skipped {src['place_id']}: no coordinates in the source")
                continue
            lon, lat = float(src["lon"]), float(src["lat"])
            if not AOI.contains(shapely.Point(lon, lat)):
                print(f"skipped {src['place_id']}: outside the area of interest")
                continue
            kind = KIND.get(src["place_type"], src["place_type"])
            hit = admin3[admin3.contains(shapely.Point(lon, lat))]
            admin = hit.iloc[0] if len(hit) else None
            source = src["coord_source"]
            if source == "WP":
                source = f"WP:{src['coord_source_label']}"
            rows.append(
                {
                    "place_id": src["place_id"],
                    "name_en": src["name_en"],
                    "name_ar": src["name_ar"],
                    "alt_names": "|".join(
                        name
                        for name in src["alt_names"].split("|")
                        if name not in NOT_ALIASES.get(src["place_id"], set())
                    ),
                    "kind": kind,
                    "lon": f"{lon:.5f}",
                    "lat": f"{lat:.5f}",
                    "precision_m": PRECISION_M.get(kind, 1_000),
                    "admin1": admin["ADM1_EN"] if admin is not None else "",
                    "admin1_pcode": admin["ADM1_PCODE"] if admin is not None else "",
                    "admin2": admin["ADM2_EN"] if admin is not None else "",
                    "admin2_pcode": admin["ADM2_PCODE"] if admin is not None else "",
                    "admin3": admin["NAME_EN"] if admin is not None else "",
                    "admin3_pcode": admin["PCODE"] if admin is not None else "",
                    "sources": f"curated|{source}",
                }
            )
    rows.sort(key=lambda row: row["place_id"])
    _write_csv(DATA / "places.csv", PLACE_COLUMNS, rows)


def derive_m4(shared: Path) -> None:
    """Write ``data/m4_waypoints.csv`` (lon before lat, as everywhere in ``geo``)."""
    columns = ["seq", "name", "lon", "lat", "coord_source", "evidence", "confidence"]
    with (shared / "m4" / "m4_waypoints.csv").open(encoding="utf-8") as handle:
        rows = [
            {
                "seq": src["seq"],
                "name": src["waypoint"],
                "lon": src["lon"],
                "lat": src["lat"],
                "coord_source": src["coord_source"],
                "evidence": src["on_m4_evidence"],
                "confidence": src["confidence"],
            }
            for src in csv.DictReader(handle)
        ]
    _write_csv(DATA / "m4_waypoints.csv", columns, rows)


def derive_admin(shared: Path) -> None:
    """Write OCHA governorates, districts and sub-districts that touch the AOI."""
    out = DATA / "admin"
    out.mkdir(parents=True, exist_ok=True)
    sources = {
        "governorates": "syr_admin1.geojson",
        "districts": "syr_admin2.geojson",
        "subdistricts": "syr_admin3_nw_bbox.geojson",
    }
    for name, filename in sources.items():
        gdf = gpd.read_file(shared / "admin" / filename)
        gdf = gdf[gdf.intersects(AOI)][["PCODE", "NAME_EN", "NAME_AR", "geometry"]]
        gdf = gdf.sort_values("PCODE")
        features = [
            {
                "type": "Feature",
                "properties": {"pcode": row.PCODE, "name_en": row.NAME_EN, "name_ar": row.NAME_AR},
                "geometry": json.loads(
                    shapely.to_geojson(shapely.set_precision(row.geometry, 1e-5))
                ),
            }
            for row in gdf.itertuples()
        ]
        collection = {"type": "FeatureCollection", "features": features}
        text = json.dumps(collection, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        (out / f"{name}.geojson").write_text(text + "\n", encoding="utf-8")
        print(f"wrote data/admin/{name}.geojson ({len(features)} features)")


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {path.relative_to(ROOT)} ({len(rows)} rows)")


def main() -> None:
    """Derive every bundled data file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    derive_places(args.shared)
    derive_m4(args.shared)
    derive_admin(args.shared)


if __name__ == "__main__":
    main()
