"""The map's symbol language, kept in :mod:`geo.symbology` so figures and exports share it."""

from __future__ import annotations

from geo.symbology import (
    ADMIN,
    BAND,
    CORRIDOR_NORTH,
    CORRIDOR_SOUTH,
    M4_LINE,
    MINOR_PLACE,
    PATROL_END,
    PATROL_SEGMENT,
    PLACE,
    POST_LATER,
    POST_ORIGINAL,
    SYMBOL_OF_SUB_EVENT,
    SYMBOLS,
    symbol_key,
)

__all__ = [
    "ADMIN", "BAND", "CORRIDOR_NORTH", "CORRIDOR_SOUTH", "M4_LINE", "MINOR_PLACE", "PATROL_END",
    "PATROL_SEGMENT", "PLACE", "POST_LATER", "POST_ORIGINAL", "SYMBOLS", "SYMBOL_OF_SUB_EVENT",
    "symbol_key",
]  # fmt: skip
