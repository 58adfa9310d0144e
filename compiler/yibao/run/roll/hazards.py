"""What a hostile roll file holds, met on the way in and out: a CSV roll's misshapen rows (more or
fewer cells than the header has), each answered in its place by an error row while the roll goes on
(pyarrow's reader would otherwise stop at the first); a Parquet `id` column of a type no output can
carry; and results' text cells that a spreadsheet would take for a formula."""
from __future__ import annotations

import re

from ...base.exits import BAD_INPUT, Fail


def misshapen_rows(path, found: dict):
    """pyarrow's handler of a CSV row whose cells are not as many as the header's: noted (row index →
    message) and skipped, to come back in its place as an error row."""
    def handle(row):
        if row.number is None:  # (never with one thread) the row cannot be put back in its place
            return "error"
        found[row.number - 2] = (f"{path}: row {row.number - 1}: {row.actual_columns} cells where the "
                                 f"header has {row.expected_columns}: {_cut(row.text)}")
        return "skip"
    return handle


def _cut(text: str, most: int = 60) -> str:
    return text if len(text) <= most else text[:most] + "…"


def with_misshapen(batch, first: int, misshapen: dict, last: bool = False):
    """A batch of good rows read from row `first` on, with the misshapen rows that fall among (or, if
    last, after) them put back in place as rows of nulls: (batch, {row in batch: message})."""
    if not misshapen:
        return batch, {}
    import pyarrow as pa
    take, errors, good, at = [], {}, 0, first
    while good < batch.num_rows or (last and at in misshapen):
        if at in misshapen:
            errors[len(take)] = misshapen.pop(at)
            take.append(None)
        else:
            take.append(good)
            good += 1
        at += 1
    while not last and at in misshapen:  # misshapen rows right after this batch's last good row
        errors[len(take)] = misshapen.pop(at)
        take.append(None)
        at += 1
    if not errors:
        return batch, {}
    return batch.take(pa.array(take, pa.int64())), errors


def formula_safe(column):
    """A text column (dictionary-encoded ones come out decoded: CSV has no dictionaries) as a CSV cell
    may hold it when opened in a spreadsheet: a cell that starts with `=`, `+`, `-`, `@`, a tab or a
    carriage return gets a `'` in front (OWASP's advice against CSV formula injection: an id
    `=cmd|' /C calc'!A0` stays text). A signed number ("-5", "+3.50") is left as it is: it is no
    formula, and a spreadsheet reads it as the number it is. The first bytes are looked at with NumPy
    (no pyarrow.compute, whose import alone costs half a second of a roll)."""
    import pyarrow as pa
    if isinstance(column, pa.ChunkedArray):
        return pa.chunked_array([formula_safe(c) for c in column.chunks],
                                column.type.value_type if pa.types.is_dictionary(column.type) else column.type)
    if pa.types.is_dictionary(column.type):  # the distinct values looked at, each once
        return pa.DictionaryArray.from_arrays(column.indices, formula_safe(column.dictionary)).dictionary_decode()
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return column
    risky = _risky(column)
    if not risky.any():
        return column
    values = column.to_pylist()
    for i in risky.nonzero()[0]:
        v = values[i]
        if v is not None and not _SIGNED.fullmatch(v):
            values[i] = "'" + v
    return pa.array(values, column.type)


_SIGNED = re.compile(r"[+-][0-9]+(\.[0-9]+)?")
_STARTS = list(b"=+-@\t\r")


def _risky(column):
    """Rows whose text starts with a byte a spreadsheet takes for a formula's start (a bool array)."""
    import numpy as np
    import pyarrow as pa
    wide = pa.types.is_large_string(column.type)
    _, offsets, data = column.buffers()
    kind = np.int64 if wide else np.int32
    offsets = np.frombuffer(offsets, kind, count=len(column) + 1, offset=column.offset * np.dtype(kind).itemsize)
    data = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)
    starts, filled = offsets[:-1], offsets[1:] > offsets[:-1]
    first = np.zeros(len(column), np.uint8)
    first[filled] = data[starts[filled]]
    return np.isin(first, _STARTS)

def id_as_text_needed(path, schema) -> bool:
    """Whether a Parquet roll's `id` column is to be made text (a date or a time: its ISO text). An id
    is passed through to every output format, so it is text or a number; any other type (bytes, a
    list, a map) is bad input naming the column, not an internal error at the end."""
    import pyarrow as pa
    if "id" not in schema.names:
        return False
    kind = schema.field("id").type
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_integer(kind) \
            or pa.types.is_floating(kind):  # (pandas writes whole numbers with a gap as floats)
        return False
    if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
        return True
    raise Fail(BAD_INPUT, f"{path}: the column 'id' is of type {kind}; an id is text or a number")


def id_as_text(batch, as_text: bool):
    if not as_text:
        return batch
    import pyarrow as pa
    i = batch.schema.get_field_index("id")
    return batch.set_column(i, "id", batch.column(i).cast(pa.string()))

