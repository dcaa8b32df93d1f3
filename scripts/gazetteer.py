"""Merge the place sources into one de-duplicated gazetteer (build time only).

Sources, in order of trust: the curated seed places, the Wikipedia map module's points, the
GeoNames cities500 extract, and Who's On First's Syria localities (GeoNames' full layer of
populated places). A point from a later source joins an existing record when it carries the
record's GeoNames id, or else when one of its names has the same consonant skeleton (or, for
Arabic, the same normal key) as one of the record's names and it lies within
``MERGE_RADIUS_KM``; otherwise it becomes a new record. Same-named places farther apart stay
separate (the region has several Sheikh Ali, Kafriya and Ziyarah). The first source to give a
position keeps it; a later source more than ``CONFLICT_KM`` away is counted as a conflict.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from geo.coords import LonLat
from geo.geocode import distance_km as geocode_distance_km
from geo.names import distinctive, exact_key, is_arabic, normal_key, phonetic_key, skeleton_key
from geo.places import PLACE_COLUMNS

__all__ = ["PLACE_COLUMNS", "MergeLog", "Record", "assign_ids", "merge_sources", "report_name"]

AOI = (35.7, 35.2, 37.6, 36.7)  # west, south, east, north
#: Governorate seats just outside the AOI, kept because reports locate by them ("the Hama
#: countryside"): Hama city (GeoNames 170017) lies at 35.13 N, 8 km south of the AOI.
SEATS_OUTSIDE_AOI = frozenset({"170017"})
MERGE_RADIUS_KM = 2.5
CONFLICT_KM = 1.0
#: Skeleton similarity (0-100) an alternate name needs to count as a spelling of the name.
RELATED_MIN = 60
#: Phonetic similarity (0-100) two GeoNames-style names need to be one village.
ALIKE_MIN = 75

# Position uncertainty by kind, in metres: a village point stands for a built-up area a few
# hundred metres across, a town's for a kilometre or more; area radii are set per area.
PRECISION_M = {
    "village": 300, "town": 1_000, "city": 3_000, "hill": 500, "base": 500, "airbase": 1_000,
    "industrial site": 500, "crossing": 300, "checkpoint": 300, "dam": 500,
    # GeoNames-only points (Who's On First): GeoNames village points are good to a few
    # hundred metres, some older entries worse; a "locality" (PPLL) is a hamlet or farm area.
    "locality": 1_000, "abandoned village": 500, "neighbourhood": 500,
}  # fmt: skip
#: GeoNames-only village points are less checked than the Wikipedia module's.
GEONAMES_VILLAGE_PRECISION_M = 500
#: GeoNames feature codes (via Who's On First) and the kind they give.
GN_FCODE_KIND = {
    "PPL": "village", "PPLA": "city", "PPLA2": "town", "PPLA3": "town", "PPLL": "locality",
    "PPLQ": "abandoned village", "PPLW": "abandoned village", "PPLF": "village",
    "PPLX": "neighbourhood",
}  # fmt: skip
# Kinds from most to least important, so a merge keeps the larger reading.
_KIND_RANK = ("city", "town", "village", "locality", "abandoned village", "neighbourhood")
CURATED_KIND = {"mountain area (derived point)": "area", "mountain": "area", "air base": "airbase"}
# Alternate names the curated file lists but its own notes identify as another place.
NOT_ALIASES = {"ain_al_hawr": {"Al Hawr"}}
# Labels of the Wikipedia module that are map furniture, not places.
WP_SKIP = re.compile(r"^(Farmlands of|Free Zone$)", re.IGNORECASE)
# Marks of the module that are images drawn on its map (a countryside badge, a grey dot),
# not place markers; BSicon marks are dams on rivers and stay, as kind "dam".
WP_FURNITURE_MARK = re.compile(r"^(?!BSicon).*\.svg$", re.IGNORECASE)
# Names that are an admin area, not the place itself ("Idlib District", "محافظة إدلب").
ADMIN_NAME = re.compile(
    r"\b(district|governorate|province|subdistrict|nahiya)\b|محافظة|منطقة|ناحية", re.IGNORECASE
)


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
    geonames_ids: list[str] = field(default_factory=list)
    # Parenthesised parts of labels: an alternate name ("Bayt `Arab (Arapli)") or the place
    # it belongs to ("National Hospital (Jisr al-Shughour)"); see _resolve_inner_names.
    inner_names: list[str] = field(default_factory=list)

    def skeletons(self) -> set[str]:
        """Return the consonant skeletons of the record's Latin names."""
        return {skeleton_key(name) for name in [self.name_en, *self.names] if not is_arabic(name)}

    def match_keys(self) -> set[str]:
        """Return the keys a same-place point from another source is found by."""
        arabic = {"ar:" + normal_key(name) for name in self.names_ar}
        return self.skeletons() | arabic

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
            "geonames_id": self.geonames_ids[0] if self.geonames_ids else "",
            "admin1": "", "admin1_pcode": "", "admin2": "", "admin2_pcode": "",
            "admin3": "", "admin3_pcode": "",
            "sources": "|".join(self.sources),
        }  # fmt: skip


