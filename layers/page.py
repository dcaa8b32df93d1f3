"""The finished page: the template filled with the incident data, then its security policy.

This is the ``fill_template`` a build runs (:func:`geo.build.build`): the policy is computed
last, on the exact bytes the browser will read (see :mod:`layers.csp`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from layers.csp import with_policy
from layers.incident_data import fill_template

if TYPE_CHECKING:
    from geo.incidents.rows import IncidentRows


def fill_page(template: str, rows: IncidentRows) -> str:
    """Return the page of ``template`` with the data of ``rows`` and its CSP in place."""
    return with_policy(fill_template(template, rows))
