"""`yibao eval NOTICE --cases ROLL.jsonl` through the columnar kernel: the same bytes as the row path.

The row path (run/evaluate.Evaluator.stream) decides a line at a time in Python. A roll of real people
does not repeat, so its caches miss and every line pays for decoding, deciding and writing in Python.
Here lines are read in batches; a batch is parsed as one JSON array (one call of the C scanner), each
field's distinct values are decoded once by the row path's decoder (FactColumns: what may be spelt,
and what is bad, is the row path's word) or, for money, checked and parsed for the whole column at
once; the NumPy module (backends/numpy) decides the batch; and each line is written by joining its
members, pre-rendered as JSON text a column at a time (pyarrow's string kernels), into the very text
`json.dumps(..., ensure_ascii=False)` writes. Any line that is not an ordinary one (not JSON, a bad or
unknown field, an escape, a float, a decision a --decision cannot make) is answered by the row path
itself, in its place, with its message on standard error. Memory is one batch's.
"""
from __future__ import annotations

import json
from itertools import chain, repeat
from operator import is_not

from ...base.exits import BAD_INPUT, OK
from ...runtime import strict_json
from ...runtime.core import MAX_INT, MAX_MONEY_YUAN
from .arrowtext import Sink, bools, ints, lit, utf8
from .facts import FactColumns

BATCH_LINES = 8192  # lines a batch: the kernel's per-batch costs amortized, memory a few MB
_FAST_CHARS = 4096  # as runtime/fastpath.py: a longer line is the row path's (its own limits)
_MONEY_RE = r"^[0-9]+(\.[0-9]{1,2})?$"  # runtime.core._MONEY, anchored
_DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"  # runtime.core._DATE, anchored
_FIRST_DAY = -719162  # 0001-01-01, in days from 1970-01-01
_KINDS = frozenset({"money", "date", "enum", "bool", "int", "count"})  # what is written here
_NA = type("_Absent", (), {"__repr__": lambda self: "<absent>"})()  # a field a line does not give


def columnar_stream(ev, infile, out, wanted, path):
    """The stream through the kernel: an exit code, or None where this notice (or this machine: no
    NumPy or pyarrow) needs the row path for every line."""
    try:
        import numpy  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError:
        return None
    lines = Lines(ev, wanted)
    if not lines.usable:
        return None
    return lines.stream(infile, out, path)


