"""Make a rendered folium page self-contained: inline every script and stylesheet it links.

The files come from npm packages pinned in ``assets.json`` and installed into ``assets/`` by
``scripts/fetch_assets.py`` (``make map`` and ``make test`` run it). Images and fonts that a
stylesheet references are inlined as data URIs. A link the manifest does not know is an
error, so a page never silently depends on a CDN.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from geo.doctor import Finding


ASSET_DIR = Path(__file__).resolve().parents[1] / "assets"

_SCRIPT_TAG = re.compile(r'<script src="(?P<url>[^"]+)"></script>')
_CSS_TAG = re.compile(r'<link rel="stylesheet" href="(?P<url>[^"]+)"/>')
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)
_CSS_URL = re.compile(r"url\((?P<q>['\"]?)(?P<ref>[^'\")]+)(?P=q)\)")
#: Set before leaflet.js loads: Leaflet reads it at load time. 2D positioning composites
#: thousands of markers an order of magnitude faster in Chromium.
_LEAFLET_PRELUDE = "<script>var L_DISABLE_3D = true;</script>"


class OfflineAssetError(RuntimeError):
    """A linked asset is unknown to the manifest or has not been installed."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """The pinned packages and the URL-to-file map of ``assets.json``."""

    packages: dict[str, dict[str, str]]
    urls: dict[str, str]

    def local_path(self, url: str, *, asset_dir: Path) -> Path:
        """Return the installed file that stands in for ``url``."""
        relative = self.urls.get(url)
        if relative is None:
            msg = f"no offline copy of {url}: add it to layers/assets.json"
            raise OfflineAssetError(msg)
        package, _, inner = relative.partition("/")
        version = self.packages[package]["version"]
        path = asset_dir / "npm" / f"{package}@{version}" / "package" / inner
        if not path.is_file():
            msg = f"{path} is missing: run `make assets` (python scripts/fetch_assets.py)"
            raise OfflineAssetError(msg)
        return path


def load_manifest() -> Manifest:
    """Read ``layers/assets.json``."""
    raw: dict[str, Any] = json.loads(
        resources.files("layers").joinpath("assets.json").read_text(encoding="utf-8")
    )
    return Manifest(packages=raw["npm"], urls=raw["urls"])


def inline_assets(html: str, *, asset_dir: Path = ASSET_DIR) -> str:
    """Replace every ``<script src>`` and stylesheet ``<link>`` with the file's content.

    Parameters
    ----------
    html
        A page rendered by folium.
    asset_dir
        Where ``scripts/fetch_assets.py`` installed the packages.

    Returns
    -------
    str
        The page with no external script or stylesheet.

    Raises
    ------
    OfflineAssetError
        If a linked URL has no pinned local copy, or the copy is not installed.
    """
    manifest = load_manifest()

    def script(match: re.Match[str]) -> str:
        url = match["url"]
        code = manifest.local_path(url, asset_dir=asset_dir).read_text(encoding="utf-8")
        code = _SOURCE_MAP.sub("", code).replace("</script", "<\\/script")
        prelude = _LEAFLET_PRELUDE if url.endswith("/leaflet.js") else ""
        return f"{prelude}<script>{code}</script>"

    def stylesheet(match: re.Match[str]) -> str:
        path = manifest.local_path(match["url"], asset_dir=asset_dir)
        css = _inline_css_urls(path.read_text(encoding="utf-8"), base=path.parent)
        return f"<style>{css}</style>"

    return _CSS_TAG.sub(stylesheet, _SCRIPT_TAG.sub(script, html))


def _inline_css_urls(css: str, *, base: Path) -> str:
    def data_uri(match: re.Match[str]) -> str:
        ref = match["ref"]
        if ref.startswith(("data:", "#")):
            return match.group(0)
        path = (base / ref.split("?")[0].split("#")[0]).resolve()
        if not path.is_file():
            msg = f"stylesheet in {base} references {ref}, which is not installed"
            raise OfflineAssetError(msg)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        encoded = base64.b64encode(path.read_bytes()).decode("ascii")
        return f'url("data:{mime};base64,{encoded}")'

    return _CSS_URL.sub(data_uri, css)


def external_urls(html: str) -> list[str]:
    """Return the script and stylesheet URLs a page still loads from the network."""
    urls = [m["url"] for m in _SCRIPT_TAG.finditer(html)]
    urls += [m["url"] for m in _CSS_TAG.finditer(html)]
    return sorted(url for url in set(urls) if url.startswith(("http://", "https://", "//")))


def check_assets(*, asset_dir: Path = ASSET_DIR) -> list[Finding]:
    """Check that every pinned file the offline map inlines is installed (for ``doctor``)."""
    from geo.doctor import Finding  # noqa: PLC0415 - doctor's checks stay out of a build

    manifest = load_manifest()
    missing = []
    for url in sorted(manifest.urls):
        try:
            manifest.local_path(url, asset_dir=asset_dir)
        except OfflineAssetError as exc:
            missing.append(str(exc))
    if missing:
        detail = f"{len(missing)} file(s) missing, e.g. {missing[0]}"
        return [Finding("assets", ok=False, detail=detail, fix="make assets")]
    detail = f"all {len(manifest.urls)} pinned files installed (the map renders offline)"
    return [Finding("assets", ok=True, detail=detail)]
