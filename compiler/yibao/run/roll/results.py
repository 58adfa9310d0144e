"""The columnar module's decision columns → Arrow columns as the interface prints them.

For CSV and JSONL, money ("342.00") and dates (ISO) are text, so each goes out dictionary-encoded: the
distinct values found by their offset from the least (no hash), each formatted once (remembered across
batches), the rows as int32 indices. For Parquet (`typed`), money is decimal128(18, 2) and dates date32
(interface.md), built straight from the module's integers (fen, days) with no formatting at all.
Enumeration codes are a dictionary over the enumeration's codes as they are. The types are the same
in every batch (result_type), so a writer never casts.
"""
from __future__ import annotations

import datetime as dt

from .facts import numbers
from ...runtime.core import money_out

_RANGE = 1 << 22  # widest range of values given dictionary indices by offset; wider ones are hashed
_DENSE = 1 << 10  # a range this narrow goes into the dictionary whole (no search for the values present)
_SHOWN = 1 << 16  # formatted values remembered per decision
_EPOCH = dt.date(1970, 1, 1)


def _day(days: int) -> str:
    return (_EPOCH + dt.timedelta(days=days)).isoformat()


_MONEY = (18, 2)  # a Parquet result's money: decimal128(18, 2), 16 digits of yuan
_MOST_FEN = 10 ** _MONEY[0] - 1


def result_type(kind: str, codes, typed: bool):
    """The Arrow type of a decision's result column: kind is its output kind, codes its enumeration's
    codes (None if it has none); typed for Parquet results (money decimal, dates date32)."""
    import pyarrow as pa
    if typed and kind == "money":
        return pa.decimal128(*_MONEY)
    if typed and kind == "date":
        return pa.date32()
    if kind in ("money", "date") or (kind == "enum" and codes is None) or (
            codes is not None and all(isinstance(c, str) for c in codes)):
        return pa.dictionary(pa.int32(), pa.string())
    return pa.bool_() if kind == "bool" else pa.int64()


def typed_value(kind: str, text):
    """A row-path result's value (money and dates as text) as a typed Parquet column holds it."""
    import datetime as dt
    from decimal import Decimal
    if text is None:
        return None
    return Decimal(text) if kind == "money" else dt.date.fromisoformat(text) if kind == "date" else text


def row_path_column(kind: str, codes, typed: bool, values: list):
    """A decision's values as the row path gives them (None: undecided) → its result column."""
    import pyarrow as pa
    t = result_type(kind, codes, typed)
    if pa.types.is_dictionary(t):
        return pa.array(values, pa.string()).dictionary_encode()
    return pa.array([typed_value(kind, v) for v in values] if typed else values, t)


