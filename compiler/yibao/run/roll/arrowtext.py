"""Text columns for writing JSON lines with pyarrow, built from buffers: pyarrow's pa.array and pa.scalar
import pandas where it is installed (half a second of a roll's start), so arrays and the scalars given
to compute functions are made here from bytes; and a sink that writes a string Array's UTF-8 bytes."""
from __future__ import annotations

_LITERALS: dict = {}


def lit(text: str):
    """A text as a pyarrow scalar, made from an Array (a Python str given to a compute function goes
    through pa.scalar, which imports pandas where it is installed)."""
    scalar = _LITERALS.get(text)
    if scalar is None:
        scalar = _LITERALS[text] = utf8([text])[0]
    return scalar


def utf8(texts, bitmap=None):
    """A list of str → a pyarrow string Array (bitmap: its validity, or None)."""
    import numpy as np
    import pyarrow as pa
    data = list(map(str.encode, texts))
    offsets = np.zeros(len(data) + 1, np.int32)
    np.cumsum(np.fromiter(map(len, data), np.int32, len(data)), out=offsets[1:])
    return pa.Array.from_buffers(pa.string(), len(data), [bitmap, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))])


def ints(values):
    import numpy as np
    import pyarrow as pa
    values = np.ascontiguousarray(values, np.int64)
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


def bools(mask):
    import numpy as np
    import pyarrow as pa
    return pa.Array.from_buffers(pa.bool_(), len(mask), [None, pa.py_buffer(np.packbits(mask, bitorder="little"))])


class Sink:
    """Lines (a pyarrow string array) out as their UTF-8 bytes: to the stream's buffer where it has
    one (what a text stream would write), else as text."""

    def __init__(self, out):
        self.out = out
        self.raw = getattr(out, "buffer", None) if (getattr(out, "encoding", "") or "").lower().replace("-", "") == "utf8" else None

    def write(self, lines):
        import numpy as np
        if len(lines) == 0:
            return
        offsets = np.frombuffer(lines.buffers()[1], np.int32)[lines.offset:lines.offset + len(lines) + 1]
        data = memoryview(lines.buffers()[2])[int(offsets[0]):int(offsets[-1])]
        if self.raw is not None:
            self.out.flush()
            self.raw.write(data)
        else:
            self.out.write(bytes(data).decode("utf-8"))

    def flush(self):
        if self.raw is not None:
            self.raw.flush()