def _keep_apart(records: list[Record]) -> None:
    """Drop from a place the curated notes call another place the curated place's names.

    ``NOT_ALIASES`` says a name the curated file lists (the module's "Al Hawr") is another
    place; that place then does not carry the curated place's own names either (GeoNames
    gives Al Hawr the alternate ‘Ayn al Ḩawr), or both would answer to them.
    """
    by_id = {record.place_id: record for record in records if record.place_id}
    for place_id, others in NOT_ALIASES.items():
        curated = by_id[place_id]
        own = {normal_key(name) for name in [curated.name_en, *curated.names, *curated.names_ar]}
        other_keys = {exact_key(name) for name in others}
        for record in records:
            names = {exact_key(name) for name in [record.name_en, *record.names]}
            if record is curated or not names & other_keys:
                continue
            record.names = [n for n in record.names if normal_key(n) not in own]
            record.names_ar = [n for n in record.names_ar if normal_key(n) not in own]


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


def _alike(names: list[str], record: Record, keys: set[str]) -> bool:
    """Return True if a name is the record's Arabic name or reads much like a Latin one."""
    if any(key.startswith("ar:") for key in keys & record.match_keys()):
        return True
    mine = [phonetic_key(name) for name in names if name and not is_arabic(name)]
    theirs = [phonetic_key(name) for name in [record.name_en, *record.names]]
    return any(fuzz.ratio(a, b) >= ALIKE_MIN for a in mine for b in theirs)


def _point_keys(names: list[str]) -> set[str]:
    keys = {skeleton_key(name) for name in names if name and not is_arabic(name)}
    return keys | {"ar:" + normal_key(name) for name in names if name and is_arabic(name)}


@dataclass
class MergeLog:
    """What the merge did, for ``data/README.md``: counts by source and the conflicts."""

    added: dict[str, int] = field(default_factory=dict)
    merged: dict[str, int] = field(default_factory=dict)
    merged_by_id: int = 0
    conflicts: list[tuple[str, str, float]] = field(default_factory=list)  # name, source, km
    skipped: list[str] = field(default_factory=list)

    def count(self, table: dict[str, int], source: str) -> None:
        """Add one to ``table[source]``."""
        table[source] = table.get(source, 0) + 1


class _Index:
    """Records by match key and by GeoNames id, so a point finds its record without a scan."""

    def __init__(self, records: list[Record]) -> None:
        self.records = records
        self.by_key: dict[str, list[Record]] = {}
        self.by_gn: dict[str, Record] = {}
        for record in records:
            self.add(record)

    def add(self, record: Record) -> None:
        """Index ``record`` (again, after it gained names)."""
        for key in record.match_keys():
            bucket = self.by_key.setdefault(key, [])
            if record not in bucket:
                bucket.append(record)
        for gn in record.geonames_ids:
            self.by_gn.setdefault(gn, record)

    def find(
        self,
        names: list[str],
        lon: float,
        lat: float,
        *,
        geonames_id: str = "",
        strict: bool = False,
    ) -> Record | None:
        """Return the record of the same GeoNames id, else the nearest same-named one.

        ``strict`` (for GeoNames' own points, which share one romanisation) also wants the
        names alike beyond their skeleton: `Ajil and `Uwayjil share one but are two villages.
        """
        if geonames_id and geonames_id in self.by_gn:
            return self.by_gn[geonames_id]
        best: tuple[float, Record] | None = None
        keys = _point_keys(names)
        for key in keys:
            for record in self.by_key.get(key, ()):
                dist = distance_km(lon, lat, record.lon, record.lat)
                if dist > MERGE_RADIUS_KM or (best is not None and dist >= best[0]):
                    continue
                if strict and not _alike(names, record, keys):
                    continue
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


