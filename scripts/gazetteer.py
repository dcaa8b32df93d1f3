"""Merge the three place sources into one de-duplicated gazetteer (build time only).

Sources, in order of trust: the curated seed places, the Wikipedia map module's points, the
GeoNames extract. A point from a later source joins an existing record when one of its names
has the same consonant skeleton as one of the record's names and it lies within
``MERGE_RADIUS_KM``; otherwise it becomes a new record. Same-named places farther apart stay
separate (the region has several Sheikh Ali, Kafriya and Ziyarah).
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass, field

from geo.coords import LonLat
from geo.geocode import distance_km as geocode_distance_km
from geo.names import exact_key, is_arabic, skeleton_key
from geo.places import PLACE_COLUMNS

__all__ = ["PLACE_COLUMNS", "Record", "assign_ids", "merge_sources"]

AOI = (35.7, 35.2, 37.6, 36.7)  # west, south, east, north
MERGE_RADIUS_KM = 2.5

# Position uncertainty by kind, in metres: a village point stands for a built-up area a few
# hundred metres across, a town's for a kilometre or more; area radii are set per area.
PRECISION_M = {
    "village": 300, "town": 1_000, "city": 3_000, "hill": 500, "base": 500, "airbase": 1_000,
    "industrial site": 500, "crossing": 300, "checkpoint": 300,
}  # fmt: skip
CURATED_KIND = {"mountain area (derived point)": "area", "mountain": "area", "air base": "airbase"}
# Alternate names the curated file lists but its own notes identify as another place.
NOT_ALIASES = {"ain_al_hawr": {"Al Hawr"}}
# Labels of the Wikipedia module that are map furniture, not places.
WP_SKIP = re.compile(r"^(Farmlands of|Free Zone$)", re.IGNORECASE)


@dataclass(frozen=True)
class Area:
    """A named area reports use as a place: a centre and radius derived from member points."""

    name: str
    aliases: tuple[str, ...]
    name_ar: str
    members: tuple[str, ...]  # Wikipedia-module labels or curated place ids
    basis: str


AREAS = (
    Area("Jabal al-Arbaeen",
         ("Jabal al-Arbain", "Jebel Arbaeen", "Mount Arbaeen", "Jabal al-Arba'in"),
         "جبل الأربعين", ("ariha", "sarja"),
         "no source gives the hill's position: it rises south of Ariha and reports place Sarja "
         "on it, so the centre is the mean of the Ariha and Sarja points (compiler estimate)"),
    Area("Sahl al-Ghab", ("Ghab Plain", "al-Ghab", "Ghab", "Sahl al Ghab"), "سهل الغاب",
         ("Qarqur", "Sirmaniyah", "Al-Ziyarah", "Khirbat al-Naqus", "Mansura", "Tal Wassit",
          "Ankawi", "Qastun", "Tamana al-Ghab", "Furaykah", "Zeyzoun", "Mashik"),
         "mean of 12 Ghab plain village points of the Wikipedia module"),
    Area("Jabal al-Akrad", ("Jebel Akrad", "Kurd Mountain", "Jabal Akrad"), "جبل الأكراد",
         ("Kabani", "Duweir al Akrad", "Salma", "Kinsabba", "Duwayrikah"),
         "mean of 5 Jabal al-Akrad village points of the Wikipedia module"),
    Area("Jabal al-Turkman", ("Jebel Turkman", "Turkmen Mountain", "Bayırbucak", "Jabal Turkman"),
         "جبل التركمان", ("Rabia", "Ghamam", "Jabal Zahiya"),
         "mean of 3 Jabal al-Turkman points of the Wikipedia module"),
    Area("Jabal Shahshabu", ("Jebel Shahshabo", "Jabal Shashabo", "Shahshabu"), "جبل شحشبو",
         ("Qalat al‑Madiq", "Kafr Nabudah", "al-Huwash", "Hish"),
         "compiler estimate: the hills between Qalat al-Madiq, Kafr Nabudah, al-Huwash and "
         "Hish; no source gives a point for the range (low confidence)"),
)  # fmt: skip


@dataclass
class Record:
    """One place being assembled from several sources."""

    name_en: str
    lon: float
    lat: float
    kind: str
    precision_m: int
    names: list[str] = field(default_factory=list)
    names_ar: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    place_id: str = ""
    # Parenthesised parts of labels: an alternate name ("Bayt `Arab (Arapli)") or the place
    # it belongs to ("National Hospital (Jisr al-Shughour)"); see _resolve_inner_names.
    inner_names: list[str] = field(default_factory=list)

    def skeletons(self) -> set[str]:
        """Return the consonant skeletons of the record's Latin names."""
        return {skeleton_key(name) for name in [self.name_en, *self.names] if not is_arabic(name)}

    def add_names(self, names: list[str]) -> None:
        """Add names not yet known (by exact key); remember parenthesised parts for later."""
        known = {exact_key(name) for name in [self.name_en, *self.names, *self.names_ar]}
        for name in names:
            outer, inner = _name_parts(name)
            if inner:
                self.inner_names.append(inner)
            self._add_one(name, known)
            if outer != name:
                self._add_one(outer, known)

    def _add_one(self, name: str, known: set[str]) -> None:
        key = exact_key(name)
        if key and key not in known:
            known.add(key)
            (self.names_ar if is_arabic(name) else self.names).append(name)

    def as_row(self) -> dict[str, object]:
        """Return the record as a ``places.csv`` row (admin columns still empty)."""
        return {
            "place_id": self.place_id,
            "name_en": self.name_en,
            "name_ar": self.names_ar[0] if self.names_ar else "",
            "alt_names": "|".join(self.names + self.names_ar[1:]),
            "kind": self.kind,
            "lon": f"{self.lon:.5f}",
            "lat": f"{self.lat:.5f}",
            "precision_m": self.precision_m,
            "admin1": "", "admin1_pcode": "", "admin2": "", "admin2_pcode": "",
            "admin3": "", "admin3_pcode": "",
            "sources": "|".join(self.sources),
        }  # fmt: skip


