"""A partitioned Parquet roll, partition by partition: `yibao eval NOTICE --cases DIR_OR_GLOB --output DIR`,
in this process, or on Dask with `--dask local` (a LocalCluster; `--dask threads`: its workers threads
of one process) or `--scheduler ADDRESS` (a running cluster).

Each partition file goes through batch.evaluate_file exactly as `yibao eval --cases PART --output
RESULT` would, into a results file of the same relative name under DIR, so the results are the
single-machine results, byte for byte, wherever a partition is evaluated (an error names its
partition and row there). Before any work every partition's schema is read: partitions whose columns
or types differ are bad input (exit 2) naming the partition and the column, never a column dropped
because the first partition lacks it. Needs pyarrow, and the `dask` extra for a cluster; every worker
needs yibao and the same policy directory (its path is sent, not the policies).

    from distributed import Client
    from yibao.run.roll.dask import evaluate_parquet
    Client("tcp://scheduler:8786")
    evaluate_parquet("九龙坡医保发〔2023〕46号", "roll/", "results/")    # roll/**/*.parquet → results/
"""
from __future__ import annotations

import glob
import os
import threading
from pathlib import Path

from ...base.exits import BAD_INPUT, OK, Fail

_LOADED: dict = {}  # (policies, notice, wanted, thread) → RollEvaluator, once per worker thread
_LOCK = threading.Lock()
CONNECT_TIMEOUT = "20s"  # to reach a --scheduler before saying it cannot be reached


def is_partitioned(cases: str) -> bool:
    """A roll given as a directory or a glob pattern (not one file)."""
    return Path(cases).is_dir() or (any(c in str(cases) for c in "*?[") and not Path(cases).is_file())


def partitions(roll: str) -> tuple[list[str], str]:
    """(the partition files in order, the directory their results' names are relative to)."""
    from .files import roll_format
    if Path(roll).is_dir():
        files = sorted(str(p) for p in Path(roll).rglob("*") if p.is_file() and p.suffix.lower() in (".parquet", ".pq")
                       and not any(part.startswith((".", "_")) for part in p.relative_to(roll).parts))
        root = roll
    else:
        files = sorted(f for f in glob.glob(roll, recursive=True) if os.path.isfile(f))
        root = os.path.commonpath([os.path.dirname(os.path.abspath(f)) for f in files]) if files else ""
    if not files:
        raise Fail(BAD_INPUT, f"{roll}: no Parquet partitions (*.parquet) found")
    for f in files:
        if roll_format(f) != "parquet":
            raise Fail(BAD_INPUT, f"{f}: a partitioned roll is Parquet files (*.parquet); this is not one")
    return files, root


def check_schemas(files: list[str]) -> int:
    """Every partition has the first's columns, of the first's types (else bad input naming the
    partition and the column); returns the rows in all (from the files' footers)."""
    from .files import _parquet_file
    first, rows, want = files[0], 0, None
    for f in files:
        meta = _parquet_file(f)
        rows += meta.metadata.num_rows
        have = {field.name: field.type for field in meta.schema_arrow}
        if want is None:
            want = have
            continue
        extra = [name for name in have if name not in want]
        missing = [name for name in want if name not in have]
        typed = [f"`{name}` is {have[name]} here and {want[name]} there" for name in have
                 if name in want and have[name] != want[name]]
        if extra or missing or typed:
            said = ([f"it has {', '.join(map(repr, extra))}, which {first} lacks"] if extra else []) + (
                [f"it lacks {', '.join(map(repr, missing))}"] if missing else []) + typed
            raise Fail(BAD_INPUT, f"{f}: its columns differ from the first partition's ({first}): "
                       + "; ".join(said) + ". Every partition of a roll must have the same columns and types")
    return rows


def results_paths(files: list[str], root: str, output: str) -> list[str]:
    out = Path(output)
    if out.exists() and not out.is_dir():
        raise Fail(BAD_INPUT, f"{output}: with a partitioned roll, --output is a directory (a results file a partition)")
    paths = []
    for f in files:
        rel = Path(os.path.relpath(os.path.abspath(f), os.path.abspath(root)))
        paths.append(str(out / rel.with_suffix(".parquet")))
    try:
        for p in paths:
            Path(p).parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from ...base.exits import OUTPUT_ERROR
        raise Fail(OUTPUT_ERROR, f"cannot write {output}: {exc.strerror or exc}") from None
    return paths


