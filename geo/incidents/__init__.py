"""Incidents: the ACLED-compatible store, its validation, additions, imports and classification."""

from geo.incidents.issues import IncidentValidationError, Issue
from geo.incidents.schema import INCIDENT_COLUMNS
from geo.incidents.store import Incident, IncidentStore, load_incidents, load_store

__all__ = [
    "INCIDENT_COLUMNS",
    "Incident",
    "IncidentStore",
    "IncidentValidationError",
    "Issue",
    "load_incidents",
    "load_store",
]