_AYN_MARKS = "`'‘’ʿʾ"


def _latin_alternates(raw: str) -> list[str]:
    """Return the GeoNames alternates worth keeping: Latin script and capitalised.

    A leading mark of ʿayn does not count against the capital ("‘Ayn Lārūz" is kept).

    Lower-case alternates are machine romanisations of the Arabic ("alkramt") and are dropped.
    """
    keep = []
    for raw_name in raw.split("|"):
        name = raw_name.strip()
        too_long = len(name) > 40  # noqa: PLR2004
        # A name may open with the mark of ʿayn ("‘Ayn Lārūz"): its first letter decides.
        first = name.lstrip(_AYN_MARKS)[:1]
        if not name or too_long or any(ch.isdigit() for ch in name) or not first.isupper():
            continue
        if all(_is_latin(ch) for ch in name):
            keep.append(name)
    return keep


def _related(name: str, alternates: list[str]) -> list[str]:
    """Keep the alternates that are spellings of ``name``, not translations of its meaning.

    Who's On First gathers every language's label: a village called "the sin" in Arabic
    carries the Breton word for sin.
    """
    own = skeleton_key(name)
    bare = distinctive(normal_key(name))
    return [
        alt
        for alt in alternates
        if fuzz.ratio(skeleton_key(alt), own) >= RELATED_MIN
        # "Ahmad" for Sheikh Ahmad: without its generic word the name is a person's
        and (normal_key(alt) != bare or bare == normal_key(name))
    ]


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
    *,
    curated: list[dict[str, str]],
    wp: list[dict[str, str]],
    geonames: list[dict[str, str]],
    wof: list[dict[str, str]] | None = None,
    log: MergeLog | None = None,
) -> list[Record]:
    """Return the merged records (curated, areas, Wikipedia module, GeoNames, Who's On First).

    ``log`` (if given) receives the counts and conflicts that ``data/README.md`` reports.
    """
    log = log if log is not None else MergeLog()
    records = _curated(curated)
    log.added["curated"] = len(records)
    records += _areas(records, wp)
    log.added["areas"] = len(AREAS)
    index = _Index(records)
    for row in wp:
        _merge_wp(row, index, log)
    for row in geonames:
        _merge_geonames(row, index, log)
    for row in wof or []:
        _merge_wof(row, index, log)
    _resolve_inner_names(index.records)
    _keep_apart(index.records)
    for record in index.records:
        if record.kind in {"hill", "base"}:
            record.add_names(_height_names(record.name_en) + _unit_names(record.name_en))
        if "curated" not in record.sources and _MARKED.search(record.name_en):
            written = record.name_en
            record.name_en = report_name(written)
            record.add_names([written])
    return index.records


# A romanisation mark (ʿayn, hamza) or a diacritic: the name is not as reports write it.
_MARKED = re.compile(r"[`'‘’ʿʾ\u0100-\u024f\u1e00-\u1eff]")


def _wp_label(label: str) -> str:
    """Return the place a module label names: "2016 Hama offensive#Khafsin" is Khafsin."""
    return label.rsplit("#", 1)[1].strip() if "#" in label else label


