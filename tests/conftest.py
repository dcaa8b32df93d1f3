"""Shared fixtures: the bundled data loaded once, and a map built into a temporary folder."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

import build_map
from geo.build import MAP_FILENAME
from geo.project import MapInputs, load_inputs

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(scope="session")
def map_inputs() -> MapInputs:
    return load_inputs()


@pytest.fixture(scope="session")
def built_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the default map with the CLI entry point, as a user would."""
    out = tmp_path_factory.mktemp("output")
    assert build_map.main(["--out", str(out), "--quiet"]) == 0
    return out / MAP_FILENAME