class PartitionJob:
    """A picklable function (partition, results file) → (batch.Outcome, None) or (None, (exit code,
    message)); loads the notice once per worker thread from the policy directory."""

    def __init__(self, notice: str, policies, wanted=None, program=None):
        self.notice, self.policies = notice, str(policies) if policies else None
        self.wanted = tuple(wanted) if wanted else None
        self.program = program  # in this process: the program already loaded (never sent to a worker)

    def __getstate__(self):
        return {**self.__dict__, "program": None}

    def evaluator(self):
        from .batch import RollEvaluator
        key = (self.policies, self.notice, self.wanted, threading.get_ident())
        with _LOCK:
            roll = _LOADED.get(key)
        if roll is None:
            program = self.program
            if program is None:
                from ...policies.directory import load_calculator, policy_set
                program = load_calculator(policy_set(Path(self.policies) if self.policies else None), self.notice)
            roll = RollEvaluator(program, list(self.wanted) if self.wanted else None, typed=True)
            with _LOCK:
                _LOADED[key] = roll
        return roll

    def __call__(self, partition: str, results: str):
        from .batch import evaluate_file
        try:
            return evaluate_file(self.evaluator(), partition, results), None
        except Fail as exc:
            return None, (exc.code, str(exc))


def eval_partitioned(program, notice: str, policies, cases: str, output: str, wanted=None,
                     dask: str | None = None, scheduler: str | None = None, client=None) -> int:
    """The command: every partition of `cases` into `output`, here or on Dask (a LocalCluster for
    `dask`, the cluster at `scheduler`, or a Client already made); the exit status of the worst
    partition (2 if any row was bad input, else 3 if a --decision could not be made)."""
    from .batch import _progress, tell
    from .files import need_pyarrow
    need_pyarrow()
    files, root = partitions(cases)
    total = check_schemas(files)
    targets = results_paths(files, root, output)
    job = PartitionJob(notice, policies, wanted, program)
    bar = _progress(total)
    done: list = [None] * len(files)
    try:
        if dask is None and scheduler is None and client is None:
            for i, (src, dst) in enumerate(zip(files, targets)):
                done[i] = _finished(job(src, dst), bar)
        else:
            _on_dask(job, files, targets, done, bar, dask, scheduler, client)
    finally:
        if bar is not None:
            bar.close()
    status, failed, messages = OK, 0, []
    for outcome in done:
        status = BAD_INPUT if BAD_INPUT in (status, outcome.status) else max(status, outcome.status)
        failed += outcome.failed
        messages += outcome.messages
    from .batch import Outcome
    tell(Outcome(status, total, messages, failed), output)
    return status


def _finished(result, bar):
    outcome, failure = result
    if failure is not None:
        raise Fail(*failure)
    if bar is not None:
        bar.update(outcome.rows)
    return outcome


def _on_dask(job, files, targets, done, bar, dask, scheduler, client=None):
    try:
        import distributed
    except ImportError:
        raise Fail(BAD_INPUT, "--dask and --scheduler need the dask extra: pip install 'yibao[dask]'") from None
    cluster, own = None, client is None
    try:
        if client is not None:
            pass
        elif scheduler is not None:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
        else:
            threads = dask == "threads"
            cluster = distributed.LocalCluster(processes=not threads, n_workers=os.cpu_count() or 1,
                                               threads_per_worker=1, dashboard_address=None)
            client = distributed.Client(cluster)
    except (OSError, TimeoutError) as exc:
        raise Fail(BAD_INPUT, f"cannot reach the Dask scheduler at {scheduler or 'a local cluster'}: {exc}") from None
    try:
        futures = client.map(job, files, targets, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        for future, result in distributed.as_completed(futures, with_results=True):
            done[index[future.key]] = _finished(result, bar)
    finally:
        if own:
            client.close()
        if cluster is not None:
            cluster.close()


def evaluate_parquet(notice: str, roll: str, results: str, policies=None, wanted=None) -> int:
    """From Python: a partitioned Parquet roll → a directory of Parquet results, one file a partition,
    on the current Dask client (a distributed.Client made before), else in this process."""
    from ...policies.directory import load_calculator, policy_set
    ps = policy_set(Path(policies) if policies else None)
    try:
        import distributed
        client = distributed.get_client()
    except (ImportError, ValueError):
        client = None
    return eval_partitioned(load_calculator(ps, notice), notice, ps.directory, roll, results, wanted, client=client)
