"""What the map needs of each incident, as dictionary-coded arrays built from the columns.

:class:`IncidentRows` holds one entry per mapped row (in store order): numbers as numpy
arrays and every text as an integer code into one string table (code 0 is empty text),
made by pyarrow's dictionary encoding of each column and one merge of the dictionaries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from geo.incidents.classify import Classification
    from geo.incidents.store import IncidentStore
    from geo.incidents.validate import Parsed

#: Text of each row kept for the map; ``admin`` is "sub-district, district, governorate".
TEXT_FIELDS = (
    "event_id", "sub_event_type", "tags", "location", "source", "source_url", "notes",
    "actor1", "actor2", "admin", "id_prefix",
)  # fmt: skip
#: Ids end in at most this many digits to be split into a prefix and a number.
MAX_ID_DIGITS = 9
_STORE_COLUMN = {"event_id": "event_id_cnty"}
_ID_PARTS = r"(?s)^(?P<prefix>.*?)(?P<digits>[0-9]*)$"


@dataclass
class IncidentRows:
    """Per-row arrays aligned with the mapped rows; see the module docstring.

    ``id_number``/``id_width``/``text["id_prefix"]`` split an id like ``SYR012345`` into
    ``SYR``, 12345 and 6 digits (number -1 when the id does not end in 1 to 9 digits).
    ``day`` counts days since 1970-01-01; ``fatalities``/``injured`` are NaN when not
    reported; ``side``/``certainty``/``phase`` index
    :data:`~geo.incidents.classify.SIDES`, :data:`~geo.incidents.classify.CERTAINTIES` and
    :data:`~geo.incidents.classify.PHASES`; ``text`` maps each of :data:`TEXT_FIELDS` to
    codes into ``strings``.
    ``not_shown`` counts the store's rows left off the map for their errors.
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
    #: Every distinct text, as an Arrow string array (a million incidents' ids and notes
    #: would take hundreds of MB as Python strings).
    strings: pa.Array
    not_shown: int = 0

    def __len__(self) -> int:
        """Return the number of rows."""
        return len(self.lat)

    def values(self, name: str) -> list[str]:
        """Return text field ``name`` as strings, one per row."""
        values: list[str] = self.strings.take(pa.array(self.text[name])).to_pylist()
        return values


def admin_names(classes: Classification) -> pa.Array:
    """Return "sub-district, district, governorate" per row ("" outside every area)."""
    names = [", ".join(p for p in (a.admin3, a.admin2, a.admin1) if p) for a in classes.areas]
    return pa.array([*names, ""], pa.string()).take(pa.array(area_or_none(classes)))


def area_or_none(classes: Classification) -> NDArray[np.int64]:
    """Return each row's area index, with ``len(areas)`` (an empty entry) for outside them."""
    return np.where(classes.area_index < 0, len(classes.areas), classes.area_index)


def dictionary_of(values: pa.ChunkedArray | pa.Array) -> tuple[NDArray[np.int64], pa.Array]:
    """Return each row's code and the column's distinct texts (one dictionary for all chunks).

    Examples
    --------
    >>> codes, texts = dictionary_of(pa.chunked_array([["a", "b"], ["b", "c"]]))
    >>> codes.tolist(), texts.to_pylist()
    ([0, 1, 1, 2], ['a', 'b', 'c'])
    """
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.DictionaryArray):
        return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), encoded.dictionary
    if not encoded.num_chunks:
        return np.zeros(0, dtype=np.int64), pa.array([], pa.string())
    unified = encoded.unify_dictionaries()  # the chunks' indices into one shared dictionary
    codes = [c.indices.to_numpy(zero_copy_only=False).astype(np.int64) for c in unified.chunks]
    return np.concatenate(codes), unified.chunks[0].dictionary


def incident_rows(
    table: pa.Table, parsed: Parsed, classes: Classification, *, not_shown: int = 0
) -> IncidentRows:
    """Return the rows of valid, classified columns (``table`` holds the store's text)."""
    prefixes, numbers, widths = split_ids(table.column("event_id_cnty"))
    texts = {name: table.column(_STORE_COLUMN.get(name, name)) for name in TEXT_FIELDS[:-2]}
    texts.update(admin=admin_names(classes), id_prefix=prefixes)
    # Each column's dictionary, then one table of every distinct text ("" first).
    dictionaries, indices = [pa.array([""], pa.string())], {}
    offset = 1
    for name, values in texts.items():
        codes, dictionary = dictionary_of(values)
        indices[name] = (codes + offset).astype(np.int32)
        dictionaries.append(dictionary.cast(pa.string()))
        offset += len(dictionary)
    # The texts are held once at a time: the dictionaries, then their concatenation, then its
    # distinct texts. All three at once set the build's high-water mark at 1,000,000
    # incidents (1,290 MB; measured 4 Dec 2026).
    joined = pa.concat_arrays(dictionaries)
    del dictionaries
    merged = pc.dictionary_encode(joined)
    del joined
    remap = merged.indices.to_numpy(zero_copy_only=False).astype(np.int32)
    return IncidentRows(
        lat=parsed.lat,
        lon=parsed.lon,
        day=parsed.date.astype("datetime64[D]").astype(np.int64),
        time_precision=parsed.time_precision,
        geo_precision=parsed.geo_precision,
        fatalities=parsed.fatalities,
        injured=parsed.injured,
        side=classes.side_code,
        certainty=classes.certainty_code,
        phase=classes.phase_code,
        dist_km=np.asarray(classes.dist_to_m4_km, dtype=np.float64),
        id_number=numbers,
        id_width=widths,
        text={name: remap[codes] for name, codes in indices.items()},
        strings=merged.dictionary,
        not_shown=not_shown,
    )


def rows_from_store(store: IncidentStore, classes: Classification) -> IncidentRows:
    """Return the rows of a validated store (:func:`geo.incidents.load_store`)."""
    data = store.table.data
    table = pa.table({name: pa.array(data[name], pa.string()) for name in store.table.columns})
    return incident_rows(table, store.parsed, classes)


def split_ids(
    ids: pa.ChunkedArray | pa.Array,
) -> tuple[pa.Array, NDArray[np.int64], NDArray[np.int8]]:
    """Split each id into its prefix, the number it ends with and that number's digit count.

    Examples
    --------
    >>> prefixes, numbers, widths = split_ids(pa.array(["SYR012345", "custom", "X1234567890"]))
    >>> prefixes.to_pylist(), numbers.tolist(), widths.tolist()
    (['SYR', '', ''], [12345, -1, -1], [6, 0, 0])
    """
    parts = pc.extract_regex(ids, _ID_PARTS)
    if isinstance(parts, pa.ChunkedArray):
        parts = parts.combine_chunks() if parts.num_chunks else pa.array(
            [], pa.struct([("prefix", pa.string()), ("digits", pa.string())]))  # fmt: skip
    digits = parts.field("digits")
    widths = pc.utf8_length(digits).to_numpy(zero_copy_only=False).astype(np.int64)
    split = (widths > 0) & (widths <= MAX_ID_DIGITS)
    numbers = np.full(len(widths), -1, dtype=np.int64)
    if split.any():
        chosen = pc.cast(digits.filter(pa.array(split)), pa.int64())
        numbers[split] = chosen.to_numpy(zero_copy_only=False)
    prefixes = pc.if_else(pa.array(split), parts.field("prefix"), "")
    return prefixes, numbers, np.where(split, widths, 0).astype(np.int8)
