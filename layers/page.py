"""The two page functions a build is given, each importing its layers only when called.

Rendering the page template takes folium (about half a second to import); a build whose
template is cached never imports it, and ``--help`` imports neither. :func:`fill_page` is the
``fill_template`` a build runs (:func:`geo.build.build`): it puts the incident data in the
template's JSON block. The template carries the page's security policy already: the policy
hashes the page's scripts, and the data is not one (see :mod:`layers.csp`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geo.incidents.rows import IncidentRows
    from geo.project import StaticInputs

#: Stands for the packed data in a page template's JSON block (not JSON until filled). Here,
#: not with the packing (:mod:`layers.incident_data`), so that rendering a template does not
#: import pyarrow: about 0.05 s of a cold build's critical path (measured 4 Dec 2026).
DATA_PLACEHOLDER = "/*IDLIB_INCIDENT_DATA*/null"


class TemplateError(ValueError):
    """A page template does not hold exactly one incident-data placeholder."""


def render_template(inputs: StaticInputs, *, offline: bool) -> str:
    """Return the page with a placeholder for the incident data (:mod:`layers.compose`)."""
    from layers.compose import render_template as render  # noqa: PLC0415

    return render(inputs, offline=offline)


def fill_page(template: str, rows: IncidentRows) -> bytes:
    """Return the page of ``template`` with the data of ``rows`` in place (UTF-8)."""
    from layers.incident_data import fill_template  # noqa: PLC0415

    return fill_template(template, rows)
