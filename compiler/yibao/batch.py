"""A roll through the columnar backend, batch by batch: `yibao eval NOTICE --cases ROLL --output RESULTS`.

Each field's distinct values are decoded once by the very decoder the row path uses (runtime.decode_case),
so what a roll may spell, and what is bad, is the row path's word; the columnar module then decides
whole batches. A row that is bad (or, with --decision, that a decision cannot be made for) goes through
the row path for its exact message; it gets that message in the `error` column and its exit code in
`exit` (its decisions null) and the other rows go on. Results: `id` (passed through), the decisions in
the notice's order (money "342.00", ISO dates, enumeration codes; null where undecidable), error, exit.
"""
from __future__ import annotations

import datetime as dt
import sys

from . import ir
from .errors import BAD_INPUT, OK, Fail
from .rolls import BATCH_ROWS, ResultWriter, need_pyarrow, value_key, read_roll, roll_rows
from .runtime import CaseError, decode_case, money_out

_EPOCH = dt.date(1970, 1, 1)
_SHOWN = 10
_SEEN = 1 << 16  # distinct values remembered per field
_MISSING = object()  # bad rows told on standard error; the rest are in the results' error column


class RollEvaluator:
    def __init__(self, program: ir.Program, wanted=None):
        import numpy as np
        from .backends import numpy as to_numpy
        from .evaluate import Evaluator
        self.np = np
        self.ev = Evaluator(program)
        self.mod = to_numpy.load(program)
        self.spec = self.ev.module.FACTS  # field → (kind, accepted spellings, default): the row path's
        self.wanted = wanted
        self.names = list(wanted or self.ev.decisions)
        # what the columnar module cannot do, the row path does for every row
        self.row_path_only = [n for n in self.names if n not in self.mod.DECISIONS]
        self.check_every_row = any(fn is None for _, fn in self.mod.CONSTRAINTS)
        self.seen: dict = {}

    # ---- a field's distinct values → a column ----
    def fact_column(self, name, index, values):
        """(column in the module's representation, row ok, row gives the fact) for one encoded field."""
        np = self.np
        kind, enum, _ = self.mod.FACTS[name]
        k = len(values)
        rep = np.full(k + 1, np.datetime64("NaT", "D")) if kind == "date" else np.zeros(k + 1, bool if kind == "bool" else np.int64)
        ok, given = np.ones(k + 1, bool), np.ones(k + 1, bool)
        given[k] = False  # slot k (index -1): the field is absent
        if kind == "enum":
            rep[k] = -1
        seen = self.seen.setdefault(name, {})  # value → its representation, or None if bad: across batches
        for j, value in enumerate(values):
            try:
                key = value_key(value)
                x = seen.get(key, _MISSING)
            except TypeError:  # unhashable (a list of lists): bad anyway, decided afresh
                key, x = None, _MISSING
            if x is _MISSING:
                x = self.represent(name, kind, enum, value)
                if key is not None and len(seen) < _SEEN:
                    seen[key] = x
            if x is None:
                ok[j] = False
            else:
                rep[j] = x
        return rep[index], ok[index], given[index]

    def represent(self, name, kind, enum, value):
        """One JSON value of a field → the module's representation, by the row path's decoder (None: bad)."""
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

    def columns(self, chunk):
        """Encoded chunk → (the module's columns, rows that are bad input)."""
        np = self.np
        bad = np.zeros(chunk.n, bool)
        for i in chunk.errors:
            bad[i] = True
        columns = {}
        for name, (index, values) in chunk.columns.items():
            if name == "id":
                continue
            if name not in self.spec:  # an unknown field (or a row that is no object) where it is given
                bad |= index >= 0
                continue
            v, ok, given = self.fact_column(name, index, values)
            bad |= ~ok
            columns[name] = v
            if self.mod.FACTS[name][0] not in ("date", "enum"):
                columns[name + "?"] = given
        return columns, bad

    # ---- one chunk → one results table ----
    def evaluate(self, chunk, path: str):
        """(results as a pyarrow Table, {row: (message, exit code)})."""
        import pyarrow as pa
        np = self.np
        columns, bad = self.columns(chunk)
        c = self.mod.context(columns, chunk.n)
        for _, fn in self.mod.CONSTRAINTS:
            if fn is not None:
                bad |= fn(c)
        # the decisions in the module's own chunks (its temporaries stay small)
        found = self.mod.evaluate(columns, [n for n in self.names if n in self.mod.DECISIONS], chunk.n)
        out = {name: values for name, (values, _) in found.items()}
        decided = {name: ok for name, (_, ok) in found.items()}
        to_row_path = bad.copy()
        if self.wanted:
            for name in decided:
                to_row_path |= ~decided[name]
        rows = range(chunk.n) if (self.check_every_row or self.row_path_only) else np.flatnonzero(to_row_path)
        errors, by_row_path = self.row_path(chunk, rows, path)
        fine = np.ones(chunk.n, bool)
        for i in errors:
            fine[i] = False
        table = {} if chunk.ids is None else {"id": _as_array(chunk.ids)}
        for name in self.names:
            if name in out:
                table[name] = self.encode(name, out[name], decided[name] & fine)
            else:
                table[name] = pa.array([by_row_path.get(i, {}).get(name) for i in range(chunk.n)])
        table["error"] = pa.array([errors[i][0] if i in errors else None for i in range(chunk.n)] if errors else
                                  [None] * chunk.n, pa.string())
        table["exit"] = pa.array([errors[i][1] if i in errors else None for i in range(chunk.n)] if errors else
                                 [None] * chunk.n, pa.int8())
        return pa.table(table), errors

    def row_path(self, chunk, rows, path):
        """The row path's word on these rows: {row: (message, code)} and {row: result}."""
        errors, results = {}, {}
        for i in rows:
            i = int(i)
            if i in chunk.errors:
                errors[i] = (chunk.errors[i], BAD_INPUT)
                continue
            raw = {}
            for name, (index, values) in chunk.columns.items():
                if index[i] >= 0 and name != "id":
                    raw[name] = values[index[i]]
            raw = raw[""] if list(raw) == [""] else raw
            result, error = self.ev.one(raw, self.wanted, where=chunk.where(path, i))
            if error:
                errors[i] = (str(error), error.code)
            else:
                results[i] = result
        return errors, results

    def encode(self, name, values, valid):
        """A decision's column as the interface prints it (dictionary-encoded text for money and dates)."""
        import pyarrow as pa
        import pyarrow.compute as pc
        np = self.np
        kind = self.ev.decisions[name][1]
        enum = self.mod.DECISIONS[name][2]
        if kind in ("money", "date"):
            ints = values.view(np.int64) if kind == "date" else np.asarray(values, np.int64)
            d = pc.dictionary_encode(pa.array(ints, mask=~valid))
            show = money_out if kind == "money" else (lambda day: (_EPOCH + dt.timedelta(days=day)).isoformat())
            return pa.DictionaryArray.from_arrays(d.indices, pa.array([show(v) for v in d.dictionary.to_pylist()], pa.string()))
        if enum is not None:
            codes = self.mod.ENUMS[enum]
            index = np.where(valid, values, 0).astype(np.int32)
            if all(isinstance(code, str) for code in codes):
                return pa.DictionaryArray.from_arrays(pa.array(index, mask=~valid), pa.array(codes, pa.string()))
            return pa.array(np.asarray(codes, np.int64)[index], mask=~valid)
        return pa.array(np.asarray(values, bool if kind == "bool" else np.int64), mask=~valid)


