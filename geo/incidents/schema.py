"""The incident schema: ACLED's columns and codes, our additions, and input aliases.

ACLED's names are used wherever ACLED has the concept (see ``INCIDENT_COLUMNS``); the store
adds ``injured`` (every report gives it, ACLED does not), ``source_url`` and ``place_id``
(the gazetteer id the position came from).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

#: Column order of ``data/incidents.csv``. Extra columns a user adds are kept after these.
INCIDENT_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "actor2", "assoc_actor_2",
    "civilian_targeting", "iso", "country", "admin1", "admin2", "admin3", "location",
    "latitude", "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities",
    "injured", "tags", "timestamp", "source_url", "place_id",
)  # fmt: skip
REQUIRED_COLUMNS = ("event_id_cnty", "event_date", "event_type", "sub_event_type", "location",
                    "latitude", "longitude", "geo_precision", "source")  # fmt: skip
TEXT_COLUMNS = ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "location", "source",
                "notes", "tags", "source_url", "admin1", "admin2", "admin3")  # fmt: skip

#: ACLED event types and their sub-event types.
EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash", "Government regains territory", "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon", "Air/drone strike", "Suicide bomb",
        "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Grenade",
    ),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Protests": (
        "Peaceful protest", "Protest with intervention", "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
        "Headquarters or base established", "Looting/property destruction",
        "Non-violent transfer of territory", "Other",
    ),
}  # fmt: skip
SUB_EVENT_TYPES = {sub: event for event, subs in EVENT_TYPES.items() for sub in subs}
DISORDER_TYPES = ("Political violence", "Demonstrations", "Strategic developments",
                  "Political violence; Demonstrations")  # fmt: skip
DISORDER_OF_EVENT = {
    "Battles": "Political violence", "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence", "Protests": "Demonstrations",
    "Riots": "Demonstrations", "Strategic developments": "Strategic developments",
}  # fmt: skip
CIVILIAN_TARGETING = ("", "Civilian targeting")

#: geo_precision: 1 the named place, 2 near it, 3 a larger region (ACLED's codes).
GEO_PRECISION = (1, 2, 3)
#: time_precision: 1 the day, 2 within a week, 3 only the month (ACLED's codes).
TIME_PRECISION = (1, 2, 3)
#: How far the true position may be from the coded point, by geo_precision, in metres: a
#: village point stands for events anywhere in or next to the village (1), "near X" reports
#: reach a few km (2), region-coded events tens of km (3).
GEO_PRECISION_RADIUS_M = {1: 1_000.0, 2: 5_000.0, 3: 25_000.0}
#: How far the true date may lie from the coded date, by time_precision, in days either side
#: (a week's report: 3; a month's: 15).
TIME_PRECISION_DAYS = {1: 0, 2: 3, 3: 15}


class EventKind(NamedTuple):
    """An ACLED event type and sub-event type, plus a tag for finer kinds (missile, drone)."""

    event_type: str
    sub_event_type: str
    tag: str = ""


_ERV = "Explosions/Remote violence"
#: Short names analysts type, and what they mean in ACLED's terms.
TYPE_ALIASES: dict[str, EventKind] = {
    "shelling": EventKind(_ERV, "Shelling/artillery/missile attack"),
    "artillery": EventKind(_ERV, "Shelling/artillery/missile attack"),
    "rocket": EventKind(_ERV, "Shelling/artillery/missile attack"),
    "mortar": EventKind(_ERV, "Shelling/artillery/missile attack"),
    "missile": EventKind(_ERV, "Shelling/artillery/missile attack", "missile"),
    "airstrike": EventKind(_ERV, "Air/drone strike"),
    "air": EventKind(_ERV, "Air/drone strike"),
    "drone": EventKind(_ERV, "Air/drone strike", "drone"),
    "ied": EventKind(_ERV, "Remote explosive/landmine/IED"),
    "landmine": EventKind(_ERV, "Remote explosive/landmine/IED"),
    "suicide": EventKind(_ERV, "Suicide bomb"),
    "grenade": EventKind(_ERV, "Grenade"),
    "chemical": EventKind(_ERV, "Chemical weapon"),
    "clash": EventKind("Battles", "Armed clash"),
    "attack": EventKind("Violence against civilians", "Attack"),
    "protest": EventKind("Protests", "Peaceful protest"),
}

#: The ceasefire of the Moscow protocol began at 00:01 on 6 March 2020, Syrian time (UTC+2).
CEASEFIRE_START = dt.datetime(2020, 3, 6, 0, 1, tzinfo=dt.timezone(dt.timedelta(hours=2)))
FIRST_DATE = dt.date(2011, 1, 1)
ID_PREFIX = "SYR-IDL-"


def event_kind(text: str) -> EventKind:
    """Return the ACLED type for an alias (``shelling``) or a sub-event type name.

    Raises
    ------
    ValueError
        Listing the accepted names.

    Examples
    --------
    >>> event_kind("IED").sub_event_type
    'Remote explosive/landmine/IED'
    """
    key = text.strip().casefold()
    if key in TYPE_ALIASES:
        return TYPE_ALIASES[key]
    for sub, event in SUB_EVENT_TYPES.items():
        if sub.casefold() == key:
            return EventKind(event, sub)
    names = ", ".join(sorted(TYPE_ALIASES))
    msg = f"unknown event type {text!r}; use one of {names}, or an ACLED sub-event type"
    raise ValueError(msg)
