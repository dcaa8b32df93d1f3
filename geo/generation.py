"""Which process publishes the exports, and a process that writes them after its parent left.

``add`` and ``import-acled`` return once the store and the map are written; the exports
follow in a detached process (:func:`detach`). Two such exporters (or one and a ``build``)
may run at once, so each command that is about to write exports first records the
generation it starts in ``OUT/.cache/exports.generation`` ("exports of store digest D,
started at T", :func:`begin`), replacing the record of any earlier one. The process writing
that generation holds a shared ``flock`` on the record's file for as long as it runs; the
kernel drops it when the process ends, killed or not, so "being written" needs no pid that
may be reused.

Exports are written to fsynced temporaries first; then the writer takes the exclusive
exports lock (``OUT/.cache/exports.lock``) and publishes them only if its digest is still
the one recorded (:func:`publish_if_newest`); a writer overtaken by a newer generation
discards its temporaries. A ``build`` that finds the current digest's generation still
being written waits for its writer (:func:`wait_for`) instead of writing the same files.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from geo.atomic import atomic_write_text, sync_folder
from geo.filelock import locked

if TYPE_CHECKING:
    from collections.abc import Callable

log = logging.getLogger(__name__)
#: The record of the newest exports generation started, in the build cache's folder.
RECORD_NAME = "exports.generation"
#: ``OUT/.cache/exports.lock``: held while one writer checks its generation and publishes.
_LOCK_STEM = "exports"
#: Where a detached exporter that failed leaves its error (read by ``doctor``).
ERROR_NAME = "exports.error"
T = TypeVar("T")


@dataclass
class Generation:
    """A generation this process started: its digest and the open, share-locked record."""

    folder: Path
    key: str
    fd: int | None

    def close(self) -> None:
        """Let go of the record (its lock says the generation is being written)."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


@dataclass(frozen=True, slots=True)
class RecordState:
    """What the record says: the digest, when it was started, and whether it is running."""

    key: str
    started: float
    running: bool


def begin(folder: Path, key: str) -> Generation:
    """Record a new generation for digest ``key`` in ``folder`` and hold its shared lock.

    The lock is taken on the temporary before it is renamed into place, so the record is
    never visible unlocked while its writer runs.
    """
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{RECORD_NAME}.", suffix=".tmp", dir=folder)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        os.fchmod(fd, 0o644)  # mkstemp's 0600 would keep it from other users' doctor
        text = json.dumps({"key": key, "started": time.time(), "pid": os.getpid()})
        os.write(fd, text.encode("utf-8") + b"\n")
        os.fsync(fd)
        Path(name).replace(folder / RECORD_NAME)
    except BaseException:
        os.close(fd)
        Path(name).unlink(missing_ok=True)
        raise
    sync_folder(folder)
    return Generation(folder, key, fd)


def _read(fd: int) -> dict[str, object]:
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(os.pread(fd, 4096, 0))
        if isinstance(data, dict):
            return data
    return {}


def current_key(folder: Path) -> str | None:
    """Return the digest of the newest generation started (None without a record)."""
    state = inspect(folder)
    return None if state is None else state.key


def inspect(folder: Path) -> RecordState | None:
    """Return the record's state: its digest, start time and whether its writer runs."""
    try:
        fd = os.open(folder / RECORD_NAME, os.O_RDONLY)
    except OSError:
        return None
    try:
        data = _read(fd)
        try:  # a writer holds a shared lock: an exclusive one is refused while it runs
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            running = True
        else:
            running = False
        started = data.get("started", 0.0)
        return RecordState(str(data.get("key", "")),
                           float(started) if isinstance(started, int | float) else 0.0,
                           running)  # fmt: skip
    finally:
        os.close(fd)


def wait_for(folder: Path, key: str) -> bool:
    """Wait for the writer of digest ``key``'s generation, if that is the newest one.

    Returns whether the record names ``key`` (then the caller checks the exports again).
    """
    try:
        fd = os.open(folder / RECORD_NAME, os.O_RDONLY)
    except OSError:
        return False
    try:
        if _read(fd).get("key") != key:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("exports of this store are being written by another process: waiting")
            fcntl.flock(fd, fcntl.LOCK_EX)  # returns when the writer ends (or is killed)
        return True
    finally:
        os.close(fd)


def publish_if_newest(generation: Generation, publish: Callable[[], T]) -> T | None:
    """Run ``publish`` under the exports lock if ``generation`` is still the newest one.

    Returns its result, or None when a newer generation was started (the caller discards
    its temporaries: the newer one's writer publishes).
    """
    with locked(generation.folder / _LOCK_STEM):
        if current_key(generation.folder) != generation.key:
            log.info("exports of an older store left unpublished: a newer build writes them")
            return None
        return publish()


def detach(job: Callable[[], None], *, error_log: Path | None = None) -> int | None:
    """Run ``job`` in a detached process (its own session; it outlives this one).

    Returns its pid; where :func:`os.fork` is missing ``job`` runs here first (None).
    Nobody waits for the process: if ``job`` fails, its error is written to ``error_log``.
    Two forks: the first child starts a session (:func:`os.setsid`), forks the exporter and
    leaves, so the exporter is nobody's child to wait for (no zombie in a long-lived
    caller) and, unlike :mod:`geo.background`'s children, does not die with its parent.
    """
    if not hasattr(os, "fork"):
        job()
        return None
    for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
        with contextlib.suppress(ValueError, OSError):
            stream.flush()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            os.setsid()
            grandchild = os.fork()
            if grandchild == 0:
                os.close(write_end)
                _run_detached(job, error_log)
            os.write(write_end, str(grandchild).encode("ascii"))
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return int(data) if data else None


def _run_detached(job: Callable[[], object], error_log: Path | None) -> None:
    """Run ``job`` with the standard streams on ``/dev/null``, then leave (no exit handlers).

    The streams are let go of so that a caller reading the command's output through a pipe
    sees it end when the command does, not when the exports are done. An error is written
    to ``error_log`` (nobody is there to be told; the next build writes the exports again).
    """
    status = 0
    try:
        null = os.open(os.devnull, os.O_RDWR)
        for stream in (0, 1, 2):
            os.dup2(null, stream)
        os.close(null)
        job()
    except BaseException as exc:  # noqa: BLE001 - see above
        status = 1
        if error_log is not None:
            with contextlib.suppress(OSError):
                when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
                text = f"{when}: {type(exc).__name__}: {exc}\n{traceback.format_exc()}"
                atomic_write_text(error_log, text)
    finally:
        os._exit(status)


def last_error(folder: Path, *, since: float) -> str:
    """Return the first line of the error a detached exporter left after ``since``, or ""."""
    path = folder / ERROR_NAME
    with contextlib.suppress(OSError):
        if path.stat().st_mtime >= since:
            return path.read_text(encoding="utf-8").splitlines()[0]
    return ""