class ResultColumns:
    def __init__(self, mod, kinds: dict, typed: bool = False):
        import numpy as np
        self.np, self.mod, self.kinds = np, mod, kinds  # kinds: decision → (output kind, enumeration or None)
        self.typed = typed  # Parquet: money decimal128(18, 2), dates date32
        self.shown: dict = {}

    def column(self, name, values, valid):
        """One decision's values (the module's representation) and where they are decided → an Array."""
        import pyarrow as pa
        np = self.np
        kind, enum = self.kinds[name]
        every = bool(valid.all())
        if len(valid) == 0 or (not every and not valid.any()):  # nothing decided: no values to look at
            return pa.nulls(len(valid), self.type(name))
        if self.typed and kind == "money":
            return self._decimal(name, values.astype(np.int64, copy=False), valid, every)
        if self.typed and kind == "date":
            return _from_buffers(pa.date32(), values.view(np.int64).astype(np.int32), valid, every)
        if kind in ("money", "date"):
            ints = values.view(np.int64) if kind == "date" else values.astype(np.int64, copy=False)
            return self._text(name, ints, valid, every, money_out if kind == "money" else _day)
        if enum is not None:
            codes = self.mod.ENUMS[enum]
            index = (values if every else np.where(valid, values, 0)).astype(np.int32)
            if all(isinstance(code, str) for code in codes):
                return pa.DictionaryArray.from_arrays(with_nulls(index, valid, every), strings(codes))
            return with_nulls(np.asarray(codes, np.int64)[index], valid, every)
        if kind == "bool":
            return with_nulls(np.asarray(values, bool), valid, every)
        return with_nulls(np.asarray(values, np.int64), valid, every)

    def type(self, name):
        kind, enum = self.kinds[name]
        return result_type(kind, None if enum is None else self.mod.ENUMS[enum], self.typed)

    def _decimal(self, name, fen, valid, every):
        """Integer fen → decimal128(18, 2): each value its 16 bytes, little-endian two's complement (the
        low word the fen, the high word its sign)."""
        import pyarrow as pa
        np = self.np
        decided = fen if every else fen[valid]
        if len(decided) and max(-int(decided.min()), int(decided.max())) > _MOST_FEN:
            from ...base.exits import BAD_INPUT, Fail
            raise Fail(BAD_INPUT, f"{name}: a value beyond the 16 digits of yuan a Parquet result holds "
                       "(decimal128(18, 2)); write the results as CSV or JSONL")
        words = np.empty((len(fen), 2), np.int64)
        words[:, 0] = fen
        words[:, 1] = fen >> 63
        return _from_buffers(pa.decimal128(*_MONEY), words, valid, every)

    def _text(self, name, ints, valid, every, show):
        import pyarrow as pa
        import pyarrow.compute as pc
        np = self.np
        if not every:  # the undecided rows take a decided row's value: the values are those decided
            ints = np.where(valid, ints, ints[valid.argmax()])
        lo, hi = int(ints.min()), int(ints.max())
        if lo == hi:
            distinct, index = [lo], np.zeros(len(ints), np.int32)
        elif hi - lo < _RANGE:
            index = ints - lo
            if hi - lo < _DENSE:  # every value of the range in the dictionary, present or not
                distinct, index = range(lo, hi + 1), index.astype(np.int32)
            else:  # only the values present
                present = np.zeros(hi - lo + 1, bool)
                present[index] = True
                distinct = (np.flatnonzero(present) + lo).tolist()
                index = (np.cumsum(present, dtype=np.int32) - 1)[index]
        else:
            d = pc.dictionary_encode(with_nulls(ints, None, True))
            distinct = d.dictionary.to_pylist()
            index = numbers(d.indices)
        shown = self.shown.setdefault(name, {})
        texts = []
        for v in distinct:
            text = shown.get(v)
            if text is None:
                text = show(v)
                if len(shown) < _SHOWN:
                    shown[v] = text
            texts.append(text)
        return pa.DictionaryArray.from_arrays(with_nulls(index, valid, every), strings(texts))


def _from_buffers(kind, values, valid, every: bool, n: int | None = None):
    """A NumPy array holding n values of an Arrow type as they lie in memory (n: its length, unless
    given) → that Array, null where not valid (unless every)."""
    import numpy as np
    import pyarrow as pa
    bitmap = None if every else pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(kind, len(values) if n is None else n,
                                 [bitmap, pa.py_buffer(np.ascontiguousarray(values))])


# Arrays are built from their buffers: pyarrow's pa.array imports pandas where it is installed (0.5 s
# of a roll's start) to ask whether its argument is a pandas object.
_TYPES = {"int32": "int32", "int64": "int64", "int8": "int8", "bool": "bool_"}


def with_nulls(values, valid, every: bool):
    """A NumPy array (int8/32/64 or bool) → a pyarrow Array, null where not valid (unless every)."""
    import numpy as np
    import pyarrow as pa
    kind = getattr(pa, _TYPES[values.dtype.name])()
    data = np.packbits(values, bitorder="little") if values.dtype == bool else values
    return _from_buffers(kind, data, valid, every, len(values))


def strings(texts):
    """A list of str → a pyarrow string Array."""
    import numpy as np
    import pyarrow as pa
    data = [t.encode("utf-8") for t in texts]
    offsets = np.zeros(len(data) + 1, np.int32)
    np.cumsum([len(b) for b in data], out=offsets[1:])
    return pa.Array.from_buffers(pa.string(), len(data), [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))])


def errors_columns(n: int, errors: dict):
    """The `error` (text) and `exit` (int8) columns: null but where a row is in errors {row: (message, code)}."""
    import numpy as np
    import pyarrow as pa
    if not errors:
        return pa.nulls(n, pa.string()), pa.nulls(n, pa.int8())
    rows = np.fromiter(errors, np.int64, len(errors))
    which = np.full(n, -1, np.int64)
    which[rows] = np.arange(len(rows))
    take = with_nulls(np.maximum(which, 0), which >= 0, False)
    messages = strings([errors[i][0] for i in errors])
    codes = with_nulls(np.array([errors[i][1] for i in errors], np.int8), None, True)
    return messages.take(take), codes.take(take)