def members_of(mod, enum) -> dict:
    cache = mod.__dict__.setdefault("_MEMBERS", {})
    if enum not in cache:
        cache[enum] = {code: i for i, code in enumerate(mod.ENUMS[enum])}
    return cache[enum]


def _as_array(ids):
    """An id column as given (a pyarrow Array), or JSONL ids: integers stay integers, else all text."""
    import pyarrow as pa
    if isinstance(ids, pa.Array):
        return ids.dictionary_decode() if pa.types.is_dictionary(ids.type) else ids
    if all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in ids):
        return pa.array(ids, pa.int64())
    return pa.array([None if v is None else v if isinstance(v, str) else str(v) for v in ids], pa.string())


def eval_roll(program: ir.Program, cases: str, output: str, wanted=None, explain=False,
              batch_rows: int = BATCH_ROWS) -> int:
    """The command: read the roll batch by batch, write each batch's results; exit 2 if a row was bad
    input, else 3 if a --decision could not be made for a row, else 0."""
    if explain:
        raise Fail(BAD_INPUT, "--explain is for --case or a JSONL stream to standard output, not --output")
    need_pyarrow()
    ResultWriter(output)  # the output's extension is checked before any work
    roll = RollEvaluator(program, wanted)
    writer = ResultWriter(output)
    bar = _progress(roll_rows(cases))
    status, told = OK, 0
    try:
        for chunk in read_roll(cases, batch_rows):
            table, errors = roll.evaluate(chunk, cases)
            writer.write(table)
            for i in sorted(errors):
                message, code = errors[i]
                status = BAD_INPUT if BAD_INPUT in (status, code) else max(status, code)
                if told < _SHOWN and sys.stderr is not None:
                    print(f"yibao: {message}", file=sys.stderr)
                told += 1
            if bar is not None:
                bar.update(chunk.n)
    finally:
        writer.close()
        if bar is not None:
            bar.close()
    if told > _SHOWN and sys.stderr is not None:
        print(f"yibao: {told} rows in all could not be evaluated; see the `error` column of {output}", file=sys.stderr)
    return status


def _progress(total):
    """A progress bar on standard error when it is a terminal (tqdm, where installed)."""
    if sys.stderr is None or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit=" cases", unit_scale=True, file=sys.stderr, leave=False)
