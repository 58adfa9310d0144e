"""The columnar module's decision columns → Arrow columns as the interface prints them.

Money ("342.00") and dates (ISO) are text, so each goes out dictionary-encoded: the distinct values
found by their offset from the least (no hash), each formatted once (remembered across batches), the
rows as int32 indices. Enumeration codes are a dictionary over the enumeration's codes as they are.
The types are the same in every batch (dictionary<int32, string>, int64, bool), so a writer never
casts.
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


class ResultColumns:
    def __init__(self, mod, kinds: dict):
        import numpy as np
        self.np, self.mod, self.kinds = np, mod, kinds  # kinds: decision → (output kind, enumeration or None)
        self.shown: dict = {}

    def column(self, name, values, valid):
        """One decision's values (the module's representation) and where they are decided → an Array."""
        import pyarrow as pa
        np = self.np
        kind, enum = self.kinds[name]
        every = bool(valid.all())
        if len(valid) == 0 or (not every and not valid.any()):  # nothing decided: no values to look at
            return _none(kind, enum, self.mod, len(valid))
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


def _none(kind, enum, mod, n):
    """A column of n nulls of the type the decision's column has in every batch."""
    import pyarrow as pa
    if kind in ("money", "date") or (enum is not None and all(isinstance(c, str) for c in mod.ENUMS[enum])):
        return pa.DictionaryArray.from_arrays(pa.nulls(n, pa.int32()), strings([]))
    return pa.nulls(n, pa.bool_() if kind == "bool" else pa.int64())


# Arrays are built from their buffers: pyarrow's pa.array imports pandas where it is installed (0.5 s
# of a roll's start) to ask whether its argument is a pandas object.
_TYPES = {"int32": "int32", "int64": "int64", "int8": "int8", "bool": "bool_"}


def with_nulls(values, valid, every: bool):
    """A NumPy array (int8/32/64 or bool) → a pyarrow Array, null where not valid (unless every)."""
    import numpy as np
    import pyarrow as pa
    kind = getattr(pa, _TYPES[values.dtype.name])()
    data = np.packbits(values, bitorder="little") if values.dtype == bool else np.ascontiguousarray(values)
    bitmap = None if every else pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(kind, len(values), [bitmap, pa.py_buffer(data)])


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

