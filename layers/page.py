"""The two page functions a build is given, each importing its layers only when called.

Rendering the page template takes folium (about half a second to import); a build whose
template is cached never imports it, and ``--help`` imports neither.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geo.incidents.rows import IncidentRows
    from geo.project import StaticInputs


def render_template(inputs: StaticInputs, *, offline: bool) -> str:
    """Return the page with a placeholder for the incident data (:mod:`layers.compose`)."""
    from layers.compose import render_template as render  # noqa: PLC0415

    return render(inputs, offline=offline)


def fill_template(template: str, rows: IncidentRows) -> str:
    """Return the page with the incident data in place (:mod:`layers.incident_data`)."""
    from layers.incident_data import fill_template as fill  # noqa: PLC0415

    return fill(template, rows)
