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
    """Write ``data/places.csv``: curated, Wikipedia-module, GeoNames and WOF places, merged.

    Records that hold a source of a row of the previous ``data/places.csv`` keep its
    ``place_id``, so the ids the incident store uses stay valid.
    """
    log = gazetteer.MergeLog()
    records = gazetteer.merge_sources(
        curated=_read_csv(shared / "gazetteer" / "places_idlib_curated.csv"),
        wp=_read_csv(shared / "gazetteer" / "wp_module_places_nw.csv"),
        geonames=_read_csv(shared / "gazetteer" / "geonames_cities500_sy.csv"),
        wof=_read_csv(shared / "gazetteer" / "wof_localities_nw.csv"),
        log=log,
    )
    previous = _read_csv(DATA / "places.csv") if (DATA / "places.csv").exists() else []
    _keep_ids(records, previous)
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
    _print_log(log, rows, previous)


def _keep_ids(records: list[gazetteer.Record], previous: list[dict[str, str]]) -> None:
    """Give each record the id of the nearest previous row it shares a source with.

    Sources are ``WP:<label>`` and ``GN:<id>``; two module points may share a label (two
    Sheikh Ali), so the nearest row within 3 km of the record is taken.
    """
    by_source: dict[str, list[tuple[str, float, float]]] = {}
    for row in previous:
        for source in row["sources"].split("|"):
            if source.startswith(("WP:", "GN:")):
                by_source.setdefault(source, []).append(
                    (row["place_id"], float(row["lon"]), float(row["lat"]))
                )
    taken = {record.place_id for record in records if record.place_id}
    for record in records:
        if record.place_id:
            continue
        options = sorted(
            (gazetteer.distance_km(lon, lat, record.lon, record.lat), place_id)
            for source in record.sources
            for place_id, lon, lat in by_source.get(source, ())
            if place_id not in taken
        )
        if options and options[0][0] <= 3:  # noqa: PLR2004
            record.place_id = options[0][1]
            taken.add(record.place_id)


def _print_log(
    log: gazetteer.MergeLog, rows: list[dict[str, object]], previous: list[dict[str, str]]
) -> None:
    kept = {str(row["place_id"]) for row in rows}
    dropped = sorted(row["place_id"] for row in previous if row["place_id"] not in kept)
    print(f"  new records by source: {log.added}")
    print(f"  points merged into an existing record: {log.merged} "
          f"({log.merged_by_id} Who's On First points by GeoNames id)")  # fmt: skip
    print(f"  positions more than {gazetteer.CONFLICT_KM} km from the record kept: "
          f"{len(log.conflicts)}")  # fmt: skip
    for name, source, km in sorted(log.conflicts, key=lambda c: -c[2])[:15]:
        print(f"    {name}: {source} {km} km away")
    for line in log.skipped:
        print(f"  skipped {line}")
    print(f"  previous ids dropped: {dropped or 'none'}")
    with_ar = sum(1 for row in rows if row["name_ar"])
    print(f"  {len(rows)} places, {with_ar} with an Arabic name")


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
