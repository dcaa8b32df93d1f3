"""The layout the product design fixes: geo/ is pure, build_map.py is thin."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = [
    *sorted(ROOT.glob("geo/**/*.py")),
    *sorted(ROOT.glob("layers/**/*.py")),
    ROOT / "build_map.py",
]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_geo_never_imports_folium_or_layers() -> None:
    for path in sorted(ROOT.glob("geo/**/*.py")):
        assert not imported_modules(path) & {"folium", "branca", "layers"}, path.name


def test_runtime_code_never_reads_shared() -> None:
    """Users have no ../shared: only scripts/ may derive data from it."""
    pattern = re.compile(r"\.\./shared|shared/data|[\"']shared[\"'/]")
    for path in RUNTIME:
        assert not pattern.search(path.read_text(encoding="utf-8")), path


def test_build_map_only_wires() -> None:
    """The CLI parses, calls the library and prints: commands and argument parsers only."""
    source = (ROOT / "build_map.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    functions = [node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
    assert all(
        name in {"main", "_parser"} or name.startswith(("_cmd_", "_parse_")) for name in functions
    )
    assert not [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    # 300 until each command imported its heavy modules when it runs (`--help` and a build
    # with nothing to do start fast) and the report commands (figure, chart) came.
    assert len(source.splitlines()) < 380
