"""The analysis notebook runs top to bottom on the bundled data's build outputs."""

from pathlib import Path

import nbformat
from nbclient import NotebookClient

import build_map

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "corridor_incidents.ipynb"


def test_notebook_runs_on_the_built_outputs() -> None:
    assert build_map.main(["--quiet"]) == 0  # writes output/, which the notebook reads
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    errors = [
        out
        for cell in notebook.cells
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert errors == []
    images = [
        out
        for cell in notebook.cells
        for out in cell.get("outputs", [])
        if "image/png" in out.get("data", {})
    ]
    assert len(images) >= 2  # the monthly bar chart and the distance histogram


def test_notebook_is_stored_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
