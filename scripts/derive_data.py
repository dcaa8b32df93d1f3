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

import gazetteer
import geopandas as gpd
import shapely

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
AOI = shapely.box(35.7, 35.2, 37.6, 36.7)  # west, south, east, north

PLACE_COLUMNS = list(gazetteer.PLACE_COLUMNS)


def _admin_lookup(shared: Path) -> gpd.GeoDataFrame:
    admin3 = gpd.read_file(shared / "admin" / "syr_admin3_nw_bbox.geojson")
    return admin3[
        ["NAME_EN", "PCODE", "ADM2_EN", "ADM2_PCODE", "ADM1_EN", "ADM1_PCODE", "geometry"]
    ]


def derive_places(shared: Path) -> None:
    """Write ``data/places.csv``: curated, Wikipedia-module and GeoNames places, merged."""
    records = gazetteer.merge_sources(
        curated=_read_csv(shared / "gazetteer" / "places_idlib_curated.csv"),
        wp=_read_csv(shared / "gazetteer" / "wp_module_places_nw.csv"),
        geonames=_read_csv(shared / "gazetteer" / "geonames_cities500_sy.csv"),
    )
    admin3 = _admin_lookup(shared)
    points = gpd.GeoDataFrame(
        {"i": range(len(records))},
        geometry=gpd.points_from_xy([r.lon for r in records], [r.lat for r in records]),
        crs=admin3.crs,
    )
    joined = gpd.sjoin(points, admin3, how="left", predicate="within").drop_duplicates("i")
    rows = []
    for record, (_, admin) in zip(records, joined.sort_values("i").iterrows(), strict=True):
        row = record.as_row()
        if isinstance(admin["PCODE"], str):
            row.update(
                admin1=admin["ADM1_EN"], admin1_pcode=admin["ADM1_PCODE"],
                admin2=admin["ADM2_EN"], admin2_pcode=admin["ADM2_PCODE"],
                admin3=admin["NAME_EN"], admin3_pcode=admin["PCODE"],
            )  # fmt: skip
        rows.append(row)
    gazetteer.assign_ids(rows)
    rows.sort(key=lambda row: str(row["place_id"]))
    _write_csv(DATA / "places.csv", PLACE_COLUMNS, rows)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


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


def derive_posts(shared: Path) -> None:
    """Write ``data/observation_posts.csv``: Turkish posts, with status taken from the notes."""
    columns = ["post_id", "name", "group", "established", "status", "lon", "lat", "position_basis",
               "coord_source", "notes"]  # fmt: skip
    rows = []
    with (shared / "military" / "turkish_posts_idlib.csv").open(encoding="utf-8") as handle:
        for src in csv.DictReader(handle):
            withdrawn = "withdrawn" in src["notes"].casefold()
            rows.append(
                {
                    "post_id": src["post_id"],
                    "name": src["name_listed"],
                    "group": src["group"],
                    "established": src["established"],
                    "status": src["notes"] if withdrawn else "",
                    "lon": src["lon"],
                    "lat": src["lat"],
                    "position_basis": src["coord_basis"] or "not located",
                    "coord_source": src["coord_source"],
                    "notes": "" if withdrawn else src["notes"],
                }
            )
    _write_csv(DATA / "observation_posts.csv", columns, rows)


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
    derive_posts(args.shared)
    derive_admin(args.shared)


if __name__ == "__main__":
    main()
