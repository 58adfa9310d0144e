"""A roll's columns → the columnar module's fact columns, each distinct value checked once.

What a roll may spell, and what is bad, is the row path's word: each distinct value of a field goes
through the row path's decoder (runtime.decode_case) once, its representation is remembered across
batches, and the rows get it by one array lookup. The distinct values come the cheapest way the column
allows, never by a Python loop over rows:

    dictionary arrays (Parquet strings, CSV cells)   the dictionary the reader already has;
    integers, dates (date32), booleans               the range of values present (an offset, no hash);
    a date32 column of a date fact, a decimal column
    of a money fact                                  the values themselves, checked as the decoder would
                                                     check each (every day of a date32 exists; money is
                                                     whole fen from 0 to under 10^15 yuan);
    a list column of a set field (identities)        each distinct item, its bits OR-ed per row;
    JSONL's encoded columns                          their distinct values;
anything else through pyarrow's dictionary_encode, or (a list where no list belongs, nested lists)
the column's Python values.
"""
from __future__ import annotations

import datetime as dt

from .files import distinct, value_key
from ...runtime.core import MAX_MONEY_YUAN, CaseError, decode_case

_SEEN = 1 << 16  # distinct values remembered per field
_RANGE = 1 << 20  # widest range of integers looked up by offset; wider ones are hashed
_NARROW = 256  # a range of integers this narrow is decoded whole
_MISSING = object()
_EPOCH = dt.date(1970, 1, 1)


def bitmap(arr, buffer: int):
    """One of a pyarrow Array's bitmaps (0: validity; 1: a bool array's values) as a NumPy bool array,
    unpacked by NumPy: pyarrow's own is_valid, fill_null or to_numpy cost ten times as much."""
    import numpy as np
    bits = np.unpackbits(np.frombuffer(arr.buffers()[buffer], np.uint8), bitorder="little")
    return bits[arr.offset: arr.offset + len(arr)].view(bool)


def valid_rows(arr):
    """The rows of a pyarrow Array that are not null (None: every row)."""
    if arr.null_count == 0:
        return None
    if arr.null_count == len(arr) or arr.buffers()[0] is None:  # a null-typed column has no bitmap
        import numpy as np
        return np.zeros(len(arr), bool)
    return bitmap(arr, 0)


def numbers(arr, fill=0):
    """An integer (or date32) pyarrow Array's values as NumPy (no copy where there is no null); nulls →
    fill. (From the buffer itself: pyarrow's to_numpy imports pandas where it is installed, 0.5 s.)"""
    import numpy as np
    import pyarrow as pa
    dtype = f"{'u' if pa.types.is_unsigned_integer(arr.type) else 'i'}{arr.type.bit_width // 8}"
    values = np.frombuffer(arr.buffers()[1], dtype)[arr.offset: arr.offset + len(arr)]
    valid = valid_rows(arr)
    return values if valid is None else np.where(valid, values, fill)


def members_of(mod, enum) -> dict:
    cache = mod.__dict__.setdefault("_MEMBERS", {})
    if enum not in cache:
        cache[enum] = {code: i for i, code in enumerate(mod.ENUMS[enum])}
    return cache[enum]