class Lines:
    def __init__(self, ev, wanted):
        from .batch import RollEvaluator
        self.ev, self.wanted = ev, wanted
        self.roll = RollEvaluator(ev.program, wanted)
        self.mod = self.roll.mod
        self.names = self.roll.names
        self.usable = (not self.roll.row_path_only and not self.roll.check_every_row
                       and all(self.mod.DECISIONS[n][1] in _KINDS for n in self.names))
        self.roll.facts = _Facts(self.mod, ev.module.FACTS)
        self.members = {}  # decision → its JSON member's head: `, "name": `

    def stream(self, infile, out, path) -> int:
        status, pending, fast = OK, [], self.ev.module._line_json
        sink = Sink(out)
        for block in strict_json.blocks(infile, size=1 << 19):
            pending += block
            if len(pending) >= BATCH_LINES:
                status = self._batch(pending, sink, path, fast, status)
                pending = []
        if pending:
            status = self._batch(pending, sink, path, fast, status)
        sink.flush()
        return status

    # ---- one batch -------------------------------------------------------------------------
    def _batch(self, batch, sink, path, fast, status):
        import numpy as np
        numbers = [number for number, _ in batch]
        texts = [text for _, text in batch]
        rows, odd, nulls = _parse(texts)
        n = len(rows)
        facts, bad, ids = self._facts(rows, nulls)
        bad |= odd
        chunk = _Chunk(n)
        found = self.roll.decide(chunk, facts, bad)
        head, bad_id, given = _heads(ids, n, _NA if nulls else None)
        if bad_id is not None:
            bad |= bad_id
        if self.wanted:
            for _, decided in found.values():
                bad |= ~decided
        lines = self._lines(head, found, given, n)
        # the row path's word on the lines that are not ordinary, in their place
        rows_out = np.flatnonzero(bad).tolist()
        texts_out = []
        for i in rows_out:
            line = texts[i]
            text = fast(line) if not self.wanted and line.__class__ is str else None
            if text is None:
                text, code = self.ev._general(line, numbers[i], self.wanted, False, path)
                status = max(status, code) if status != BAD_INPUT else status
            texts_out.append(text + "\n")
        if rows_out:
            import pyarrow.compute as pc
            lines = pc.replace_with_mask(lines, bools(bad), utf8(texts_out))
        sink.write(lines)
        return status

    def _facts(self, rows, nulls):
        """The batch's rows → (the module's fact columns, rows that are bad input, the ids or None).
        Where no line has a JSON null, a field's values go to pyarrow (None: not given) and are read
        as a CSV or Parquet column is (FactColumns.arrow); else, and for values of mixed classes, by
        their distinct values (FactColumns.encoded)."""
        import numpy as np
        n = len(rows)
        bad, columns, ids = np.zeros(n, bool), {}, None
        spec = self.ev.module.FACTS
        absent = _NA if nulls else None
        for name in set().union(*rows):
            col = list(map(dict.get, rows, repeat(name, n), repeat(absent, n)))
            if name == "id":
                ids = col
                continue
            arr = None if nulls else _arrow(col)
            if name not in spec:  # an unknown field, where it is given
                bad |= np.fromiter((v is not absent for v in col), bool, n)
                continue
            if arr is not None:
                v, wrong, given = self.roll.facts.arrow(name, arr, _as_given)
            else:
                index, values, strange = _factorize(col, absent)
                if strange is not None:
                    bad |= strange
                v, wrong, given = self.roll.facts.encoded(name, index, values)
            if wrong is not None:
                bad |= wrong
            columns[name] = v
            if given is not None and self.mod.FACTS[name][0] not in ("date", "enum"):
                columns[name + "?"] = given  # no column: every row gives it
        return columns, bad, ids

    def _lines(self, head, found, given, n):
        """Each row's line (a pyarrow string array, each ending in a newline) from its decisions;
        given: True where every row has an id, False where none has, else which rows have."""
        import pyarrow.compute as pc
        parts = [self._member(name, *found[name], n) for name in self.names]
        members = pc.binary_join_element_wise(*parts, lit("")) if parts else utf8([""] * n)
        with_id = pc.binary_join_element_wise(head, members, lit("}\n"), lit("")) if given is not False else None
        if given is True:
            return with_id
        # no id: the first member without its leading ", " (runtime/fastpath._wrap_json)
        without = pc.binary_join_element_wise(lit("{"), pc.utf8_slice_codeunits(members, 2), lit("}\n"), lit(""))
        return without if given is False else pc.if_else(bools(given), with_id, without)

    def _member(self, name, values, decided, n):
        """A decision's members as text: `, "name": value` where decided, "" where not."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc
        _, kind, enum = self.mod.DECISIONS[name]
        key = self.members.get(name)
        if key is None:
            key = self.members[name] = ", " + json.dumps(name, ensure_ascii=False) + ": "
        if kind == "money":
            fen = np.where(decided, values, 0).astype(np.int64, copy=False)
            sign = lit("")
            if (fen < 0).any():  # money_out: "-0.05"
                sign, fen = pc.if_else(bools(fen < 0), lit("-"), lit("")), np.abs(fen)
            yuan = pc.cast(ints(fen // 100), pa.string())
            cents = pc.utf8_lpad(pc.cast(ints(fen % 100), pa.string()), 2, "0")
            text = pc.binary_join_element_wise(lit(key + '"'), sign, yuan, lit("."), cents, lit('"'), lit(""))
        elif kind == "date":
            days = np.asarray(values).view(np.int64)
            days = np.where(decided, days, 0).astype(np.int32)
            iso = pc.cast(pa.Array.from_buffers(pa.date32(), n, [None, pa.py_buffer(days)]), pa.string())
            text = pc.binary_join_element_wise(lit(key + '"'), iso, lit('"'), lit(""))
        elif enum is not None:
            codes = self.mod.ENUMS[enum]
            table = utf8([key + json.dumps(c, ensure_ascii=False) for c in codes] + [""])
            return table.take(ints(np.where(decided, values, len(codes))))
        elif kind == "bool":
            table = utf8([key + "false", key + "true", ""])
            return table.take(ints(np.where(decided, np.asarray(values, np.int64), 2)))
        else:
            text = pc.binary_join_element_wise(lit(key), pc.cast(ints(np.asarray(values, np.int64)), pa.string()), lit(""))
        return text if decided.all() else pc.if_else(bools(decided), text, lit(""))


class _Facts(FactColumns):
    """FactColumns, with a money or date column's distinct values checked and parsed at once where
    they are all text (a roll of people: an amount and a birthday apiece), none of them kept: a cache
    of values that never come again would fill and never hit. What the checks let through is what
    runtime.core's _money_in and _date_in take; anything else the row path's decoder judges."""

    def _dictionary(self, name, arr, cell):
        """A dictionary Array of text (a JSON roll's column, encoded): its dictionary straight to
        _parsed, never through Python's values, where it is long."""
        import pyarrow as pa
        kind = self.mod.FACTS[name][0]
        if kind not in ("money", "date") or len(arr.dictionary) < 64 or not pa.types.is_string(arr.dictionary.type):
            return super()._dictionary(name, arr, cell)
        from .facts import numbers
        k = len(arr.dictionary)
        index = numbers(arr.indices, k)
        rep, ok = self._parsed(name, kind, arr.dictionary)
        return rep[index], (None if ok.all() else ~ok[index]), (index != k) if arr.null_count else None

    def tables(self, name, values):
        kind = self.mod.FACTS[name][0]
        if kind not in ("money", "date") or len(values) < 64 or set(map(type, values)) != {str}:
            return super().tables(name, values)
        return self._parsed(name, kind, utf8(values))

    def _parsed(self, name, kind, text):
        """(representation, ok) of each value of a pyarrow text Array, one slot more at the end: absent."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc
        values = text
        ok = np.append(_numpy_bools(pc.match_substring_regex(text, _MONEY_RE if kind == "money" else _DATE_RE)), True)
        where = np.flatnonzero(ok[:-1])
        try:
            parsed = pc.cast(text.take(ints(where)), pa.decimal128(18, 2) if kind == "money" else pa.date32())
        except pa.ArrowException:  # 10^16 yuan or more, a day that does not exist: the decoder says
            return super().tables(name, values.to_pylist())
        if kind == "money":
            rep = np.zeros(len(values) + 1, np.int64)
            rep[where] = np.frombuffer(parsed.buffers()[1], np.int64)[parsed.offset * 2::2][:len(where)]
            ok[where] &= rep[where] < MAX_MONEY_YUAN * 100
        else:
            rep = np.full(len(values) + 1, np.datetime64("NaT", "D"))
            days = np.frombuffer(parsed.buffers()[1], np.int32)[parsed.offset:parsed.offset + len(where)]
            rep[where] = days.astype("datetime64[D]")
            ok[where] &= days >= _FIRST_DAY  # the year 0000 is none (Python's dates start at 0001)
        return rep, ok


# ---- reading -------------------------------------------------------------------------------
def _parse(texts):
    """A batch's lines → (a JSON object per line, {} where the row path must read it; the rows it
    must). The whole batch is one JSON array where its lines are all ordinary, as runtime/fastpath's
    _fast_json has them: within 4096 characters, no escape (no surrogate, no way to spell a key
    twice unseen), every colon a key's (no key twice, no nested object); else line by line."""
    import numpy as np
    n = len(texts)
    plain = set(map(type, texts)) <= {str}
    if plain and max(map(len, texts), default=0) <= _FAST_CHARS:
        joined = ",".join(texts)
        if "\\" not in joined:
            try:
                rows = json.loads("[" + joined + "]")
            except ValueError:
                rows = None
            if (rows is not None and len(rows) == n and set(map(type, rows)) <= {dict}
                    and joined.count(":") == sum(map(len, rows))):
                return rows, np.zeros(n, bool), "null" in joined
    from ...runtime.fastpath import _fast_json
    rows, odd = [], np.zeros(n, bool)
    for i, text in enumerate(texts):
        raw = _fast_json(text) if text.__class__ is str else None
        if raw is None:
            odd[i] = True
            raw = {}
        rows.append(raw)
    return rows, odd, True


