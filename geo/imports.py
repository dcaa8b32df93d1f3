"""Keep optional heavy packages out of a map-building process that does not use them.

pyarrow imports pandas the first time it converts a value (``pa.array``, ``pa.scalar``, a
compute call with a Python argument), to ask whether the value is a pandas object; pyogrio
imports geopandas and pandas when it is imported, for its data-frame functions. A build
uses neither package, and the two imports cost about 0.5 s of a build process (measured
2 Dec 2026, 2-core machine). Both libraries treat a package that cannot be imported as
absent and go on, so a build process refuses these imports: the first build of 100,000
incidents took 0.88 times as long, pair by pair, with byte-identical outputs.

Only a process of its own may refuse (the command line's): pyarrow remembers that pandas
is absent for the rest of the process, and a notebook or test session that builds a map
and then asks pyarrow for a data frame would fail.
"""

from __future__ import annotations

import importlib.abc
import logging
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from importlib.machinery import ModuleSpec
    from types import ModuleType

log = logging.getLogger(__name__)
#: What a map build refuses: neither is used on its path (analyst layers do use them).
UNUSED_IN_BUILDS = ("pandas", "geopandas")


class _Refuse(importlib.abc.MetaPathFinder):
    """Make ``import NAME`` (and its submodules) fail as for a package not installed."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        """Refuse the names given; let every other finder decide the rest."""
        del path, target
        if fullname.split(".", maxsplit=1)[0] in self.names:
            log.debug("refused import of %s (not used by a map build)", fullname)
            msg = f"No module named {fullname!r} (kept out of map builds: geo.imports)"
            raise ModuleNotFoundError(msg, name=fullname)
        return None


def refuse(names: tuple[str, ...] = UNUSED_IN_BUILDS) -> tuple[str, ...]:
    """Make the packages ``names`` unimportable in this process; return those refused.

    A package already imported stays (refusing it would change nothing); calling twice adds
    no second finder.

    Examples
    --------
    >>> refuse(("json",))  # imported already: nothing to refuse
    ()
    """
    wanted = tuple(name for name in names if name not in sys.modules)
    if wanted and not any(isinstance(finder, _Refuse) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Refuse(wanted))
        return wanted
    return ()