class FactColumns:
    """Turns one field's column into (values, bad rows or None, given rows or None: all given)."""

    def __init__(self, mod, spec):
        import numpy as np
        self.np, self.mod, self.spec = np, mod, spec  # spec: the row path's FACTS
        self.seen: dict = {}
        self.last: dict = {}  # field → (the dictionary Array, its tables): the batches of a row group share it

    # ---- one distinct value ----
    def value(self, name, value):
        """A field's JSON value → the module's representation, None if bad (the row path's decoder)."""
        seen = self.seen.setdefault(name, {})
        try:
            key = value_key(value)
            x = seen.get(key, _MISSING)
        except TypeError:  # unhashable (a list of lists): bad anyway, decided afresh
            key, x = None, _MISSING
        if x is _MISSING:
            x = self._represent(name, value)
            if key is not None and len(seen) < _SEEN:
                seen[key] = x
        return x

    def _represent(self, name, value):
        kind, enum, _ = self.mod.FACTS[name]
        try:
            x = decode_case({name: value}, self.spec)[name]
        except CaseError:
            return None
        if kind == "enum":
            return members_of(self.mod, enum)[x]
        if kind == "set":
            members = members_of(self.mod, enum)
            return sum(1 << members[code] for code in x)
        return x

    def tables(self, name, values):
        """(representation, ok) of each distinct value, one slot more at the end: absent."""
        np = self.np
        kind = self.mod.FACTS[name][0]
        k = len(values)
        if kind == "date":
            rep = np.full(k + 1, np.datetime64("NaT", "D"))
        else:
            rep = np.full(k + 1, -1 if kind == "enum" else 0, bool if kind == "bool" else np.int64)
        ok = np.ones(k + 1, bool)
        for j, value in enumerate(values):
            x = self.value(name, value)
            if x is None:
                ok[j] = False
            else:
                rep[j] = x
        return rep, ok

    def gather(self, name, values, index, absent: bool):
        """Rows' (values, bad, given) from the distinct values and each row's index into them
        (len(values) where the row does not give the field; `absent`: some row does not)."""
        rep, ok = self.tables(name, values)
        bad = None if ok.all() else ~ok[index]
        given = (index != len(values)) if absent else None
        return rep[index], bad, given

    # ---- whole columns ----
    def encoded(self, name, index, values):
        """JSONL's encoded column (indices, -1: absent)."""
        np = self.np
        absent = bool((index < 0).any())
        return self.gather(name, values, np.where(index < 0, len(values), index) if absent else index, absent)

    def arrow(self, name, arr, cell):
        """A pyarrow Array of a CSV or Parquet roll; cell: (field, Python value) → JSON value."""
        import pyarrow as pa
        t = arr.type
        kind = self.mod.FACTS[name][0]
        if kind == "date" and pa.types.is_date32(t):  # (read_roll made any day outside 1–9999 text)
            return self._days(arr)
        if kind == "money" and pa.types.is_decimal(t) and t.bit_width == 128:
            found = self._fen(arr, t.scale)
            if found is not None:
                return found
        if pa.types.is_dictionary(t):
            return self._dictionary(name, arr, cell)
        if pa.types.is_integer(t) or pa.types.is_date32(t) or pa.types.is_boolean(t):
            found = self._range(name, arr, cell)
            if found is not None:
                return found
        if pa.types.is_list(t) or pa.types.is_large_list(t):
            if self.mod.FACTS[name][0] == "set":
                found = self._set(name, arr, cell)
                if found is not None:
                    return found
            return self._python(name, arr, cell)
        if pa.types.is_null(t):
            n = len(arr)
            return self.gather(name, [], self.np.zeros(n, self.np.int64), n > 0)
        try:
            return self._dictionary(name, arr.dictionary_encode(), cell)
        except pa.ArrowException:  # a type pyarrow does not hash (a struct, say)
            return self._python(name, arr, cell)

    def _days(self, arr):
        """A date32 column of a date fact: its days are the representation (NaT: absent)."""
        np = self.np
        valid = valid_rows(arr)
        days = numbers(arr).astype(np.int64).view("datetime64[D]")
        return (days if valid is None else np.where(valid, days, np.datetime64("NaT", "D"))), None, valid

    def _fen(self, arr, scale: int):
        """A decimal128 column of a money fact → fen (0 where absent or bad), bad where _money_in would
        refuse the value: negative, 10^15 yuan or more, or finer than the fen. None (the values one by
        one instead) where 10^15 yuan at this scale would not fit in int64 (a scale over 3) or below 0."""
        np = self.np
        if not 0 <= scale <= 3:
            return None
        words = np.frombuffer(arr.buffers()[1], np.int64).reshape(-1, 2)[arr.offset: arr.offset + len(arr)]
        low, high = words[:, 0], words[:, 1]
        ok = (high == (low >> 63)) & (low >= 0)  # within int64 (else beyond 10^15 yuan), not negative
        if scale > 2:
            step = 10 ** (scale - 2)
            fen = low // step
            ok &= low % step == 0
        else:
            ok &= low < MAX_MONEY_YUAN * 10 ** scale
            fen = np.where(ok, low, 0) * 10 ** (2 - scale)
        ok &= fen < MAX_MONEY_YUAN * 100
        valid = valid_rows(arr)
        if valid is not None:
            ok |= ~valid  # an absent value is not a bad one
        fen = np.where(ok if valid is None else ok & valid, fen, 0)
        return fen, (None if ok.all() else ~ok), valid

    def _dictionary(self, name, arr, cell):
        k = len(arr.dictionary)
        absent = arr.null_count > 0
        index = numbers(arr.indices, k)
        last = self.last.get(name)
        if last is not None and last[0].equals(arr.dictionary):
            rep, ok = last[1]
        else:
            rep, ok = self.tables(name, [cell(name, v) for v in arr.dictionary.to_pylist()])
            self.last[name] = (arr.dictionary, (rep, ok))
        return rep[index], (None if ok.all() else ~ok[index]), (index != k) if absent else None

    def _range(self, name, arr, cell):
        """Integers, days or booleans: the values present, found by their offset from the least."""
        import pyarrow as pa
        import pyarrow.compute as pc
        np = self.np
        if pa.types.is_boolean(arr.type):
            if self.mod.FACTS[name][0] == "bool" and self.value(name, True) is True and self.value(name, False) is False:
                # a bool column of a bool fact is its own representation
                valid, values = valid_rows(arr), bitmap(arr, 1)
                return (values if valid is None else values & valid), None, valid
            arr, python = arr.cast(pa.int8()), bool
        elif pa.types.is_date32(arr.type):
            arr, python = arr.cast(pa.int32()), (lambda d: _EPOCH + dt.timedelta(days=d))
        else:
            python = int
        if len(arr) == arr.null_count:
            return self.gather(name, [], np.zeros(len(arr), np.int64), len(arr) > 0)
        bounds = pc.min_max(arr)
        lo, hi = bounds["min"].as_py(), bounds["max"].as_py()
        if hi - lo >= _RANGE or hi >= 1 << 62 or lo <= -(1 << 62):  # (also: no int64 overflow)
            return None
        valid = valid_rows(arr)
        span = hi - lo + 1
        offset = numbers(arr, lo).astype(np.int64, copy=False) - lo
        if valid is not None:
            offset[~valid] = span  # slot `span`: absent
        # a narrow range is decoded whole (a value not present costs one cached decoding), else the
        # values present are found first
        present = np.arange(span) if span <= _NARROW else np.flatnonzero(np.bincount(offset, minlength=span + 1)[:span])
        # the tables over the whole range; values not present are never looked up
        rep, ok = self.tables(name, [cell(name, python(int(lo + j))) for j in present])
        full_rep = np.empty(span + 1, rep.dtype)
        full_rep[present], full_rep[span] = rep[:-1], rep[-1]
        bad = None
        if not ok.all():
            full_ok = np.ones(span + 1, bool)
            full_ok[present] = ok[:-1]
            bad = ~full_ok[offset]
        return full_rep[offset], bad, valid

    def _set(self, name, arr, cell):
        """A list column of a set field: each distinct item decoded once, its bit OR-ed into its row's."""
        import pyarrow as pa
        np = self.np
        if len(arr) == 0:
            return np.zeros(0, np.int64), None, None
        offsets = numbers(arr.offsets)
        items = arr.values.slice(offsets[0], offsets[-1] - offsets[0])
        offsets = (offsets - offsets[0]).astype(np.int64)
        if not pa.types.is_dictionary(items.type):
            try:
                items = items.dictionary_encode()
            except pa.ArrowException:
                return None
        k = len(items.dictionary)
        bits, ok = np.zeros(k + 1, np.int64), np.ones(k + 1, bool)
        ok[k] = False  # a null item
        for j, item in enumerate(items.dictionary.to_pylist()):
            x = self.value(name, [cell(name, item)])
            if x is None:
                ok[j] = False
            else:
                bits[j] = x
        index = numbers(items.indices, k)
        # each row's items OR-ed: reduceat from each row's first item (one 0 after the last item
        # so that every start is an index); an empty row's result is its neighbour's item, hence 0
        empty = offsets[1:] == offsets[:-1]
        values = np.bitwise_or.reduceat(np.append(bits[index], 0), offsets[:-1])
        values[empty] = 0
        bad = None
        if not (ok[:k].all() and items.null_count == 0) and not ok[index].all():
            bad = np.logical_or.reduceat(np.append(~ok[index], False), offsets[:-1])
            bad[empty] = False
        given = valid_rows(arr)
        if given is not None:
            values[~given] = 0
            if bad is not None:
                bad &= given
        return values, bad, given

    def _python(self, name, arr, cell):
        """Any other column: its Python values, distinct by value (slow; for shapes a roll rarely has)."""
        np = self.np
        index, values, seen = np.empty(len(arr), np.int64), [], {}
        for i, v in enumerate(arr.to_pylist()):
            index[i] = distinct(None if v is None else cell(name, v), values, seen)
        absent = [j for j, v in enumerate(values) if v is None]
        if absent:  # None stands for a null cell: move it to the absent slot
            k = len(values)
            remap = np.arange(k + 1)
            remap[absent[0]] = k
            index = remap[index]
        return self.gather(name, values, index, bool(absent))
