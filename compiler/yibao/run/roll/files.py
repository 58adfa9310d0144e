"""Rolls in and results out: JSONL, CSV or Parquet (by extension), read and written by record batches.

A roll's columns are case fields plus `id`. A JSONL batch is handed on as *encoded columns*: per field
the row → distinct-value indices (-1: absent) and the distinct values as JSON values. A CSV or Parquet
batch is handed on as the pyarrow RecordBatch itself with a `cell` function that turns one of its values
into the JSON value a case would give (rollfacts.py turns its columns into the columnar module's,
decoding each distinct value once). CSV has no types: a cell is read as JSON would read it where that is
plain (`true`, `false`, an integer), `identities` and other list fields are `;`-separated, `id` stays
text, an empty cell is absent. Parquet keeps its types (a date column becomes its ISO text; a list
column a list); its string columns, list items included, are read as Parquet's own dictionaries.
Needs pyarrow (the `columnar` extra) except for JSONL in.
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass, field
from typing import Iterator

from ...runtime import strict_json
from ...base.exits import BAD_INPUT, Fail
from .hazards import formula_safe, id_as_text, id_as_text_needed, misshapen_rows, with_misshapen

FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
LIST_FIELDS = frozenset({"identities"})  # list fields a CSV cell splits on `;` without a program at hand
BATCH_ROWS = 1 << 18  # rows a batch: per-batch costs amortized, memory still bounded (tens of MB)
_PARQUET_BATCH_ROWS = 1 << 16  # typed columns: batches this small cost no more time, and lower the peak
_ROW_GROUP_ROWS = 1 << 14  # a Parquet roll's mean row group at least this: batches keep within one
_INT = re.compile(r"-?[0-9]+")


def roll_format(path: str) -> str:
    for suffix, fmt in FORMATS.items():
        if str(path).lower().endswith(suffix):
            return fmt
    raise Fail(BAD_INPUT, f"{path}: a roll is .jsonl, .csv or .parquet (by its extension)")


def need_pyarrow():
    try:
        import pyarrow  # noqa: F401
        import numpy  # noqa: F401
    except ImportError:
        raise Fail(BAD_INPUT, "rolls in CSV or Parquet, and --output, need pyarrow and numpy: "
                   "pip install 'yibao[columnar]'") from None


# ---- a cell → the JSON value a case would give ----------------------------------------------------
def csv_cell(name: str, text, list_fields=LIST_FIELDS):
    """A CSV cell (text, None when empty) as JSON would give it."""
    if text is None or text == "":
        return None
    if name == "id":
        return text
    if name in list_fields:
        return [item.strip() for item in text.split(";") if item.strip()]
    if text in ("true", "false"):
        return text == "true"
    if _INT.fullmatch(text):
        return int(text)
    return text


def arrow_cell(name: str, value):
    """A Parquet cell (as pyarrow gives it in Python) as JSON would give it."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [arrow_cell(name, item) for item in value]
    return value


