"""Rules of the gazetteer merge (scripts/gazetteer.py), on made-up names and records."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import gazetteer


def test_an_alternate_opening_with_the_mark_of_ayn_is_kept() -> None:
    kept = gazetteer._latin_alternates("‘Ayn Lārūz|‘ayn larooz|Aïn el Aaroûs|`Ayn Qaşr 2")
    assert kept == ["‘Ayn Lārūz", "Aïn el Aaroûs"]  # lower case and digits are not names


def test_a_place_the_curated_notes_call_another_does_not_take_the_curated_names() -> None:
    # The curated notes say the point "Al Hawr" is another place than their Ain al-Hawr;
    # GeoNames gives that other place the curated place's name as an alternate.
    curated = gazetteer.Record(
        "Ain al-Hawr", 36.165, 35.778, "village", 300, place_id="ain_al_hawr"
    )
    curated.add_names(["Ain Hour", "عين الحور"])
    other = gazetteer.Record("Al Hawr", 36.126, 35.712, "village", 300)
    other.add_names(["El Haour", "‘Ayn al Ḩawr", "عين الحور", "الحور"])
    gazetteer._keep_apart([curated, other])
    assert other.names == ["El Haour"]
    assert other.names_ar == ["الحور"]
    assert curated.names == ["Ain Hour"]
