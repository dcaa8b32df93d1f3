"""The store's content as the build reads it: CSV bytes, a name for messages, their digest."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


@dataclass(frozen=True, slots=True)
class StoreText:
    """One reading of a store, as the bytes of its CSV form.

    A file's bytes as they are on disk (a BOM is allowed); a database's as ``store pull``
    writes them, which are the bytes of the equivalent CSV store.
    """

    #: How messages name the store: its path, or its URL (which never holds a password).
    name: str
    data: bytes
    #: SHA-256 of ``data``.
    digest: str
    #: Reads the store again (a later state, for a file that changed while being read).
    reread: Callable[[], StoreText]

    @classmethod
    def of(cls, name: str, data: bytes, reread: Callable[[], StoreText]) -> StoreText:
        """Return the reading of ``data``, with its digest."""
        return cls(name=name, data=data, digest=hashlib.sha256(data).hexdigest(), reread=reread)
