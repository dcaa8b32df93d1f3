"""Exception classes raised by the ``geo`` package."""

from __future__ import annotations


class DataFileError(ValueError):
    """A data file is missing, unreadable or has an invalid row or field."""


class CRSError(ValueError):
    """A geometry or frame has no CRS or a CRS other than the one required."""


class GeometryError(ValueError):
    """A geometry is empty, invalid or of the wrong type for the operation."""
