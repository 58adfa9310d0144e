"""A roll through the columnar backend, batch by batch: `yibao eval NOTICE --cases ROLL --output RESULTS`.

Each field's distinct values are decoded once by the very decoder the row path uses (rollfacts.py), so
what a roll may spell, and what is bad, is the row path's word; the columnar module then decides
whole batches, and rollout.py turns its columns into the results'. A row that is bad (or, with
--decision, that a decision cannot be made for) goes through the row path for its exact message; it
gets that message in the `error` column and its exit code in `exit` (its decisions null) and the other
rows go on. Results: `id` (passed through), the decisions in the notice's order (money "342.00", ISO
dates, enumeration codes; null where undecidable; in Parquet money decimal128(18, 2), dates date32),
error, exit.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field

from ...ir import nodes as ir
from ...base.exits import BAD_INPUT, OK, Fail
from .facts import FactColumns, valid_rows
from .results import ResultColumns, errors_columns, row_path_column
from .files import BATCH_ROWS, ResultWriter, need_pyarrow, read_roll, roll_rows

_SHOWN = 10  # bad rows told on standard error; the rest are in the results' error column


class RollEvaluator:
    def __init__(self, program: ir.Program, wanted=None, typed: bool = False):
        import numpy as np
        from ...policies import warm_columnar
        from ..evaluate import Evaluator
        self.np = np
        self.ev = Evaluator(program)
        self.mod = warm_columnar.load(program)  # from the cache where the notice is unchanged
        self.facts = FactColumns(self.mod, self.ev.module.FACTS)  # the row path's spec decodes
        self.wanted = wanted
        self.names = list(wanted or self.ev.decisions)
        self.results = ResultColumns(self.mod, {name: (self.ev.decisions[name][1], self.mod.DECISIONS[name][2])
                                                for name in self.names if name in self.mod.DECISIONS}, typed)
        # what the columnar module cannot do, the row path does for every row
        self.row_path_only = [n for n in self.names if n not in self.mod.DECISIONS]
        self.check_every_row = any(fn is None for _, fn in self.mod.CONSTRAINTS)

    def columns(self, chunk):
        """A chunk → (the module's columns, rows that are bad input)."""
        np = self.np
        bad = np.zeros(chunk.n, bool)
        for i in chunk.errors:
            bad[i] = True
        if chunk.batch is not None:
            fields = ((name, col) for name, col in zip(chunk.batch.schema.names, chunk.batch.columns))
        else:
            fields = chunk.columns.items()
        columns = {}
        for name, col in fields:
            if name == "id":
                continue
            if name not in self.ev.module.FACTS:  # an unknown field (or a row that is no object) where it is given
                given = (valid_rows(col) if chunk.batch is not None else col[0] >= 0)
                bad |= True if given is None else given
                continue
            v, wrong, given = (self.facts.arrow(name, col, chunk.cell) if chunk.batch is not None
                               else self.facts.encoded(name, *col))
            if wrong is not None:
                bad |= wrong
            columns[name] = v
            if given is not None and self.mod.FACTS[name][0] not in ("date", "enum"):
                columns[name + "?"] = given  # no column: every row gives it
        return columns, bad

    # ---- one chunk → one results table ----
    def evaluate(self, chunk, path: str):
        """(results as a pyarrow Table, {row: (message, exit code)})."""
        columns, bad = self.columns(chunk)
        found = self.decide(chunk, columns, bad)
        errors, by_row_path = self.check(chunk, found, bad, path)
        return self.table(chunk, found, errors, by_row_path), errors

    def decide(self, chunk, columns, bad):
        """The columnar module on a chunk's columns: {decision: (values, decided)}; `bad` gains the
        rows a constraint rejects."""
        c = self.mod.context(columns, chunk.n)
        for _, fn in self.mod.CONSTRAINTS:
            if fn is not None:
                bad |= fn(c)
        # the decisions in the module's own chunks (its temporaries stay small)
        return self.mod.evaluate(columns, [n for n in self.names if n in self.mod.DECISIONS], chunk.n)

    def check(self, chunk, found, bad, path):
        """The rows the row path must answer ({row: (message, code)}, {row: result}): bad ones, those
        a --decision cannot be made for, or every row where the module cannot do it all."""
        np = self.np
        to_row_path = bad.copy()
        if self.wanted:
            for name, (_, decided) in found.items():
                to_row_path |= ~decided
        rows = range(chunk.n) if (self.check_every_row or self.row_path_only) else np.flatnonzero(to_row_path)
        return self.row_path(chunk, rows, path)

    def table(self, chunk, found, errors, by_row_path):
        """The results of a chunk as a pyarrow Table (a row with an error has no decisions)."""
        import pyarrow as pa
        np = self.np
        fine = None
        if errors:
            fine = np.ones(chunk.n, bool)
            fine[list(errors)] = False
        table = {} if chunk.ids is None else {"id": _as_array(chunk.ids)}
        for name in self.names:
            if name in found:
                values, decided = found[name]
                table[name] = self.results.column(name, values, decided if fine is None else decided & fine)
            else:
                table[name] = row_path_column(self.ev.decisions[name][1], None, self.results.typed,
                                              [by_row_path.get(i, {}).get(name) for i in range(chunk.n)])
        table["error"], table["exit"] = errors_columns(chunk.n, errors)
        return pa.table(table)

    def row_path(self, chunk, rows, path):
        """The row path's word on these rows: {row: (message, code)} and {row: result}."""
        errors, results = {}, {}
        for i in rows:
            i = int(i)
            if i in chunk.errors:
                errors[i] = (chunk.errors[i], BAD_INPUT)
                continue
            raw = chunk.case(i)
            if isinstance(raw, dict):
                raw.pop("id", None)  # passed through, not decided on
            result, error = self.ev.one(raw, self.wanted, where=chunk.where(path, i))
            if error:
                errors[i] = (str(error), error.code)
            else:
                results[i] = result
        return errors, results


def _as_array(ids):
    """An id column as given (a pyarrow Array), or JSONL ids: integers stay integers, else all text."""
    import pyarrow as pa
    if isinstance(ids, pa.Array):
        return ids.dictionary_decode() if pa.types.is_dictionary(ids.type) else ids
    if all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in ids):
        return pa.array(ids, pa.int64())
    return pa.array([None if v is None else v if isinstance(v, str) else str(v) for v in ids], pa.string())


