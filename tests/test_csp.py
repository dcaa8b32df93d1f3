"""The page's Content-Security-Policy, checked on the built file (the browser side is in
tests/browser/test_csp.py)."""

from __future__ import annotations

import base64
import csv
import hashlib
import json
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pytest

import build_map
from geo.datasets import DATA_DIR
from layers.csp import PolicyError, policy_for, with_policy

if TYPE_CHECKING:
    from pathlib import Path


class Inline(HTMLParser):
    """The text of every inline script, JSON block and style, as a browser's parser sees it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self.data_blocks: list[str] = []
        self.styles: list[str] = []
        self._current: list[str] | None = None
        self._into = self.scripts

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            external = tag == "script" and any(name == "src" for name, _ in attrs)
            self._current = [] if not external else None
            is_data = ("type", "application/json") in attrs
            self._into = self.styles if tag == "style" else (
                self.data_blocks if is_data else self.scripts)  # fmt: skip

    @classmethod
    def of(cls, page: Path) -> Inline:
        inline = cls()
        inline.feed(page.read_text(encoding="utf-8"))
        return inline

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._current is not None:
            self._into.append("".join(self._current))
        self._current = None


def sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def directives(html: str) -> dict[str, list[str]]:
    head = html[: html.index("</head>")]
    policy = head.split('http-equiv="Content-Security-Policy" content="')[1].split('"')[0]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";")}


def test_policy_allows_exactly_the_page_own_scripts_and_styles(built_map: Path) -> None:
    html = built_map.read_text(encoding="utf-8")
    assert html.index('http-equiv="Content-Security-Policy"') < html.index("<script")
    assert html.index('<meta charset="utf-8">') < 200  # the encoding is still declared early
    found = directives(html)
    inline = Inline()
    inline.feed(html)
    assert len(inline.scripts) >= 8  # Leaflet, plugins, the project's, the map's
    assert sorted(found["script-src"]) == sorted({sha(s) for s in inline.scripts})
    # The layers' data (incidents, places, corridor …) is JSON the browser never runs.
    assert len(inline.data_blocks) >= 10
    assert not {sha(block) for block in inline.data_blocks} & set(found["script-src"])
    assert sorted(found["style-src"]) == sorted({sha(s) for s in inline.styles})
    assert found["default-src"] == ["'none'"]
    assert found["img-src"] == [
        "data:", "blob:", "https://server.arcgisonline.com", "https://tile.openstreetmap.org",
    ]  # fmt: skip
    assert found["base-uri"] == ["'none'"]
    assert "unsafe" not in html[: html.index("</head>")].split("Content-Security-Policy")[1][:4000]


def test_cdn_page_lists_its_cdn(tmp_path: Path) -> None:
    assert build_map.main(["--out", str(tmp_path), "--cdn", "--no-exports", "--quiet"]) == 0
    found = directives((tmp_path / "idlib_map.html").read_text(encoding="utf-8"))
    assert "https://cdn.jsdelivr.net" in found["script-src"]
    assert "https://cdn.jsdelivr.net" in found["style-src"]
    assert not any("unsafe" in value for values in found.values() for value in values)


def test_policy_of_small_pages() -> None:
    page = "<html><head><title>t</title></head><body><script>a()</script>"
    page += '<script type="application/json">{"data": 1}</script>'
    page += '<script src="https://cdn.example.org/x.js"></script></body></html>'
    found = policy_for(page)
    assert sha("a()") in found
    assert sha('{"data": 1}') not in found  # data, not code: needs no hash
    assert "https://cdn.example.org" in found
    done = with_policy(page)
    assert done.startswith('<html><head>\n<meta charset="utf-8">\n<meta http-equiv="Content-Sec')
    with pytest.raises(PolicyError, match="already"):
        with_policy(done)
    with pytest.raises(PolicyError, match="no <head>"):
        with_policy("<p>no head</p>")
    # The browser hashes a script's text after turning CR LF into LF.
    assert sha("a()\nb()") in policy_for("<head></head><script>a()\r\nb()</script>")


def _build_with(tmp_path: Path, name: str, text: str) -> tuple[str, Inline]:
    """Build five bundled incidents, the first with ``text`` as notes, and a layer titled it."""
    with (DATA_DIR / "incidents.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[:5]
    rows[0]["notes"] = text
    folder = tmp_path / name
    folder.mkdir()
    store = folder / "incidents.csv"
    with store.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    layer = folder / "posts.geojson"
    point = {"type": "Point", "coordinates": [36.63, 35.93]}
    feature = {"type": "Feature", "geometry": point, "properties": {"name": text}}
    layer.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    out = folder / "out"
    args = ["--store", str(store), "--out", str(out), "--layer", str(layer), "--no-exports",
            "--quiet"]  # fmt: skip
    assert build_map.main(args) == 0
    return (out / "idlib_map.html").read_text(encoding="utf-8"), Inline.of(out / "idlib_map.html")


def test_policy_is_the_same_whatever_the_data_holds(tmp_path: Path) -> None:
    """The data is JSON blocks, never run: markup in it changes no hash and adds no script."""
    plain, plain_inline = _build_with(tmp_path, "plain", "Shelling near the village")
    hostile = "</script><script>window.__pwned = 1</script><!-- & >"
    page, inline = _build_with(tmp_path, "hostile", hostile)
    assert directives(page) == directives(plain)
    assert len(inline.scripts) == len(plain_inline.scripts)
    assert not any("__pwned" in script for script in inline.scripts)
    # The layer's title is in its block, escaped: the block did not end early.
    assert any("__pwned" in block and "\\u003c/script" in block for block in inline.data_blocks)