def _merge_wp(row: dict[str, str], index: _Index, log: MergeLog) -> None:
    label, lon, lat = row["label"].strip(), float(row["long"]), float(row["lat"])
    if WP_SKIP.search(label) or WP_FURNITURE_MARK.search(row["mark"]):
        log.skipped.append(f"Wikipedia module {label!r} (mark {row['mark']!r}): map furniture")
        return
    if not _in_aoi(lon, lat):
        return
    name = _wp_label(label)
    found = next(
        (
            r
            for r in index.by_key.get(skeleton_key(name), [])
            if f"WP:{label}" in r.sources and distance_km(lon, lat, r.lon, r.lat) < 1
        ),
        None,
    ) or index.find([name], lon, lat)
    if found is None:
        kind = "dam" if row["mark"].startswith("BSicon") else _wp_kind(row["mark"], label)
        found = Record(name_en=name, lon=lon, lat=lat, kind=kind, precision_m=PRECISION_M[kind])
        index.records.append(found)
        log.count(log.added, "wp")
    elif f"WP:{label}" not in found.sources:
        log.count(log.merged, "wp")
    found.add_names([name])
    if f"WP:{label}" not in found.sources:
        found.sources.append(f"WP:{label}")
    index.add(found)


_HEIGHT_LABEL = re.compile(r"^(.+?)\s+(mountain|hill|summit)\b.*$", re.IGNORECASE)


def _height_names(label: str) -> list[str]:
    """Return what reports call a module height.

    "Sheikh Barakat mountain (862 m)" is Jabal (or Mount) Sheikh Barakat; "Layla hill" is
    Tal Layla. Added after the merge, so the village a height is named after stays its own.
    """
    match = _HEIGHT_LABEL.match(label)
    if not match:
        return []
    base, word = match[1].strip(), match[2].casefold()
    generic = "Tal" if word == "hill" else "Jabal"
    return [f"{generic} {base}", *([f"Mount {base}"] if generic == "Jabal" else [])]


_UNIT_LABEL = re.compile(
    r"\b(?:(\d+)(?:st|nd|rd|th)\s+(Regiment|Brigade|Division)|(Regiment|Brigade|Division)\s+(\d+))\b"
)
_UNIT_AR = {"Regiment": "الفوج", "Brigade": "اللواء", "Division": "الفرقة"}


def _unit_names(label: str) -> list[str]:
    """Return the Arabic name of a military unit's base: "46th Regiment" is الفوج 46."""
    match = _UNIT_LABEL.search(label)
    if not match:
        return []
    number, unit = (match[1], match[2]) if match[1] else (match[4], match[3])
    return [f"{_UNIT_AR[unit]} {number}"]


def _merge_geonames(row: dict[str, str], index: _Index, log: MergeLog) -> None:
    lon, lat = float(row["longitude"]), float(row["latitude"])
    if not _in_aoi(lon, lat) and row["geonameid"] not in SEATS_OUTSIDE_AOI:
        return
    latin = [row["name"], *_latin_alternates(row["alternatenames"])]
    arabic = [name for name in row["names_ar"].split("|") if name.strip()]
    gn = row["geonameid"]
    found = index.find(latin, lon, lat, geonames_id=gn)
    population = int(row["population"] or 0)
    if found is None:
        kind = _gn_kind(population)
        found = Record(
            name_en=report_name(row["name"]), lon=lon, lat=lat, kind=kind,
            precision_m=PRECISION_M[kind],
        )  # fmt: skip
        index.records.append(found)
        log.count(log.added, "geonames")
    else:
        log.count(log.merged, "geonames")
        _note_conflict(found, lon, lat, f"GN:{gn}", log)
        if found.kind == "village" and population >= 10_000:  # noqa: PLR2004
            found.kind = _gn_kind(population)
            found.precision_m = max(found.precision_m, PRECISION_M[found.kind])
    found.add_names(_names(arabic + latin))
    if gn not in found.geonames_ids:
        found.geonames_ids.append(gn)
    if f"GN:{gn}" not in found.sources:
        found.sources.append(f"GN:{gn}")
    index.add(found)