# ---- reading ---------------------------------------------------------------------------------------
@dataclass
class Chunk:
    """One batch of a roll: JSONL's encoded columns (field → (indices int64 with -1 for absent, distinct
    JSON values)), or a CSV or Parquet RecordBatch and the `cell` function for its values."""
    first: int  # 0-based index of the chunk's first row in the roll
    n: int
    columns: dict | None = None
    ids: object = None  # the id column: a pyarrow Array, or JSONL's list of values; None if none
    errors: dict = field(default_factory=dict)  # row in chunk → message (a line that is not JSON)
    lines: list | None = None  # JSONL: the line number of each row
    blank: set = field(default_factory=set)  # JSONL: rows that are blank lines (a blank line out, in place)
    batch: object = None  # pyarrow.RecordBatch (CSV, Parquet)
    cell: object = None  # (field, value as pyarrow gives it in Python) → the JSON value

    def where(self, path: str, i: int) -> str:
        return f"{path}:{self.lines[i]}" if self.lines is not None else f"{path}: row {self.first + i + 1}"

    def case(self, i: int, nulls: bool = True):
        """Row i as the JSON value a case would be, `id` included: a JSONL null kept (as the row path
        reads it) unless not `nulls`; a null CSV or Parquet cell left out."""
        if self.batch is not None:
            return self._case(self.batch.slice(i, 1).to_pylist()[0])
        case = {name: values[index[i]] for name, (index, values) in self.columns.items()
                if index[i] >= 0 and (nulls or values[index[i]] is not None)}
        return case[""] if list(case) == [""] else case

    def cases(self) -> Iterator:
        """Every row as a case, null cells left out, in order."""
        if self.batch is None:
            yield from (self.case(i, nulls=False) for i in range(self.n))
        else:
            yield from map(self._case, self.batch.to_pylist())

    def _case(self, row: dict) -> dict:
        case = {}
        for name, value in row.items():
            if value is not None and (value := self.cell(name, value)) is not None:
                case[name] = value
        return case


def arrow_chunk(batch, first: int, cell=None) -> Chunk:
    """A RecordBatch of a roll as a Chunk (cell: arrow_cell unless given)."""
    batch = _python_dates(batch)
    ids = batch.column(batch.schema.get_field_index("id")) if "id" in batch.schema.names else None
    return Chunk(first, batch.num_rows, ids=ids, batch=batch, cell=cell or arrow_cell)


# Python's dates hold the years 1–9999; an Arrow date or timestamp may lie outside (a hostile or broken
# roll), and pyarrow then fails to give it in Python. Such a column is made text, its values outside
# saying so, which the case decoder rejects by row and field like any other bad date.
_DAYS = (-719162, 2932896)  # 0001-01-01 and 9999-12-31, in days from 1970-01-01
_PER_DAY = {"s": 86400, "ms": 86400_000, "us": 86400_000_000, "ns": 86400_000_000_000}


def _python_dates(batch):
    import pyarrow as pa
    columns, changed = list(batch.columns), False
    for i, col in enumerate(columns):
        nested = pa.types.is_list(col.type) or pa.types.is_large_list(col.type)
        if _outside_python(col.values if nested else col):
            changed = True
            columns[i] = (pa.array([_py_list(s) for s in col], pa.list_(pa.string())) if nested
                          else pa.array([_py_text(s) for s in col], pa.string()))
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names) if changed else batch


def _outside_python(arr) -> bool:
    import pyarrow as pa
    import pyarrow.compute as pc
    t = arr.type
    if pa.types.is_date32(t):
        ints, per_day = arr.cast(pa.int32()), 1
    elif pa.types.is_date64(t):
        ints, per_day = arr.cast(pa.int64()), _PER_DAY["ms"]
    elif pa.types.is_timestamp(t):
        ints, per_day = arr.cast(pa.int64()), _PER_DAY[t.unit]
    else:
        return False
    bounds = pc.min_max(ints)
    lo, hi = bounds["min"].as_py(), bounds["max"].as_py()
    return lo is not None and (lo < _DAYS[0] * per_day or hi >= (_DAYS[1] + 1) * per_day)


def _py_text(scalar):
    if not scalar.is_valid:
        return None
    try:
        return arrow_cell("", scalar.as_py())
    except (OverflowError, ValueError):
        return f"a {scalar.type} outside the years 1–9999"


def _py_list(scalar):
    return [_py_text(item) for item in scalar.values] if scalar.is_valid else None


def read_roll(path: str, batch_rows: int = BATCH_ROWS, list_fields=LIST_FIELDS) -> Iterator[Chunk]:
    fmt = roll_format(path)
    if fmt == "jsonl":
        yield from _read_jsonl(path, batch_rows)
        return
    need_pyarrow()
    if fmt == "parquet":
        yield from _read_parquet(path, batch_rows)
    else:
        yield from _read_csv(path, batch_rows, list_fields)


