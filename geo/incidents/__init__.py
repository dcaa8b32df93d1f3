"""Incidents: the ACLED-compatible store, its validation, additions, imports and classification."""

from geo.incidents.schema import INCIDENT_COLUMNS
from geo.incidents.store import Incident, IncidentStore, load_incidents, load_store
from geo.incidents.validate import IncidentValidationError, Issue

__all__ = [
    "INCIDENT_COLUMNS",
    "Incident",
    "IncidentStore",
    "IncidentValidationError",
    "Issue",
    "load_incidents",
    "load_store",
]
