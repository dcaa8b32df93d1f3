"""What the map needs of each incident, as dictionary-coded arrays that load and merge fast.

:class:`IncidentRows` holds one entry per store row (in file order): numbers as numpy arrays
and every text as an integer code into one string table (code 0 is empty text). It is built
from a validated, classified store, cached between builds as plain arrays (``.npz`` without
pickles, plus the string table as JSON), and concatenated when a build reuses cached rows
and adds the rows that changed.
"""

from __future__ import annotations

import io
import itertools
import json
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from geo.incidents.classify import Classification
    from geo.incidents.store import IncidentStore

SIDES = ("north", "south", "road", "outside")
CERTAINTIES = ("certain", "possible", "outside")
PHASES = ("before", "after", "uncertain")
#: Text of each row kept for the map; ``admin`` is "sub-district, district, governorate" and
#: ``place_key`` the place id (or folded location) that the duplicate check compares.
TEXT_FIELDS = (
    "event_id", "sub_event_type", "tags", "location", "source", "source_url", "notes",
    "actor1", "actor2", "admin", "place_key", "id_prefix",
)  # fmt: skip
#: Ids end in at most this many digits to be split into a prefix and a number.
MAX_ID_DIGITS = 9
_STORE_COLUMN = {"event_id": "event_id_cnty"}


@dataclass
class IncidentRows:
    """Per-row arrays aligned with the store's rows; see the module docstring.

    ``id_number``/``id_width``/``text["id_prefix"]`` split an id like ``SYR012345`` into
    ``SYR``, 12345 and 6 digits (number -1 when the id does not end in 1 to 9 digits).
    ``day`` counts days since 1970-01-01; ``fatalities``/``injured`` are NaN when not
    reported; ``side``/``certainty``/``phase`` index :data:`SIDES`, :data:`CERTAINTIES` and
    :data:`PHASES`; ``text`` maps each of :data:`TEXT_FIELDS` to codes into ``strings``.
    """

    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    day: NDArray[np.int64]
    time_precision: NDArray[np.int8]
    geo_precision: NDArray[np.int8]
    fatalities: NDArray[np.float64]
    injured: NDArray[np.float64]
    side: NDArray[np.int8]
    certainty: NDArray[np.int8]
    phase: NDArray[np.int8]
    dist_km: NDArray[np.float64]
    id_number: NDArray[np.int64]
    id_width: NDArray[np.int8]
    text: dict[str, NDArray[np.int32]]
    strings: list[str]

    def __len__(self) -> int:
        """Return the number of rows."""
        return len(self.lat)

    def values(self, name: str) -> list[str]:
        """Return text field ``name`` as strings, one per row."""
        strings = self.strings
        return [strings[code] for code in self.text[name].tolist()]

    def take(self, index: NDArray[np.int64]) -> IncidentRows:
        """Return the rows at ``index`` (same string table)."""
        arrays = {f.name: getattr(self, f.name)[index] for f in _array_fields()}
        return IncidentRows(
            **arrays,
            text={name: codes[index] for name, codes in self.text.items()},
            strings=self.strings,
        )

    def compact(self) -> IncidentRows:
        """Return the same rows with a string table of only the texts they use."""
        used = np.zeros(len(self.strings), dtype=bool)
        used[0] = True
        for codes in self.text.values():
            used[codes] = True
        if used.all():
            return self
        remap = np.cumsum(used, dtype=np.int32) - 1
        arrays = {f.name: getattr(self, f.name) for f in _array_fields()}
        return IncidentRows(
            **arrays,
            text={name: remap[codes] for name, codes in self.text.items()},
            strings=[
                value for value, keep in zip(self.strings, used.tolist(), strict=True) if keep
            ],
        )

    def to_bytes(self) -> bytes:
        """Serialise as an ``.npz`` archive of plain arrays (no pickles)."""
        arrays: dict[str, Any] = {f.name: getattr(self, f.name) for f in _array_fields()}
        arrays.update({f"text_{name}": codes for name, codes in self.text.items()})
        arrays["strings"] = np.frombuffer(
            json.dumps(self.strings, ensure_ascii=False).encode("utf-8"), dtype=np.uint8
        )
        buffer = io.BytesIO()
        np.savez(buffer, allow_pickle=False, **arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, payload: bytes) -> IncidentRows:
        """Read :meth:`to_bytes` output; raise ValueError when it is not such an archive."""
        try:
            with np.load(io.BytesIO(payload), allow_pickle=False) as archive:
                arrays = {f.name: archive[f.name] for f in _array_fields()}
                text = {name: archive[f"text_{name}"] for name in TEXT_FIELDS}
                strings = json.loads(archive["strings"].tobytes().decode("utf-8"))
        except (OSError, KeyError, ValueError, UnicodeDecodeError) as exc:
            msg = f"not an incident rows archive ({exc})"
            raise ValueError(msg) from exc
        rows = cls(**arrays, text=text, strings=strings)
        n = len(rows)
        if any(len(getattr(rows, f.name)) != n for f in _array_fields()) or any(
            len(codes) != n or (n and int(codes.max()) >= len(strings)) for codes in text.values()
        ):
            msg = "incident rows archive has inconsistent lengths or codes"
            raise ValueError(msg)
        return rows