def roll_rows(path: str) -> int | None:
    """The row count where the file says it cheaply (Parquet), for a progress bar's total."""
    if roll_format(path) != "parquet":
        return None
    return _parquet_file(path).metadata.num_rows


def _parquet_file(path, **options):
    """The Parquet file opened, or bad input naming it (truncated, empty, not Parquet at all)."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    try:
        return pq.ParquetFile(path, **options)
    except (OSError, pa.ArrowException) as exc:
        raise Fail(BAD_INPUT, f"{path}: not a Parquet file ({exc})") from None


def _once(path, names):
    """A roll's column names, each once: a column given twice is bad input (as a JSON key twice is),
    never the last copy answering."""
    seen = set()
    for name in names:
        if name in seen:
            raise Fail(BAD_INPUT, f"{path}: the column {name!r} is given twice")
        seen.add(name)


def _open(path):
    try:
        return open(path, "rb")
    except OSError as exc:
        raise Fail(BAD_INPUT, f"cannot read {path}: {exc.strerror}") from None


def _read_jsonl(path, batch_rows):
    rows, numbers, errors, blank, first = [], [], {}, set(), 0
    with _open(path) as f:
        for number, line in strict_json.lines(f):
            try:
                if line.__class__ is strict_json.JSONError:
                    raise line
                raw = strict_json.loads(line)
            except strict_json.JSONError as exc:
                if line.__class__ is str and not line.strip():
                    blank.add(len(rows))  # no case, but its place kept: a blank line out, as on stdout
                else:
                    errors[len(rows)] = f"{path}:{number}: malformed JSON: {exc}"
                raw = {}
            rows.append(raw)
            numbers.append(number)
            if len(rows) == batch_rows:
                yield _chunk_of_dicts(rows, numbers, errors, first, blank)
                first += len(rows)
                rows, numbers, errors, blank = [], [], {}, set()
    if rows:
        yield _chunk_of_dicts(rows, numbers, errors, first, blank)


def value_key(value):
    """A JSON value as a dict key (its type too: 1 and 1.0 and True differ to a decoder)."""
    return (value.__class__, tuple(value) if isinstance(value, list) else value)


def distinct(value, values: list, seen: dict) -> int:
    """The index of `value` among the distinct `values` (appended if new); `seen`: value_key → index.
    An unhashable value (an object, a list of lists) is kept as its own value."""
    try:
        key = value_key(value)
        j = seen.get(key)
    except TypeError:
        key, j = None, None
    if j is None:
        j = len(values)
        values.append(value)
        if key is not None:
            seen[key] = j
    return j


def _chunk_of_dicts(rows, numbers, errors, first, blank=frozenset()):
    """JSON objects → encoded columns (a row that is not an object keeps its value under '')."""
    import numpy as np
    n = len(rows)
    columns, ids = {}, None
    for i, raw in enumerate(rows):
        items = raw.items() if isinstance(raw, dict) else (("", raw),)
        for name, value in items:
            col = columns.get(name)
            if col is None:
                col = columns[name] = (np.full(n, -1, np.int64), [], {})
            index, values, seen = col
            index[i] = distinct(value, values, seen)
    if "id" in columns:
        index, values, _ = columns["id"]
        ids = [values[j] if j >= 0 else None for j in index]
    return Chunk(first, n, {name: (index, values) for name, (index, values, _) in columns.items()},
                 ids, errors, numbers, set(blank))


def _read_parquet(path, batch_rows):
    import pyarrow as pa
    batch_rows = min(batch_rows, _PARQUET_BATCH_ROWS)
    f = _parquet_file(path)
    _once(path, f.schema_arrow.names)
    as_text = id_as_text_needed(path, f.schema_arrow)
    try:
        # string columns arrive as Parquet's own dictionaries: no hashing, no copies. A list's string
        # items too, but pyarrow cannot join those across row groups: then batches keep within a row
        # group, where row groups are large enough for that to cost nothing (else the items are hashed)
        meta = f.metadata
        strings = [c.path for c in f.schema if c.logical_type.type == "STRING" and c.path != "id"]
        nested = meta.num_row_groups > 1 and any("." in s for s in strings)
        if nested and meta.num_rows < _ROW_GROUP_ROWS * meta.num_row_groups:
            strings, nested = [s for s in strings if "." not in s], False
        f = _parquet_file(path, read_dictionary=strings)
        groups = [[i] for i in range(meta.num_row_groups)] if nested else [None]
        batches = (b for g in groups for b in f.iter_batches(batch_size=batch_rows, row_groups=g))
        first = 0
        for batch in batches:
            yield arrow_chunk(id_as_text(batch, as_text), first)
            first += batch.num_rows
    except (OSError, pa.ArrowException) as exc:
        raise Fail(BAD_INPUT, f"{path}: not a Parquet file ({exc})") from None


def _read_csv(path, batch_rows, list_fields):
    import csv

    import pyarrow as pa
    import pyarrow.csv as pcsv
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            names = next(csv.reader(f), [])
        _once(path, names)
        # a row of the wrong width is answered in its place (an error row), not the end of the roll;
        # one thread, so that pyarrow gives each such row's number
        misshapen = {}  # row index → message
        reader = pcsv.open_csv(path, read_options=pcsv.ReadOptions(block_size=1 << 22, use_threads=False),
                               parse_options=pcsv.ParseOptions(invalid_row_handler=misshapen_rows(path, misshapen)),
                               convert_options=pcsv.ConvertOptions(
                                   column_types={name: pa.dictionary(pa.int32(), pa.string()) for name in names},
                                   strings_can_be_null=True, null_values=[""]))
    except (OSError, UnicodeDecodeError, pa.ArrowException) as exc:
        raise Fail(BAD_INPUT, f"{path}: not a CSV roll ({exc})") from None
    first = 0
    cell = (lambda name, text: csv_cell(name, text, list_fields))  # noqa: E731
    try:
        for batch in reader:
            batch, errors = with_misshapen(batch, first, misshapen)
            for start in range(0, batch.num_rows, batch_rows):
                part = batch.slice(start, batch_rows)
                chunk = arrow_chunk(part, first, cell)
                chunk.errors = {i - start: errors[i] for i in errors if start <= i < start + part.num_rows}
                yield chunk
                first += part.num_rows
        if misshapen:  # misshapen rows at the very end, after the last good one
            import pyarrow as pa
            empty = pa.RecordBatch.from_pylist([], schema=reader.schema)
            batch, errors = with_misshapen(empty, first, misshapen, last=True)
            chunk = arrow_chunk(batch, first, cell)
            chunk.errors = errors
            yield chunk
    except pa.ArrowException as exc:
        raise Fail(BAD_INPUT, f"{path}: after row {first}: not a CSV roll ({exc})") from None
    finally:
        # closed here, not by the collector at exit: the reader's read-ahead thread, left to the
        # interpreter's shutdown with a Python row handler, once aborted the process
        # ("terminate called without an active exception", a roll of a header alone)
        reader.close()


def iter_cases(path: str, list_fields=LIST_FIELDS) -> Iterator[dict]:
    """The roll's cases as dicts, in row order (null/empty cells left out). A JSONL line that is not
    JSON is bad input (exit 2, naming the line)."""
    for chunk in read_roll(path, list_fields=list_fields):
        for i, case in enumerate(chunk.cases()):
            if i in chunk.errors:
                raise Fail(BAD_INPUT, chunk.errors[i])
            yield case


# ---- writing -----------------------------------------------------------------------------------
class ResultWriter:
    """Results table by table into JSONL, CSV or Parquet (by extension). A JSONL line holds the members
    that are not null, in column order, as `yibao eval --cases` writes them; CSV and Parquet keep every
    column (null where undecidable)."""

    def __init__(self, path: str):
        # "-": standard output, as JSONL (a CSV or Parquet roll given without --output)
        self.path, self.format = path, "jsonl" if path == "-" else roll_format(path)
        self.sink, self.schema = None, None

    def write(self, table):
        import pyarrow as pa
        if self.format == "jsonl":
            self._jsonl(table)
            return
        if self.format == "csv":  # CSV has no dictionaries: their values instead; no formulas (hazards.py)
            table = pa.table({name: formula_safe(col) for name, col in zip(table.column_names, table.columns)})
        if self.sink is None:
            self.schema = table.schema
            self.sink = self._open(table.schema)
        elif table.schema != self.schema:
            table = table.cast(self.schema)  # an id column null in one batch, say
        self.sink.write_table(table) if self.format == "parquet" else self.sink.write(table)

    def _open(self, schema):
        try:
            if self.format == "parquet":
                import pyarrow as pa
                import pyarrow.parquet as pq
                # the text columns come dictionary-encoded and are written so; `id` (as good as unique)
                # would be hashed for a dictionary only to give it up. Statistics (min/max per row group)
                # only for `id`: on the decisions' text they cost as much as the rest of the writing and
                # no reader prunes by them
                coded = [f.name for f in schema if pa.types.is_dictionary(f.type)]
                return pq.ParquetWriter(self.path, schema, use_dictionary=coded or False,
                                        write_statistics=["id"] if "id" in schema.names else False)
            import pyarrow.csv as pcsv
            return pcsv.CSVWriter(self.path, schema)
        except OSError as exc:
            from ...base.exits import OUTPUT_ERROR
            raise Fail(OUTPUT_ERROR, f"cannot write {self.path}: {exc.strerror or exc}") from None

    def _jsonl(self, table):
        if self.sink is None and self.path == "-":
            self.sink = sys.stdout
        if self.sink is None:
            try:
                self.sink = open(self.path, "w", encoding="utf-8")
            except OSError as exc:
                from ...base.exits import OUTPUT_ERROR
                raise Fail(OUTPUT_ERROR, f"cannot write {self.path}: {exc.strerror or exc}") from None
        from .jsonl_out import table_lines  # json.dumps of each row without its nulls, a column at a time
        from .arrowtext import Sink
        sink = Sink(self.sink)
        for start in range(0, table.num_rows, 1 << 14):  # the text of a slice at a time: memory stays flat
            sink.write(table_lines(table.slice(start, 1 << 14)))

    def abandon(self):
        """A roll cut short (a file that cannot be read on, Ctrl-C): the results so far are removed, so
        that no complete-looking file holds part of a roll."""
        if self.path == "-" or self.sink is None:  # (nothing written: a file there before is left be)
            return
        import os
        try:
            self.close()
        except Exception:
            pass
        self.sink = None
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def close(self):
        if self.sink is sys.stdout:
            self.sink.flush()
        elif self.sink is not None:
            self.sink.close()


def write_cases(path: str, cases, list_fields=LIST_FIELDS):
    """Case dicts → a roll file (by extension): the other way of iter_cases, for tests, the benchmark
    and people building a roll. A Parquet column takes the type its values have (all must agree)."""
    cases = list(cases)
    fmt = roll_format(path)
    if fmt == "jsonl":
        import json
        with open(path, "w", encoding="utf-8") as f:
            for case in cases:
                f.write(json.dumps(case, ensure_ascii=False) + "\n")
        return
    need_pyarrow()
    import pyarrow as pa
    names = list(dict.fromkeys(name for case in cases for name in case))
    if fmt == "parquet":
        import pyarrow.parquet as pq
        pq.write_table(pa.table({name: pa.array([case.get(name) for case in cases]) for name in names}), path)
        return
    import csv

    def text(name, value):
        if value is None:
            return ""
        if isinstance(value, list):
            return ";".join(map(str, value))
        return ("true" if value else "false") if isinstance(value, bool) else str(value)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(names)
        for case in cases:
            w.writerow([text(name, case.get(name)) for name in names])