def _merge_wof(row: dict[str, str], index: _Index, log: MergeLog) -> None:
    """Merge one Who's On First locality: by GeoNames id, then by name and distance."""
    lon, lat = float(row["lon"]), float(row["lat"])
    if not _in_aoi(lon, lat):
        return
    gn = row["geonameid"]
    if not gn:
        log.skipped.append(f"Who's On First {row['wof_id']} {row['name']!r}: no GeoNames id")
        return
    arabic = [name for name in [row["name_ar"], *row["alt_ar"].split("|")] if is_arabic(name)]
    latin = [row["name"], *_related(row["name"], _latin_alternates(row["alt_latin"]))]
    found = index.find(latin + arabic, lon, lat, geonames_id=gn, strict=True)
    kind = GN_FCODE_KIND.get(row["gn_fcode"], "village")
    if found is None:
        precision = GEONAMES_VILLAGE_PRECISION_M if kind == "village" else PRECISION_M[kind]
        found = Record(
            name_en=report_name(row["name"]), lon=lon, lat=lat, kind=kind, precision_m=precision
        )
        index.records.append(found)
        log.count(log.added, "wof")
    else:
        if gn in found.geonames_ids:
            log.merged_by_id += 1
        log.count(log.merged, "wof")
        _note_conflict(found, lon, lat, f"WOF:{row['wof_id']}", log)
        if found.kind in _KIND_RANK and _rank_kind(kind) < _rank_kind(found.kind):
            found.kind = kind
            found.precision_m = max(found.precision_m, PRECISION_M[kind])
    found.add_names(_names([*arabic, report_name(row["name"]), *latin]))
    if gn not in found.geonames_ids:
        found.geonames_ids.append(gn)
    source = f"WOF:{row['wof_id']}"
    if source not in found.sources:
        found.sources.append(source)
    if f"GN:{gn}" not in found.sources:
        found.sources.append(f"GN:{gn}")
    index.add(found)


def _rank_kind(kind: str) -> int:
    return _KIND_RANK.index(kind) if kind in _KIND_RANK else len(_KIND_RANK)


def _note_conflict(record: Record, lon: float, lat: float, source: str, log: MergeLog) -> None:
    dist = distance_km(lon, lat, record.lon, record.lat)
    if dist > CONFLICT_KM:
        log.conflicts.append((record.name_en, source, round(dist, 2)))


def _names(names: list[str]) -> list[str]:
    """Drop empty names and names of an admin area ("Idlib District")."""
    return [name.strip() for name in names if name.strip() and not ADMIN_NAME.search(name)]


_REPORT_WORDS = {
    "ayn": "Ain", "tall": "Tal", "dayr": "Deir", "shaykh": "Sheikh", "maarrat": "Maarat",
    "qalat": "Qalaat", "bayt": "Beit", "jisr": "Jisr", "kafr": "Kafr", "khirbat": "Khirbat",
}  # fmt: skip
_GN_ARTICLES = frozenset(("al", "as", "ash", "ad", "adh", "ar", "at", "ath", "az", "an", "el"))


def report_name(name: str) -> str:
    """Return a GeoNames romanisation as reports write the name.

    Diacritics and the backtick/apostrophe marks of ʿayn and hamza go; generic words take
    the spelling English reports use (Ain, Tal, Deir, Sheikh, Maarat, Qalaat, Beit); articles
    are joined to their word with a hyphen ("al-").

    Examples
    --------
    >>> report_name("Ma`arrat Hurmah")
    'Maarat Hurmah'
    >>> report_name("`Ayn al `Arus")
    'Ain al-Arus'
    >>> report_name("Jisr ash Shughūr")
    'Jisr al-Shughur'
    >>> report_name("Al Mastumah")
    'al-Mastumah'
    """
    folded = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in folded if not unicodedata.combining(ch))
    text = re.sub(r"(?<=[a-z])[`'‘’ʿʾ](?=[A-Z])", " ", text)  # Kafr`Ajuz: two words
    text = re.sub(r"[`'‘’ʿʾ]", "", text)
    words = text.replace("-", " ").split()
    out: list[str] = []
    article = False
    for i, word in enumerate(words):
        low = word.casefold()
        if low in _GN_ARTICLES and i + 1 < len(words):
            article = True
            continue
        spelled = _REPORT_WORDS.get(low, word[:1].upper() + word[1:])
        out.append(f"al-{spelled}" if article else spelled)
        article = False
    return " ".join(out) or name


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