def _name_parts(name: str) -> tuple[str, str]:
    """Split an "Outer (Inner)" label; return (outer, inner), inner empty when none."""
    match = re.fullmatch(r"\s*(.+?)\s*\((.+)\)\s*", name)
    return (match[1], match[2]) if match else (name, "")


def _resolve_inner_names(records: list[Record]) -> None:
    """Keep a parenthesised part as an alias unless it names another place.

    "Al-Nerab (Idlib)" and "National Hospital (Jisr al-Shughour)" name the locality they
    belong to, so "Idlib" must not become an alias of Nayrab.
    """
    primaries: dict[str, list[Record]] = {}
    for record in records:
        primaries.setdefault(skeleton_key(record.name_en), []).append(record)
    for record in records:
        for inner in record.inner_names:
            others = [r for r in primaries.get(skeleton_key(inner), []) if r is not record]
            if not others:
                record.add_names([inner])


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in km between two lon/lat points (see geo.geocode.distance_km)."""
    return geocode_distance_km(LonLat(lon1, lat1), LonLat(lon2, lat2))


def _in_aoi(lon: float, lat: float) -> bool:
    return AOI[0] <= lon <= AOI[2] and AOI[1] <= lat <= AOI[3]


def _find(records: list[Record], names: list[str], lon: float, lat: float) -> Record | None:
    skeletons = {skeleton_key(name) for name in names if name and not is_arabic(name)}
    best: tuple[float, Record] | None = None
    for record in records:
        dist = distance_km(lon, lat, record.lon, record.lat)
        if (
            dist <= MERGE_RADIUS_KM
            and skeletons & record.skeletons()
            and (best is None or dist < best[0])
        ):
            best = (dist, record)
    return best[1] if best else None


def _wp_kind(mark: str, label: str) -> str:
    lowered = label.casefold()
    if "crossing" in lowered:
        return "crossing"
    if "checkpoint" in lowered:
        return "checkpoint"
    suffixes = (("_hill", "hill"), ("_air", "airbase"), ("_heli", "airbase"), ("_base", "base"),
                ("_industry", "industrial site"), ("pass", "crossing"))  # fmt: skip
    for suffix, kind in suffixes:
        if suffix in mark:
            return kind
    return "village"


def _gn_kind(population: int) -> str:
    if population >= 100_000:  # noqa: PLR2004
        return "city"
    if population >= 10_000:  # noqa: PLR2004
        return "town"
    return "village"


def _latin_alternates(raw: str) -> list[str]:
    """Return the GeoNames alternates worth keeping: Latin script and capitalised.

    Lower-case alternates are machine romanisations of the Arabic ("alkramt") and are dropped.
    """
    keep = []
    for raw_name in raw.split("|"):
        name = raw_name.strip()
        too_long = len(name) > 40  # noqa: PLR2004
        if not name or too_long or any(ch.isdigit() for ch in name) or not name[0].isupper():
            continue
        if all(_is_latin(ch) for ch in name):
            keep.append(name)
    return keep


def _is_latin(char: str) -> bool:
    prefixes = ("LATIN", "SPACE", "HYPHEN", "APOSTROPHE", "RIGHT SINGLE", "LEFT SINGLE", "MODIFIER")
    return unicodedata.name(char, "").startswith(prefixes) or char in "-'‘’` ()."


def _curated(rows: list[dict[str, str]]) -> list[Record]:
    records = []
    for row in rows:
        if not row["lat"] or not row["lon"] or not _in_aoi(float(row["lon"]), float(row["lat"])):
            continue
        kind = CURATED_KIND.get(row["place_type"], row["place_type"])
        source = row["coord_source"]
        if source == "WP":
            source = f"WP:{row['coord_source_label']}"
        record = Record(
            name_en=row["name_en"], lon=float(row["lon"]), lat=float(row["lat"]), kind=kind,
            precision_m=8_000 if kind == "area" else PRECISION_M.get(kind, 1_000),
            sources=["curated", source], place_id=row["place_id"],
        )  # fmt: skip
        skip = NOT_ALIASES.get(row["place_id"], set())
        record.add_names(
            [row["name_ar"], *(n for n in row["alt_names"].split("|") if n not in skip)]
        )
        if row["coord_source"] == "WP" and row["coord_source_label"] not in skip:
            record.add_names([row["coord_source_label"]])
        records.append(record)
    return records


def _areas(records: list[Record], wp: list[dict[str, str]]) -> list[Record]:
    points = {row["label"]: (float(row["long"]), float(row["lat"])) for row in wp}
    points |= {record.place_id: (record.lon, record.lat) for record in records if record.place_id}
    out = []
    for area in AREAS:
        members = [points[name] for name in area.members]  # KeyError: a member label changed
        lon = statistics.fmean(p[0] for p in members)
        lat = statistics.fmean(p[1] for p in members)
        radius_km = max(distance_km(lon, lat, p[0], p[1]) for p in members) + 2.0
        record = Record(
            name_en=area.name, lon=lon, lat=lat, kind="area",
            precision_m=int(round(radius_km * 10) * 100), sources=[f"derived: {area.basis}"],
        )  # fmt: skip
        record.add_names([area.name_ar, *area.aliases])
        out.append(record)
    return out


def merge_sources(
    *, curated: list[dict[str, str]], wp: list[dict[str, str]], geonames: list[dict[str, str]]
) -> list[Record]:
    """Return the merged records (curated first, then areas, Wikipedia module, GeoNames)."""
    records = _curated(curated)
    records += _areas(records, wp)
    for row in wp:
        label, lon, lat = row["label"].strip(), float(row["long"]), float(row["lat"])
        if WP_SKIP.search(label) or not _in_aoi(lon, lat):
            continue
        names = [label]
        found = next(
            (
                r
                for r in records
                if f"WP:{label}" in r.sources and distance_km(lon, lat, r.lon, r.lat) < 1
            ),
            None,
        ) or _find(records, names, lon, lat)
        if found is None:
            kind = _wp_kind(row["mark"], label)
            found = Record(
                name_en=label, lon=lon, lat=lat, kind=kind, precision_m=PRECISION_M[kind]
            )
            records.append(found)
        found.add_names(names)
        if f"WP:{label}" not in found.sources:
            found.sources.append(f"WP:{label}")
    for row in geonames:
        lon, lat = float(row["longitude"]), float(row["latitude"])
        if not _in_aoi(lon, lat):
            continue
        latin = [row["name"], *_latin_alternates(row["alternatenames"])]
        arabic = [name for name in row["names_ar"].split("|") if name.strip()]
        found = _find(records, latin, lon, lat)
        population = int(row["population"] or 0)
        if found is None:
            kind = _gn_kind(population)
            found = Record(
                name_en=row["name"], lon=lon, lat=lat, kind=kind, precision_m=PRECISION_M[kind]
            )
            records.append(found)
        elif found.kind == "village" and population >= 10_000:  # noqa: PLR2004
            found.kind = _gn_kind(population)
            found.precision_m = max(found.precision_m, PRECISION_M[found.kind])
        found.add_names(arabic + latin)
        if f"GN:{row['geonameid']}" not in found.sources:
            found.sources.append(f"GN:{row['geonameid']}")
    _resolve_inner_names(records)
    return records


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    ascii_text = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "_", re.sub(r"['‘’`ʿʾ]", "", ascii_text)).strip("_")


def assign_ids(rows: list[dict[str, object]]) -> None:
    """Give rows without an id a stable slug id; same-named places get their sub-district."""
    taken = {str(row["place_id"]) for row in rows if row["place_id"]}
    pending = [row for row in rows if not row["place_id"]]
    pending.sort(key=lambda row: (str(row["name_en"]), str(row["lat"]), str(row["lon"])))
    for row in pending:
        base = _slug(str(row["name_en"])) or "place"
        candidate = base
        if candidate in taken:
            candidate = f"{base}__{_slug(str(row['admin3'])) or 'x'}"
        number = 2
        while candidate in taken:
            candidate = f"{base}__{_slug(str(row['admin3'])) or 'x'}_{number}"
            number += 1
        row["place_id"] = candidate
        taken.add(candidate)