def _array_fields() -> list[Any]:
    return [f for f in fields(IncidentRows) if f.name not in {"text", "strings"}]


def _codes(values: NDArray[np.str_], labels: tuple[str, ...]) -> NDArray[np.int8]:
    codes = np.full(len(values), -1, dtype=np.int8)
    for code, label in enumerate(labels):
        codes[values == label] = code
    if (codes < 0).any():
        unknown = sorted(set(values[codes < 0].tolist()))
        msg = f"unexpected classification values {unknown}; expected one of {labels}"
        raise ValueError(msg)
    return codes


def rows_from_store(store: IncidentStore, classes: Classification) -> IncidentRows:
    """Return the rows of a validated store with its classification."""
    data, parsed = store.table.data, store.parsed
    admin = [
        ", ".join(part for part in parts if part)
        for parts in zip(classes.admin3, classes.admin2, classes.admin1, strict=True)
    ]
    place_key = [
        pid or location.strip().casefold()
        for pid, location in zip(data["place_id"], data["location"], strict=True)
    ]
    prefixes, numbers, widths = split_ids(data["event_id_cnty"])
    columns = {name: data[_STORE_COLUMN.get(name, name)] for name in TEXT_FIELDS[:-3]}
    columns.update(admin=admin, place_key=place_key, id_prefix=prefixes)
    # dict.fromkeys dedupes in C, keeping first-seen order; map() looks codes up in C.
    table = {
        value: code
        for code, value in enumerate(dict.fromkeys(["", *itertools.chain(*columns.values())]))
    }
    text = {
        name: np.fromiter(map(table.__getitem__, values), dtype=np.int32, count=len(values))
        for name, values in columns.items()
    }
    return IncidentRows(
        lat=parsed.lat,
        lon=parsed.lon,
        day=parsed.date.astype("datetime64[D]").astype(np.int64),
        time_precision=parsed.time_precision,
        geo_precision=parsed.geo_precision,
        fatalities=parsed.fatalities,
        injured=parsed.injured,
        side=_codes(classes.corridor_side, SIDES),
        certainty=_codes(classes.in_corridor_certainty, CERTAINTIES),
        phase=_codes(classes.phase, PHASES),
        dist_km=np.asarray(classes.dist_to_m4_km, dtype=np.float64),
        id_number=numbers,
        id_width=widths,
        text=text,
        strings=list(table),
    )


def split_ids(ids: list[str]) -> tuple[list[str], NDArray[np.int64], NDArray[np.int8]]:
    """Split each id into its prefix, the number it ends with and that number's digit count.

    Examples
    --------
    >>> prefixes, numbers, widths = split_ids(["SYR012345", "custom", "X1234567890"])
    >>> prefixes, numbers.tolist(), widths.tolist()
    (['SYR', '', ''], [12345, -1, -1], [6, 0, 0])
    """
    prefixes: list[str] = []
    numbers = np.full(len(ids), -1, dtype=np.int64)
    widths = np.zeros(len(ids), dtype=np.int8)
    for i, value in enumerate(ids):
        prefix = value.rstrip(_DIGITS)
        digits = len(value) - len(prefix)
        if 0 < digits <= MAX_ID_DIGITS:
            prefixes.append(prefix)
            numbers[i] = int(value[len(prefix) :])
            widths[i] = digits
        else:
            prefixes.append("")
    return prefixes, numbers, widths


_DIGITS = "0123456789"


def concat(parts: list[IncidentRows]) -> IncidentRows:
    """Join rows; the string tables merge (the first part's codes stay as they are)."""
    if not parts:
        msg = "concat needs at least one part"
        raise ValueError(msg)
    table = {value: code for code, value in enumerate(parts[0].strings)}
    text: dict[str, list[NDArray[np.int32]]] = {name: [parts[0].text[name]] for name in TEXT_FIELDS}
    for part in parts[1:]:
        remap = np.fromiter(
            (table.setdefault(value, len(table)) for value in part.strings),
            dtype=np.int32,
            count=len(part.strings),
        )
        for name in TEXT_FIELDS:
            text[name].append(remap[part.text[name]])
    strings = list(table)
    arrays = {f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in _array_fields()}
    return IncidentRows(
        **arrays,
        text={name: np.concatenate(codes) for name, codes in text.items()},
        strings=strings,
    )
