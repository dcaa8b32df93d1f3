"""A build cache in ``output/.cache``: entries keyed by a content hash of their inputs.

An entry is two files: ``NAME.bin`` (the payload) and ``NAME.json`` (its key, the cache
format, the code version and the payload's SHA-256). :meth:`BuildCache.read` returns the
payload only when all of these match; anything else (missing, stale, truncated, edited, from
another version of the code) is reported as a miss with its reason and rebuilt. Payloads are
plain bytes: nothing in the cache is ever executed or unpickled.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from pathlib import Path

from geo.atomic import atomic_write_bytes

log = logging.getLogger(__name__)

#: Bump when the layout of any cache entry changes.
CACHE_FORMAT = 1
CACHE_DIRNAME = ".cache"
_PROJECT_ROOT = Path(__file__).resolve().parents[1]
_CODE_SUFFIXES = frozenset({".py", ".js", ".css", ".json"})


@functools.cache
def code_version() -> str:
    """Return a digest of the code that shapes the outputs (``geo/``, ``layers/``).

    Any edit to a module, script, style or the asset manifest changes it, so a cache written
    by other code is never trusted.
    """
    digest = hashlib.sha256()
    for package in ("geo", "layers"):
        for path in sorted((_PROJECT_ROOT / package).rglob("*")):
            if path.suffix in _CODE_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(path.relative_to(_PROJECT_ROOT).as_posix().encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def file_digest(path: Path) -> str:
    """Return the SHA-256 of a file's bytes (``"missing"`` when there is no such file)."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except FileNotFoundError:
        return "missing"


def digest(*parts: str) -> str:
    """Return a short SHA-256 of text parts (order matters)."""
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode("utf-8"))
        hasher.update(b"\0")
    return hasher.hexdigest()[:32]


class BuildCache:
    """Cache entries under ``directory``; see the module docstring for what makes one valid.

    Parameters
    ----------
    directory
        Usually ``OUT / ".cache"``; created on the first write.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _paths(self, name: str) -> tuple[Path, Path]:
        return self.directory / f"{name}.bin", self.directory / f"{name}.json"

    def read(self, name: str, *, key: str) -> bytes | None:
        """Return the payload of entry ``name`` if it was written for ``key``, else None."""
        payload_path, meta_path = self._paths(name)
        reason = self._check(payload_path, meta_path, key)
        if isinstance(reason, str):
            # A stale entry is the normal course after an edit of the data, a foreign one after
            # an upgrade of the code (every entry, once): only a damaged one is news.
            level = logging.INFO if reason.startswith("corrupt") else logging.DEBUG
            log.log(level, "cache %s: %s, rebuilding it", name, reason)
            return None
        return reason

    def _check(self, payload_path: Path, meta_path: Path, key: str) -> bytes | str:  # noqa: PLR0911
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            payload = payload_path.read_bytes()
        except FileNotFoundError:
            return "missing"
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            return "corrupt (unreadable metadata)"
        if not isinstance(meta, dict):
            return "corrupt (metadata is not an object)"
        if meta.get("format") != CACHE_FORMAT or meta.get("code") != code_version():
            return "written by another version of the code"
        if meta.get("key") != key:
            return "stale (its inputs changed)"
        if meta.get("sha256") != hashlib.sha256(payload).hexdigest():
            return "corrupt (payload does not match its checksum)"
        return payload

    def inspect(self) -> list[tuple[str, str]]:
        """Return each entry's name and state: ``ok``, or why a build would not use it.

        The key is not checked (only a build knows its inputs); metadata, code version and
        checksum are.
        """
        out = []
        for meta_path in sorted(self.directory.glob("*.json")):
            name = meta_path.stem
            try:
                key = json.loads(meta_path.read_text(encoding="utf-8")).get("key", "")
            except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError):
                out.append((name, "corrupt (unreadable metadata)"))
                continue
            payload_path, _ = self._paths(name)
            checked = self._check(payload_path, meta_path, str(key))
            out.append((name, "ok" if isinstance(checked, bytes) else checked))
        return out

    def write(self, name: str, payload: bytes, *, key: str) -> str:
        """Store ``payload`` as entry ``name`` for ``key`` (payload first, then metadata).

        Returns the payload's SHA-256.
        """
        payload_path, meta_path = self._paths(name)
        meta = {"format": CACHE_FORMAT, "code": code_version(), "key": key,
                "sha256": hashlib.sha256(payload).hexdigest(), "bytes": len(payload)}  # fmt: skip
        atomic_write_bytes(payload_path, payload)
        atomic_write_bytes(meta_path, (json.dumps(meta, indent=1) + "\n").encode("utf-8"))
        return str(meta["sha256"])