_PLAIN = ({str, int}, {str, bool})  # classes whose values are their own keys (1 == True: never both)


def _arrow(col):
    """A field's values (None: not given; no JSON null among them) as a pyarrow Array where they are
    all of one plain class (text, whole numbers within 64 bits, booleans, lists of text), else None.
    (Built from buffers: pyarrow's pa.array imports pandas where it is installed, 0.5 s.)"""
    import numpy as np
    import pyarrow as pa
    classes = set(map(type, col)) - {type(None)}
    if len(classes) != 1:
        return None
    cls, n = classes.pop(), len(col)
    valid = None if None not in col else np.fromiter(map(is_not, col, repeat(None, n)), bool, n)
    bitmap = None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little"))
    if cls is str:
        return utf8(col if valid is None else [v if v is not None else "" for v in col], bitmap)
    if cls is bool or cls is int:
        filled = col if valid is None else [v if v is not None else 0 for v in col]
        try:
            data = np.fromiter(filled, bool if cls is bool else np.int64, n)
        except OverflowError:  # beyond 64 bits: the row path's
            return None
        if cls is bool:
            data = np.packbits(data, bitorder="little")
        return pa.Array.from_buffers(pa.bool_() if cls is bool else pa.int64(), n, [bitmap, pa.py_buffer(data)])
    if cls is list:
        lists = col if valid is None else [v if v is not None else () for v in col]
        items = list(chain.from_iterable(lists))
        if not set(map(type, items)) <= {str}:
            return None
        offsets = np.zeros(n + 1, np.int32)
        np.cumsum(np.fromiter(map(len, lists), np.int32, n), out=offsets[1:])
        return pa.Array.from_buffers(pa.list_(pa.string()), n, [bitmap, pa.py_buffer(offsets)],
                                     children=[utf8(items)])
    return None


