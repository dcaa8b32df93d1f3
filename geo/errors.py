"""Exception classes raised by the ``geo`` package."""

from __future__ import annotations

from typing import Any


class DataFileError(ValueError):
    """A data file is missing, unreadable or has an invalid row or field."""


class CRSError(ValueError):
    """A geometry or frame has no CRS or a CRS other than the one required."""


class GeometryError(ValueError):
    """A geometry is empty, invalid or of the wrong type for the operation."""


class GeocodeInputError(ValueError):
    """A geocoding query is not usable text (wrong type or too long)."""


class PlaceNotFoundError(LookupError):
    """No place matches a name confidently; ``suggestions`` lists the closest matches."""

    def __init__(self, query: str, suggestions: list[Any]) -> None:
        self.query = query
        self.suggestions = suggestions
        names = ", ".join(_describe(match) for match in suggestions)
        hint = f"; did you mean: {names}?" if names else ""
        super().__init__(f"no place matches {query!r} confidently{hint}")


class AmbiguousPlaceError(LookupError):
    """Several places match a name about equally well; ``candidates`` lists them."""

    def __init__(self, query: str, candidates: list[Any]) -> None:
        self.query = query
        self.candidates = candidates
        names = "; ".join(_describe(match) for match in candidates)
        super().__init__(
            f"{query!r} is ambiguous: {names}. Give a position or an admin area to choose, "
            "or use the place id in brackets."
        )


def _describe(match: Any) -> str:  # noqa: ANN401 - a geo.geocode.Match, kept untyped to avoid a cycle
    place = match.place
    admin = ", ".join(part for part in (place.admin3, place.admin2, place.admin1) if part)
    position = f"{place.position.lat:.3f}, {place.position.lon:.3f}"
    return f"{place.name_en} [{place.place_id}] ({admin}; {position})"