def eval_roll(program: ir.Program, cases: str, output: str, wanted=None, explain=False,
              batch_rows: int = BATCH_ROWS, parts: dict | None = None) -> int:
    """The command: read the roll batch by batch, write each batch's results; exit 2 if a row was bad
    input, else 3 if a --decision could not be made for a row, else 0. parts (for the benchmark), if
    given, gains the [wall, CPU] seconds each part took: start, read, facts, kernel, row path, results,
    write."""
    if explain:
        raise Fail(BAD_INPUT, "--explain is for --case or a JSONL stream to standard output, not --output")
    need_pyarrow()
    typed = ResultWriter(output).format == "parquet"  # the output's extension is checked before any work
    timed = _timer(parts)
    roll = timed("start", RollEvaluator, program, wanted, typed)
    bar = _progress(roll_rows(cases))
    try:
        outcome = evaluate_file(roll, cases, output, batch_rows, timed, bar.update if bar is not None else None)
    finally:
        if bar is not None:
            bar.close()
    tell(outcome, output)
    return outcome.status


@dataclass
class Outcome:
    """What evaluating one roll file came to: its exit status, rows, the first bad rows' messages and
    how many rows in all could not be evaluated."""
    status: int = OK
    rows: int = 0
    messages: list = field(default_factory=list)
    failed: int = 0


def evaluate_file(roll: RollEvaluator, cases: str, output: str, batch_rows: int = BATCH_ROWS,
                  timed=None, advance=None) -> Outcome:
    """One roll file through `roll` into one results file (advance(rows) after each batch)."""
    timed = timed or _timer(None)
    writer = ResultWriter(output)
    outcome = Outcome()
    chunks = read_roll(cases, batch_rows)
    try:
        while (chunk := timed("read", next, chunks, None)) is not None:
            columns, bad = timed("facts", roll.columns, chunk)
            found = timed("kernel", roll.decide, chunk, columns, bad)
            errors, by_row_path = timed("row path", roll.check, chunk, found, bad, cases)
            timed("write", writer.write, timed("results", roll.table, chunk, found, errors, by_row_path))
            for i in sorted(errors):
                message, code = errors[i]
                outcome.status = BAD_INPUT if BAD_INPUT in (outcome.status, code) else max(outcome.status, code)
                if len(outcome.messages) < _SHOWN:
                    outcome.messages.append(message)
            outcome.failed += len(errors)
            outcome.rows += chunk.n
            if advance is not None:
                advance(chunk.n)
    finally:
        timed("write", writer.close)
    return outcome


def tell(outcome: Outcome, output: str):
    """The first bad rows' messages on standard error, and how many there were in all."""
    if sys.stderr is None:
        return
    for message in outcome.messages[:_SHOWN]:
        print(f"yibao: {message}", file=sys.stderr)
    if outcome.failed > _SHOWN:
        print(f"yibao: {outcome.failed} rows in all could not be evaluated; see the `error` column of {output}",
              file=sys.stderr)


def _timer(parts):
    """timed(part, fn, *args): fn(*args), its wall and CPU seconds added to parts[part] when parts is a
    dict (CPU: this process's, every thread's; what other processes take does not count)."""
    if parts is None:
        return lambda part, fn, *args: fn(*args)
    import time

    def timed(part, fn, *args):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return fn(*args)
        finally:
            spent = parts.setdefault(part, [0.0, 0.0])
            spent[0] += time.perf_counter() - wall
            spent[1] += time.process_time() - cpu
    return timed


def _progress(total):
    """A progress bar on standard error when it is a terminal (tqdm, where installed)."""
    if sys.stderr is None or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit=" cases", unit_scale=True, file=sys.stderr, leave=False)
