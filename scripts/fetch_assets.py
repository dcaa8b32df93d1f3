"""Install the third-party web assets the offline map inlines (``layers/assets.json``).

Each npm package is fetched with ``npm pack NAME@VERSION`` from the npm registry, its sha512
checked against the pinned integrity, and unpacked into ``assets/npm/NAME@VERSION/``.
Idempotent: an installed package with a matching stamp is skipped.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "layers" / "assets.json"
ASSET_DIR = ROOT / "assets"


def _integrity(path: Path) -> str:
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


def install(name: str, version: str, integrity: str) -> bool:
    """Install one package; return True if it was fetched, False if already present."""
    target = ASSET_DIR / "npm" / f"{name}@{version}"
    stamp = target / ".integrity"
    if stamp.is_file() and stamp.read_text(encoding="ascii").strip() == integrity:
        return False
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is needed to fetch the map's web assets: apt-get install npm (Debian)")
    with tempfile.TemporaryDirectory(dir=ASSET_DIR) as tmp:
        result = subprocess.run(  # noqa: S603 - fixed program, pinned package spec
            [npm, "pack", f"{name}@{version}", "--pack-destination", tmp, "--json", "--silent"],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            sys.exit(f"npm pack {name}@{version} failed:\n{result.stderr.strip()}")
        tarball = Path(tmp) / json.loads(result.stdout)[0]["filename"]
        found = _integrity(tarball)
        if found != integrity:
            sys.exit(f"{name}@{version}: integrity {found} does not match the pinned {integrity}")
        unpacked = Path(tmp) / "unpacked"
        with tarfile.open(tarball) as archive:
            archive.extractall(unpacked, filter="data")
        (unpacked / ".integrity").write_text(integrity + "\n", encoding="ascii")
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        unpacked.rename(target)
    return True


def main() -> None:
    """Install every package in the manifest."""
    ASSET_DIR.mkdir(exist_ok=True)
    packages = json.loads(MANIFEST.read_text(encoding="utf-8"))["npm"]
    for name, spec in sorted(packages.items()):
        fetched = install(name, spec["version"], spec["integrity"])
        state = "installed" if fetched else "already installed"
        print(f"assets: {name}@{spec['version']} {state}")


if __name__ == "__main__":
    main()