def _as_given(name, value):
    """A value of a JSON roll's Array as the case gives it: as it is (FactColumns.arrow's `cell`)."""
    return value


class _Chunk:
    def __init__(self, n):
        self.n = n


def _factorize(col, absent):
    """A field's values (`absent`: not given) → (indices, -1 where not given; the distinct values; rows
    the row path must read, or None). Distinct by dict.fromkeys where the classes allow (no 1 and True
    together), else by value and class (files.distinct)."""
    import numpy as np
    n = len(col)
    classes = set(map(type, col)) - {absent.__class__}
    strange = None
    if float in classes or type(None) in classes:  # the row path's own words for floats and nulls
        strange = np.fromiter((v.__class__ is float or v is None for v in col), bool, n)
        col = [absent if s else v for v, s in zip(col, strange)]
        classes -= {float, type(None)}
    if any(classes <= plain for plain in _PLAIN):
        keys = col
    elif classes == {list} and _items_plain(col, absent):
        keys = [v if v is absent else tuple(v) for v in col]
    else:
        from .files import distinct
        values, seen = [], {}
        index = np.fromiter((-1 if v is absent else distinct(v, values, seen) for v in col), np.int64, n)
        return index, values, strange
    first = dict.fromkeys(chain((absent,), keys))
    at = {k: i for i, k in enumerate(first)}
    index = np.fromiter(map(at.__getitem__, keys), np.int64, n) - 1
    values = list(first)[1:]
    if keys is not col:
        values = [list(v) for v in values]
    return index, values, strange


def _items_plain(col, absent) -> bool:
    classes = set(map(type, chain.from_iterable(v for v in col if v is not absent)))
    return any(classes <= plain for plain in _PLAIN)


def _heads(ids, n, absent):
    """Each line's head: `{"id": ID` (json.dumps of the id: text without an escape stays as it is)
    where the line gives an id; the rows whose id the row path must judge (None: none); and which
    rows give one (True: all, False: none, else a mask)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    if ids is None:
        return None, None, False
    classes = set(map(type, ids)) - {absent.__class__}
    every = absent not in ids or np.fromiter((v is not absent for v in ids), bool, n)
    given = every
    if classes <= {str} or classes <= {int}:
        known = ids if every is True else [v for v in ids if v is not absent]
        if classes == {int}:
            if min(known) < -MAX_INT or max(known) > MAX_INT:
                return _heads_by_row(ids, n, every, absent)
            text = pc.cast(ints(known), pa.string())
            quote = ""
        else:
            text, quote = utf8(known), '"'
        head = pc.binary_join_element_wise(lit('{"id": ' + quote), text, lit(quote), lit(""))
        if every is not True:  # the heads in their rows ("" where none: the line is written without)
            at = np.cumsum(given) - 1
            head = head.take(ints(np.maximum(at, 0)))
        return head, None, every
    return _heads_by_row(ids, n, every, absent)


def _heads_by_row(ids, n, every, absent):
    import numpy as np
    heads, bad = [], np.zeros(n, bool)
    for i, v in enumerate(ids):
        if v is absent:
            heads.append("")
        elif v.__class__ is str or (v.__class__ is int and -MAX_INT <= v <= MAX_INT):
            heads.append('{"id": ' + json.dumps(v, ensure_ascii=False))
        else:
            heads.append("")
            bad[i] = True
    return utf8(heads), bad, every


def _numpy_bools(arr):
    """A pyarrow bool Array as NumPy (a null: False)."""
    from .facts import bitmap, valid_rows
    valid = valid_rows(arr)
    return bitmap(arr, 1).copy() if valid is None else bitmap(arr, 1) & valid
