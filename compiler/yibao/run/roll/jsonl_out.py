"""A results table (run/roll/batch.py's, a pyarrow Table) as JSONL lines, a column at a time: each
column's members (`, "name": value`) rendered as text by pyarrow's string kernels (a dictionary's
values once each), then joined per row. The text is what json.dumps(row without its nulls,
ensure_ascii=False) writes, which it replaces: `col.to_pylist()` and a json.dumps per row were most of
a roll's time with --output results.jsonl (or a CSV roll to standard output)."""
from __future__ import annotations

import json
import re

from .arrowtext import lit, utf8

_ESCAPED = re.compile(r'["\\\x00-\x1f]')  # what json.dumps escapes in a string (ensure_ascii=False)


def table_lines(table):
    """The table's rows as JSONL, each line ending in a newline: a pyarrow string Array."""
    import pyarrow.compute as pc
    n = table.num_rows
    if n == 0:
        return utf8([])
    parts = [_members(name, col.combine_chunks() if hasattr(col, "combine_chunks") else col, n)
             for name, col in zip(table.column_names, table.columns)]
    joined = pc.binary_join_element_wise(*parts, lit("")) if parts else utf8([""] * n)
    return pc.binary_join_element_wise(lit("{"), pc.utf8_slice_codeunits(joined, 2), lit("}\n"), lit(""))


def _members(name, col, n):
    """A column's members: `, "name": value` where not null, "" where null."""
    import pyarrow as pa
    import pyarrow.compute as pc
    key = ", " + json.dumps(name, ensure_ascii=False) + ": "
    t = col.type
    if col.null_count == n:
        return utf8([""] * n)
    if pa.types.is_dictionary(t) and pa.types.is_string(t.value_type):
        text = utf8([key + json.dumps(v, ensure_ascii=False) for v in col.dictionary.to_pylist()]).take(col.indices)
    elif pa.types.is_boolean(t):
        text = pc.if_else(col, lit(key + "true"), lit(key + "false"))
    elif pa.types.is_integer(t):
        text = pc.binary_join_element_wise(lit(key), pc.cast(col, pa.string()), lit(""))
    elif pa.types.is_string(t) and not pc.any(pc.match_substring_regex(col, _ESCAPED.pattern)).as_py():
        text = pc.binary_join_element_wise(lit(key + '"'), col, lit('"'), lit(""))
    else:  # escapes to write, or another type: json.dumps itself, value by value
        return utf8([("" if v is None else key + json.dumps(v, ensure_ascii=False)) for v in col.to_pylist()])
    return text if col.null_count == 0 else text.fill_null(lit(""))  # a null: no member
