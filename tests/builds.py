"""A build as ``build_map.py`` runs it, from inside a test (no progress bar)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.build import STAGES, BuildResult, BuildSettings, build, forget
from geo.datasets import DATA_DIR
from geo.progress import Progress
from layers.compose import render_template
from layers.page import fill_page

if TYPE_CHECKING:
    from pathlib import Path


def build_as_cli(
    store: Path,
    out: Path,
    *,
    data_dir: Path = DATA_DIR,
    exports: bool = True,
    new_process: bool = False,
    strict: bool = False,
) -> BuildResult:
    """Build as the CLI does; ``new_process`` forgets what earlier builds left in memory."""
    if new_process:
        forget()
    settings = BuildSettings(data_dir=data_dir, out=out, store=store, exports=exports,
                             strict=strict)  # fmt: skip
    return build(
        settings,
        render_template=render_template,
        fill_template=fill_page,
        progress=Progress(stages=STAGES, enabled=False),
    )
