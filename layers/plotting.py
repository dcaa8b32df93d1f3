"""What the figure and the chart share: matplotlib set up for deterministic files, and saving.

matplotlib is imported only inside :func:`styled`, so the other commands never pay for it.
Fonts are fixed (DejaVu Sans, shipped with matplotlib), text stays text in SVG (so a figure's
labels can be searched and checked), and the files carry no dates: the same data give the
same bytes.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, cast

from geo.atomic import atomic_write_bytes
from layers.compose import DATA_ATTRIBUTION

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from matplotlib.figure import Figure

__all__ = ["DATA_ATTRIBUTION", "FORMATS", "FigureFormatError", "save", "styled"]
FORMATS = (".png", ".svg", ".pdf")
_METADATA: dict[str, dict[str, Any]] = {
    ".png": {"Software": "idlib-map (matplotlib)"},
    ".svg": {"Creator": "idlib-map (matplotlib)", "Date": None},
    ".pdf": {"Creator": "idlib-map (matplotlib)", "Producer": "idlib-map", "CreationDate": None},
}


class FigureFormatError(ValueError):
    """The output file's suffix is not one matplotlib writes here (.png, .svg, .pdf)."""


class MatplotlibMissingError(RuntimeError):
    """matplotlib is not installed (it is a dependency of the package; reinstall it)."""


def check_format(out: Path, *, formats: tuple[str, ...] = FORMATS) -> None:
    """Raise :class:`FigureFormatError` unless ``out`` ends in one of ``formats``."""
    if out.suffix.lower() not in formats:
        msg = f"{out}: give a file ending in {', '.join(formats)}"
        raise FigureFormatError(msg)


@contextlib.contextmanager
def styled() -> Iterator[None]:
    """Run the block with the project's matplotlib settings (Agg, DejaVu Sans, no dates)."""
    try:
        import matplotlib as mpl  # noqa: PLC0415 - only the figure and chart commands need it
    except ImportError:  # pragma: no cover - a dependency; only a broken install lacks it
        msg = "matplotlib is missing: reinstall with `pip install -e .` (or `make map`)"
        raise MatplotlibMissingError(msg) from None
    mpl.use("Agg")
    settings = {
        "font.family": "DejaVu Sans",
        "svg.fonttype": "none",
        "svg.hashsalt": "idlib-map",
        "pdf.fonttype": 42,
        "path.simplify": True,
        "axes.spines.top": True,
    }
    with mpl.rc_context(cast("Any", settings)):
        yield


def save(fig: Figure, out: Path) -> Path:
    """Write ``fig`` to ``out`` atomically (format from the suffix), close it, return ``out``."""
    import io  # noqa: PLC0415

    import matplotlib.pyplot as plt  # noqa: PLC0415

    suffix = out.suffix.lower()
    check_format(out)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=suffix[1:], metadata=_METADATA[suffix], dpi=fig.dpi)
    plt.close(fig)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(out, buffer.getvalue())
    return out
