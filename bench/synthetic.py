"""Synthetic incident stores for the benchmarks: realistic spread, text and encodings.

The rows look like an ACLED extract for north-west Syria: events cluster around real villages
of the gazetteer (a few villages take many of them), half sit exactly on the village point
(``geo_precision`` 1) and the rest a few hundred metres to a few km away, dates burst in the
2019 and 2019-2020 offensives, and every ACLED sub-event type occurs. Most notes are empty;
some are short sentences, a few are long and carry Arabic text, quotes and an emoji.

A million rows take seconds: columns are drawn with numpy and written 50,000 rows at a time
with :mod:`csv`, so memory stays bounded. The same seed always gives the same file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from geo.admin import AdminAreas
from geo.datasets import DATA_DIR
from geo.incidents.schema import DISORDER_OF_EVENT, INCIDENT_COLUMNS, SUB_EVENT_TYPES
from geo.places import Place, load_places

if TYPE_CHECKING:
    from pathlib import Path

    from numpy.typing import NDArray

CHUNK_ROWS = 50_000
FIRST_DAY = np.datetime64("2019-01-01", "D")
LAST_DAY = np.datetime64("2022-12-31", "D")
#: Offensives that crowd the calendar: first day, last day, share of all events.
BURSTS = (
    ("2019-04-26", "2019-08-31", 0.15),  # the 2019 northern Hama / southern Idlib offensive
    ("2019-12-01", "2020-03-05", 0.25),  # the Dawn of Idlib 2 offensive up to the ceasefire
    ("2021-06-01", "2021-09-30", 0.07),  # shelling of Jabal al-Zawiya in summer 2021
)
#: time_precision 1, 2, 3 (day, week, month).
TIME_PRECISION_P = (0.85, 0.10, 0.05)
#: Share of events coded exactly on the village point (geo_precision 1), as ACLED does.
AT_POINT_SHARE = 0.5
#: Jitter of the other events, in metres. The loader accepts a place_id up to the place's
#: precision plus 5 km away, so 4 km keeps every row valid.
JITTER_MIN_M = 300.0
JITTER_MAX_M = 4_000.0
#: Jittered events up to this far are "near" the village (2); further ones regional (3).
NEAR_MAX_M = 1_500.0
M_PER_DEG_LAT = 111_320.0
#: Village weights fall off as rank ** -ZIPF_EXPONENT; towns and cities count TOWN_BOOST times.
ZIPF_EXPONENT = 0.8
TOWN_BOOST = 3.0
PLACE_KINDS = ("village", "town", "city")
#: Hama, Aleppo and Latakia places within this many degrees of Idleb's places take part.
NEIGHBOUR_MARGIN_DEG = 0.1
PLACE_ID_SHARE = 0.8  # the rest look like ACLED imports, with no gazetteer id
SHORT_NOTE_SHARE = 0.12
LONG_NOTE_SHARE = 0.03
SHORT_NOTE_CHARS = (60, 150)
LONG_NOTE_CHARS = (800, 1_500)
INJURED_UNKNOWN_SHARE = 0.35
SOURCE_URL_SHARE = 0.6

#: Relative frequency of each sub-event type; the rest get OTHER_TYPE_WEIGHT.
TYPE_WEIGHTS = {
    "Shelling/artillery/missile attack": 40.0,
    "Air/drone strike": 18.0,
    "Armed clash": 14.0,
    "Remote explosive/landmine/IED": 5.0,
    "Attack": 4.0,
    "Peaceful protest": 4.0,
    "Abduction/forced disappearance": 1.5,
    "Arrests": 1.0,
    "Government regains territory": 1.0,
    "Grenade": 1.0,
    "Looting/property destruction": 0.8,
}
OTHER_TYPE_WEIGHT = 0.3
#: Share of shelling rows tagged "missile" and of air/drone strikes tagged "drone".
TAG_SHARE = {"Shelling/artillery/missile attack": ("missile", 0.2), "Air/drone strike": ("drone", 0.35)}  # fmt: skip

SYRIA = "Military Forces of Syria (2000-)"
RUSSIA = "Military Forces of Russia (2000-)"
TURKEY = "Military Forces of Turkey (2016-)"
HTS = "Hayat Tahrir al-Sham"
NFL = "NFL: National Front for Liberation"
UNKNOWN = "Unidentified Armed Group (Syria)"
CIVILIANS = "Civilians (Syria)"
#: Actor names and how often each is drawn.
Choices = tuple[tuple[str, ...], tuple[float, ...]]
#: Per event type: actor1 choices, actor2 choices ("" is no second actor).
ACTORS: dict[str, tuple[Choices, Choices]] = {
    "Battles": (
        ((SYRIA, HTS, NFL, TURKEY), (0.4, 0.35, 0.15, 0.1)),
        ((HTS, SYRIA, NFL, UNKNOWN), (0.4, 0.35, 0.15, 0.1)),
    ),
    "Explosions/Remote violence": (
        ((SYRIA, RUSSIA, TURKEY, UNKNOWN, HTS), (0.45, 0.25, 0.1, 0.12, 0.08)),
        (("", CIVILIANS, HTS, SYRIA), (0.45, 0.35, 0.12, 0.08)),
    ),
    "Violence against civilians": (
        ((UNKNOWN, HTS, SYRIA), (0.5, 0.3, 0.2)),
        ((CIVILIANS,), (1.0,)),
    ),
    "Protests": ((("Protesters (Syria)",), (1.0,)), (("",), (1.0,))),
    "Riots": ((("Rioters (Syria)",), (1.0,)), (("", HTS), (0.7, 0.3))),
    "Strategic developments": (
        ((HTS, SYRIA, TURKEY, RUSSIA), (0.4, 0.3, 0.2, 0.1)),
        (("", CIVILIANS), (0.7, 0.3)),
    ),
}
#: Outlet, ACLED source scale, URL pattern ("" when the outlet gets no link) and weight.
SOURCES = (
    ("Syrian Observatory for Human Rights", "National", "https://www.syriahr.com/en/{n}/", 0.35),
    ("Enab Baladi", "National", "https://english.enabbaladi.net/archives/{n}", 0.15),
    ("SANA", "National", "https://sana.sy/en/?p={n}", 0.1),
    ("Step News Agency", "Subnational", "https://stepagency-sy.net/{n}/", 0.1),
    ("Syria Call", "Subnational", "", 0.08),
    ("Syrian Network for Human Rights", "National", "https://snhr.org/blog/{n}/", 0.07),
    ("Anadolu Agency", "International", "https://www.aa.com.tr/en/middle-east/{n}", 0.07),
    ("Sham Network; Twitter", "Subnational-National", "", 0.08),
)
SHORT_NOTES = (
    "On {date}, {actor} shelled {place}. {killed} killed, {injured} injured.",
    "{sub} at {place} ({date}); local sources report {killed} dead.",
    'Residents of {place} described "heavy" {sub_lower} on {date}; casualties: {killed}.',
    "{actor} and allied groups were involved in an event at {place} on {date} ({sub}).",
    "On {date}, a {sub_lower} hit the outskirts of {place}; no figures given.",
    "Civil Defence teams & medics responded in {place} after a {sub_lower} on {date}.",
)
LONG_SENTENCES = (
    "On {date}, {actor} carried out a {sub_lower} against positions in and around {place}.",
    "Local activists said that {killed} people were killed and {injured} were injured.",
    'A resident told the outlet: "We heard the first impact before dawn, then the second."',
    "The White Helmets reported that several houses and a school were damaged.",
    "The report could not be verified independently; figures are the lowest reported.",
    "Displaced families from {place} moved north towards the Turkish border.",
    "The incident took place during the ceasefire negotiated in Moscow on 5 March 2020.",
    "Turkish forces at a nearby observation post returned fire, according to the source.",
    "Russian reconnaissance aircraft were seen over the area for several hours beforehand.",
    "Medical staff at the hospital in Idlib city said they treated people with shrapnel wounds.",
)
ARABIC_SENTENCES = (
    'وقال شاهد عيان: "سقطت القذائف قرب المدرسة".',
    "قصف مدفعي على أطراف البلدة وأضرار في المنازل.",
)
EMOJI = "💥"


@dataclass(frozen=True, slots=True)
class _Villages:
    """The places events cluster around, with their draw weights and text columns."""

    places: list[Place]
    weight: NDArray[np.float64]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]


def write_synthetic_store(path: Path, size: int, *, seed: int = 7) -> None:
    """Write ``size`` synthetic incidents to the CSV store ``path``, sorted by date then id.

    Parameters
    ----------
    path
        The CSV to write (replaced if it exists); columns are ``INCIDENT_COLUMNS``.
    size
        Number of incidents; 0 writes the header only.
    seed
        Seed of the random draws; the same seed gives the same bytes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     store = pathlib.Path(tmp) / "store.csv"
    ...     write_synthetic_store(store, 30)
    ...     len(store.read_text(encoding="utf-8").splitlines())
    31
    """
    rng = np.random.default_rng(seed)
    admin = AdminAreas.load(DATA_DIR / "admin")
    villages = _villages(rng, admin)
    days = np.sort(_draw_days(rng, size))
    subs = list(SUB_EVENT_TYPES)
    # Spread one row of each sub-event type over the file so every type occurs.
    forced = np.linspace(0, size - 1, min(size, len(subs))).astype(np.int64)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(INCIDENT_COLUMNS)
        for start in range(0, size, CHUNK_ROWS):
            stop = min(size, start + CHUNK_ROWS)
            columns = _chunk(rng, villages, admin, days[start:stop], start=start, forced=forced)
            writer.writerows(zip(*(columns[name] for name in INCIDENT_COLUMNS), strict=True))


def _villages(rng: np.random.Generator, admin: AdminAreas) -> _Villages:
    places = [
        p
        for p in load_places(DATA_DIR / "places.csv")
        if p.kind in PLACE_KINDS and p.admin1 and "#" not in p.name_en
    ]
    idleb = [p for p in places if p.admin1 == "Idleb"]
    west = min(p.position.lon for p in idleb) - NEIGHBOUR_MARGIN_DEG
    east = max(p.position.lon for p in idleb) + NEIGHBOUR_MARGIN_DEG
    south = min(p.position.lat for p in idleb) - NEIGHBOUR_MARGIN_DEG
    north = max(p.position.lat for p in idleb) + NEIGHBOUR_MARGIN_DEG
    near = [
        p
        for p in places
        if p.admin1 == "Idleb"
        or (west <= p.position.lon <= east and south <= p.position.lat <= north)
    ]
    lon = np.array([p.position.lon for p in near])
    lat = np.array([p.position.lat for p in near])
    inside = admin.contains(lon, lat)
    chosen = [p for p, ok in zip(near, inside, strict=True) if ok]
    rank = rng.permutation(len(chosen)) + 1.0
    boost = np.array([TOWN_BOOST if p.kind != "village" else 1.0 for p in chosen])
    weight = boost * rank**-ZIPF_EXPONENT
    return _Villages(chosen, weight / weight.sum(), lon[inside], lat[inside])


def _draw_days(rng: np.random.Generator, size: int) -> NDArray[np.int64]:
    """Day offsets from FIRST_DAY: uniform over 2019-2022 plus the bursts."""
    span = int((LAST_DAY - FIRST_DAY).astype(int)) + 1
    days = rng.integers(0, span, size)
    which = rng.random(size)
    low = 0.0
    for first, last, share in BURSTS:
        hit = (which >= low) & (which < low + share)
        begin = int((np.datetime64(first, "D") - FIRST_DAY).astype(int))
        end = int((np.datetime64(last, "D") - FIRST_DAY).astype(int))
        days[hit] = rng.integers(begin, end + 1, int(hit.sum()))
        low += share
    return days


def _chunk(
    rng: np.random.Generator,
    villages: _Villages,
    admin: AdminAreas,
    days: NDArray[np.int64],
    *,
    start: int,
    forced: NDArray[np.int64],
) -> dict[str, list[str]]:
    """Return the text columns of rows ``start`` .. ``start + len(days)``."""
    size = len(days)
    subs = list(SUB_EVENT_TYPES)
    sub_p = np.array([TYPE_WEIGHTS.get(sub, OTHER_TYPE_WEIGHT) for sub in subs])
    sub_index = rng.choice(len(subs), size, p=sub_p / sub_p.sum())
    here = forced[(forced >= start) & (forced < start + size)]
    sub_index[here - start] = np.flatnonzero(np.isin(forced, here))
    sub = [subs[i] for i in sub_index]
    event = [SUB_EVENT_TYPES[s] for s in sub]
    village = rng.choice(len(villages.places), size, p=villages.weight)
    lon, lat, geo_precision = _positions(rng, villages, admin, village)
    dates = (FIRST_DAY + days).astype(str).tolist()
    places = [villages.places[v] for v in village]
    actor1, actor2 = _actors(rng, event)
    killed, injured = _casualties(rng, event)
    source, scale, url = _sources(rng, size)
    columns = {
        "event_id_cnty": [f"SYN{start + i + 1:07d}" for i in range(size)],
        "event_date": dates,
        "year": [d[:4] for d in dates],
        "time_precision": _codes(rng, size, TIME_PRECISION_P),
        "disorder_type": [DISORDER_OF_EVENT[e] for e in event],
        "event_type": event,
        "sub_event_type": sub,
        "actor1": actor1,
        "actor2": actor2,
        "civilian_targeting": [
            "Civilian targeting" if e == "Violence against civilians" else "" for e in event
        ],
        "iso": ["760"] * size,
        "country": ["Syria"] * size,
        "admin1": [p.admin1 for p in places],
        "admin2": [p.admin2 for p in places],
        "admin3": [p.admin3 for p in places],
        "location": [p.name_en for p in places],
        "latitude": [f"{v:.5f}" for v in lat.tolist()],
        "longitude": [f"{v:.5f}" for v in lon.tolist()],
        "geo_precision": [str(g) for g in geo_precision.tolist()],
        "source": source,
        "source_scale": scale,
        "fatalities": killed,
        "injured": injured,
        "tags": _tags(rng, sub),
        "timestamp": [str(t) for t in (_epoch_s(days) + rng.integers(86_400, 30 * 86_400, size))],
        "source_url": url,
        "place_id": [
            p.place_id if keep else ""
            for p, keep in zip(places, rng.random(size) < PLACE_ID_SHARE, strict=True)
        ],
    }
    columns["notes"] = _notes(rng, columns, places)
    for name in INCIDENT_COLUMNS:
        columns.setdefault(name, [""] * size)
    return columns


def _positions(
    rng: np.random.Generator, villages: _Villages, admin: AdminAreas, village: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """Return lon, lat (degrees) and geo_precision: half on the village point, half jittered."""
    size = len(village)
    lon, lat = villages.lon[village].copy(), villages.lat[village].copy()
    moved = rng.random(size) >= AT_POINT_SHARE
    # Log-uniform distance, so a few hundred metres is as common as a few km.
    dist_m = np.exp(rng.uniform(np.log(JITTER_MIN_M), np.log(JITTER_MAX_M), size))
    bearing = rng.uniform(0, 2 * np.pi, size)
    dlat = dist_m * np.cos(bearing) / M_PER_DEG_LAT
    dlon = dist_m * np.sin(bearing) / (M_PER_DEG_LAT * np.cos(np.radians(lat)))
    new_lon, new_lat = lon + dlon, lat + dlat
    # A border village's jitter may land in Turkey: those events stay on the village point.
    moved[moved] &= admin.contains(new_lon[moved], new_lat[moved])
    lon[moved], lat[moved] = new_lon[moved], new_lat[moved]
    geo_precision = np.where(moved, np.where(dist_m <= NEAR_MAX_M, 2, 3), 1)
    return lon, lat, geo_precision


def _codes(rng: np.random.Generator, size: int, p: tuple[float, ...]) -> list[str]:
    return [str(c) for c in (rng.choice(len(p), size, p=p) + 1).tolist()]


def _actors(rng: np.random.Generator, event: list[str]) -> tuple[list[str], list[str]]:
    kinds = np.array(event)
    actor1, actor2 = np.empty(len(event), dtype=object), np.empty(len(event), dtype=object)
    for kind, ((names1, p1), (names2, p2)) in ACTORS.items():
        rows = np.flatnonzero(kinds == kind)
        actor1[rows] = np.array(names1, dtype=object)[rng.choice(len(names1), len(rows), p=p1)]
        actor2[rows] = np.array(names2, dtype=object)[rng.choice(len(names2), len(rows), p=p2)]
    return actor1.tolist(), actor2.tolist()


def _casualties(rng: np.random.Generator, event: list[str]) -> tuple[list[str], list[str]]:
    """Killed and injured, mostly 0-3 with rare large figures; injured often unknown ("")."""
    size = len(event)
    calm = np.isin(np.array(event), ["Protests", "Strategic developments"])
    killed = rng.geometric(0.55, size) - 1
    injured = rng.geometric(0.4, size) - 1
    big = rng.random(size)
    killed = np.where(big < 0.005, rng.integers(10, 80, size), killed)  # noqa: PLR2004
    killed = np.where(big < 0.0005, rng.integers(80, 300, size), killed)  # noqa: PLR2004
    injured = np.where(big < 0.01, rng.integers(10, 150, size), injured)  # noqa: PLR2004
    killed[calm], injured[calm] = 0, 0
    unknown = rng.random(size) < INJURED_UNKNOWN_SHARE
    return (
        [str(k) for k in killed.tolist()],
        ["" if u else str(i) for i, u in zip(injured.tolist(), unknown.tolist(), strict=True)],
    )


def _sources(rng: np.random.Generator, size: int) -> tuple[list[str], list[str], list[str]]:
    """Outlet, source scale and source URL (https, for some outlets and some rows)."""
    weight = np.array([w for *_, w in SOURCES])
    pick = rng.choice(len(SOURCES), size, p=weight / weight.sum())
    linked = rng.random(size) < SOURCE_URL_SHARE
    article = rng.integers(100_000, 700_000, size)
    urls = [
        SOURCES[s][2].format(n=n) if keep and SOURCES[s][2] else ""
        for s, keep, n in zip(pick.tolist(), linked.tolist(), article.tolist(), strict=True)
    ]
    return [SOURCES[s][0] for s in pick], [SOURCES[s][1] for s in pick], urls


def _tags(rng: np.random.Generator, sub: list[str]) -> list[str]:
    draw = rng.random(len(sub)).tolist()
    out = []
    for s, d in zip(sub, draw, strict=True):
        tag, share = TAG_SHARE.get(s, ("", 0.0))
        out.append(tag if d < share else "")
    return out


def _epoch_s(days: NDArray[np.int64]) -> NDArray[np.int64]:
    """Seconds since 1970 of midnight UTC on each day offset from FIRST_DAY."""
    return (FIRST_DAY + days).astype("datetime64[s]").astype(np.int64)


def _notes(
    rng: np.random.Generator, columns: dict[str, list[str]], places: list[Place]
) -> list[str]:
    """About 85 % empty, 12 % one short sentence, 3 % a long paragraph; some in Arabic."""
    size = len(places)
    draw = rng.random(size)
    out = [""] * size
    for i in np.flatnonzero(draw < SHORT_NOTE_SHARE + LONG_NOTE_SHARE).tolist():
        fields = {
            "date": columns["event_date"][i],
            "place": places[i].name_en,
            "actor": columns["actor1"][i] or "An unidentified group",
            "sub": columns["sub_event_type"][i],
            "sub_lower": columns["sub_event_type"][i].lower(),
            "killed": columns["fatalities"][i],
            "injured": columns["injured"][i] or "an unknown number",
        }
        if draw[i] < LONG_NOTE_SHARE:
            out[i] = _long_note(rng, fields, places[i])
        else:
            out[i] = _short_note(rng, fields, source=columns["source"][i])
    return out


def _short_note(rng: np.random.Generator, fields: dict[str, str], *, source: str) -> str:
    text = SHORT_NOTES[int(rng.integers(len(SHORT_NOTES)))].format(**fields)
    low, high = SHORT_NOTE_CHARS
    if len(text) < low:
        text += f" Reported by {source}."
    if rng.random() < 0.05:  # noqa: PLR2004
        text = f"{text} {EMOJI}"
    return _clip(text, high)


def _long_note(rng: np.random.Generator, fields: dict[str, str], place: Place) -> str:
    low, high = LONG_NOTE_CHARS
    target = int(rng.integers(low + 20, high + 1))  # the clip may drop a word
    parts = []
    if rng.random() < 0.3:  # noqa: PLR2004
        parts.append(f"{place.name_ar or place.name_en}: {ARABIC_SENTENCES[int(rng.integers(2))]}")
    if rng.random() < 0.2:  # noqa: PLR2004
        parts.append(EMOJI)
    length = sum(len(p) + 1 for p in parts)
    while length < target:
        sentence = LONG_SENTENCES[int(rng.integers(len(LONG_SENTENCES)))].format(**fields)
        parts.append(sentence)
        length += len(sentence) + 1
    return _clip(" ".join(parts), target)


def _clip(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, at a space, ending in an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: text.rfind(" ", 0, limit - 1)] + "…"
