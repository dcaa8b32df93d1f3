"""The packed incident data, decoded by the page, shows every field exactly as stored."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

import build_map
from geo.build import MAP_FILENAME
from geo.incidents.classify import CERTAINTIES, PHASES, SIDES
from geo.incidents.schema import GEO_PRECISION_RADIUS_M, TIME_PRECISION_DAYS
from geo.project import load_inputs
from geo.symbology import symbol_key
from layers import incident_data, style
from layers.incidents import TIME_LABELS
from tests.browser.conftest import open_map

if TYPE_CHECKING:
    from tests.browser.conftest import PageAndLog

pytestmark = pytest.mark.browser
STORE = Path(build_map.__file__).parent / "data" / "incidents.csv"
LONG_NOTE = ("Shelling hit the outskirts of the village; " * 500).strip()  # about 22,000 chars
TEXTS = [
    {"notes": "قصف مدفعي على أطراف كنصفرة، وإصابة طفلين 💥", "location": "كنصفرة",
     "actor1": 'Military Forces of Syria (2000-) "4th Division"', "event_id_cnty": "SYR12345"},
    {"notes": LONG_NOTE, "source": "Enab Baladi; SOHR 'local sources'", "event_id_cnty": "custom-a"},
    {"notes": 'line one\nline two, with "quotes" and a tab\there', "tags": "missile;drone",
     "event_id_cnty": "X123456789012", "fatalities": "", "injured": ""},
    {"notes": "\u200fRTL mark, zero\u200dwidth joiner, </script><!-- and ${x} {{y}}",
     "source_url": "https://example.org/ar/مقال?id=1&x=2", "fatalities": "1234"},
    {"notes": '=HYPERLINK("http://x")', "actor2": "Civilians (Syria)", "time_precision": "3"},
]  # fmt: skip


def date_text(day: Any, tp: int) -> str:
    """The popup's date: the day, and for a week or month date the span it stands for."""
    if tp == 1:
        return str(day)
    slack = np.timedelta64(TIME_PRECISION_DAYS[tp], "D")
    words = TIME_LABELS[tp - 1]
    return f"{day} ({words}: {day - slack} to {day + slack})"


def expected_popup(inputs: Any, i: int) -> dict[str, Any]:
    """What the popup of store row i must show, built from the store and classification."""
    data, parsed, classes = inputs.store.table.data, inputs.store.parsed, inputs.classification
    symbol = symbol_key(data["sub_event_type"][i], data["tags"][i])
    label = style.SYMBOLS[symbol][0]

    def count(values: Any) -> str:
        return "not reported" if math.isnan(values[i]) else str(int(values[i]))

    tp, gp = int(parsed.time_precision[i]), int(parsed.geo_precision[i])
    admin = ", ".join(p for p in (classes.admin3[i], classes.admin2[i], classes.admin1[i]) if p)
    sides = dict(zip(SIDES, incident_data.SIDE_LABELS, strict=True))
    phases = dict(zip(PHASES, incident_data.PHASE_LABELS, strict=True))
    actors = " vs ".join(a for a in (data["actor1"][i], data["actor2"][i]) if a)
    return {
        "title": f"{label} – {data['location'][i]}",
        "rows": [
            ["Date", date_text(parsed.date[i], tp)],
            ["Type", data["sub_event_type"][i]],
            ["Place", (f"{data['location'][i]} ({incident_data.GEO_PRECISION_LABELS[gp - 1]}, "
                       f"± {GEO_PRECISION_RADIUS_M[gp] / 1000:g} km)")],
            ["Admin area", admin],
            ["Killed", count(parsed.fatalities)],
            ["Injured", count(parsed.injured)],
            ["Actors", actors],
            ["Corridor", (f"{sides[classes.corridor_side[i]]}; inside: "
                         f"{CERTAINTIES[CERTAINTIES.index(classes.in_corridor_certainty[i])]}")],
            ["Distance to M4", f"{round(float(classes.dist_to_m4_km[i]) * 10) / 10:.1f} km"],
            ["6 Mar 2020 ceasefire", phases[classes.phase[i]]],
            ["Tags", data["tags"][i]],
            ["ID", data["event_id_cnty"][i]],
        ],
        "note": data["notes"][i],
        "links": [{"href": data["source_url"][i], "text": f"Source: {data['source'][i]}"}],
    }  # fmt: skip


def test_every_field_round_trips_through_the_page(tmp_path: Path, page_and_log: PageAndLog) -> None:
    rows = list(csv.DictReader(io.StringIO(STORE.read_text(encoding="utf-8"))))
    for row, changes in zip(rows, TEXTS, strict=False):
        row.update(changes)
    store = tmp_path / "incidents.csv"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    store.write_text(out.getvalue(), encoding="utf-8")
    assert build_map.main(["--incidents", str(store), "--out", str(tmp_path), "-q"]) == 0
    inputs = load_inputs(store=store)

    page, log = page_and_log
    open_map(page, tmp_path / MAP_FILENAME)
    shown = page.evaluate(
        """() => { const api = IdlibMap.incidentData, out = {};
            for (let i = 0; i < api.set.n; i++) {
              const p = api.popupData(i);
              out[api.eventId(i)] = {...p, lat: api.set.lat[i], lon: api.set.lon[i]};
            }
            return out; }"""
    )
    ids = inputs.store.table.data["event_id_cnty"]
    assert sorted(shown) == sorted(ids)
    for i, event_id in enumerate(ids):
        popup = shown[event_id]
        assert abs(popup.pop("lat") - inputs.store.parsed.lat[i]) < 0.6e-5
        assert abs(popup.pop("lon") - inputs.store.parsed.lon[i]) < 0.6e-5
        assert popup == expected_popup(inputs, i), event_id

    # The popup a user opens shows the stored text literally, whole.
    for event_id in ("SYR12345", "custom-a", ids[3]):
        page.evaluate(
            "(id) => void IdlibMap.incidentData.open(IdlibMap.incidentData.indexOf(id))", event_id
        )
        text = page.locator(".leaflet-popup-content").inner_text()
        i = ids.index(event_id)
        assert inputs.store.table.data["notes"][i].strip().replace("\t", " ")[:300] in text.replace(
            "\t", " "
        )
        assert event_id in text
    assert log.page_errors == []
    assert log.dialogs == []
