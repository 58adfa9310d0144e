"""The columnar roll path on Dask: a partitioned Parquet roll evaluated partition by partition, on
whatever scheduler the caller has (a distributed.Client, a LocalCluster, or Dask's default threads).

    from yibao.run.roll.dask import evaluate_parquet
    evaluate_parquet("九龙坡医保发〔2023〕46号", "roll/", "results/")          # roll/*.parquet → results/

Each partition goes through batch.RollEvaluator exactly as one batch of `yibao eval --output` does, so
the results are the single-process results (same columns; bad rows carry `error` and `exit`, their
message naming the partition and row). Needs the `dask` extra.
"""
from __future__ import annotations

import re
from pathlib import Path

from ...base.exits import BAD_INPUT, Fail

_LOADED: dict = {}  # (policies, notice, wanted) → RollEvaluator, once per worker process


class PartitionEvaluator:
    """A picklable function pandas partition → pandas results; loads the notice once per process."""

    def __init__(self, notice: str, policies=None, wanted=None, roll: str = "roll"):
        self.notice, self.policies = notice, str(policies) if policies else None
        self.wanted, self.roll = tuple(wanted) if wanted else None, roll

    def evaluator(self):
        key = (self.policies, self.notice, self.wanted)
        if key not in _LOADED:
            from .batch import RollEvaluator
            from ...policies.directory import load_notice, policy_set
            program = load_notice(policy_set(Path(self.policies) if self.policies else None), self.notice)
            _LOADED[key] = RollEvaluator(program, list(self.wanted) if self.wanted else None)
        return _LOADED[key]

    def __call__(self, df, partition_info=None):
        import pyarrow as pa
        out = self.arrow(pa.Table.from_pandas(df, preserve_index=False), (partition_info or {}).get("number", 0))
        out.index = df.index
        return out

    def arrow(self, t, number: int):
        """An Arrow table of cases → the pandas results (Arrow-backed columns)."""
        import pandas as pd
        import pyarrow as pa
        from .files import arrow_chunk
        batch = pa.RecordBatch.from_arrays([col.combine_chunks() for col in t.columns], names=t.column_names)
        table, _ = self.evaluator().evaluate(arrow_chunk(batch, 0), f"{self.roll} partition {number}")
        table = pa.table({name: (col.cast(col.type.value_type) if pa.types.is_dictionary(col.type) else col)
                          for name, col in zip(table.column_names, table.columns)})
        return table.to_pandas(types_mapper=pd.ArrowDtype)


class PartitionFile:
    """A picklable function (Parquet file, its number) → pandas results: the file read by pyarrow
    itself, not dd.read_parquet, whose pandas path warns (Pandas4Warning: reset_index(inplace=True))."""

    def __init__(self, partition: PartitionEvaluator):
        self.partition = partition

    def __call__(self, path: str, number: int):
        import pyarrow.parquet as pq
        return self.partition.arrow(pq.read_table(path), number)


def evaluate_dataframe(ddf, notice: str, policies=None, wanted=None, roll: str = "roll"):
    """A dask DataFrame of cases (columns: case fields and `id`) → a dask DataFrame of results."""
    fn = PartitionEvaluator(notice, policies, wanted, roll)
    meta = fn(ddf._meta)
    return ddf.map_partitions(fn, meta=meta)


def parquet_files(roll: str) -> list[str]:
    """A roll's Parquet files in Dask's order: the file itself, or a directory's *.parquet files sorted
    naturally (part.2 before part.10)."""
    p = Path(roll)
    if not p.is_dir():
        if not p.is_file():
            raise Fail(BAD_INPUT, f"no such Parquet roll: {roll}")
        return [str(p)]
    files = sorted((f for f in p.rglob("*.parquet") if f.is_file()),
                   key=lambda f: [int(s) if s.isdigit() else s for s in re.split(r"(\d+)", str(f.relative_to(p)))])
    if not files:
        raise Fail(BAD_INPUT, f"{roll}: a directory with no .parquet files")
    return [str(f) for f in files]


def evaluate_parquet(notice: str, roll: str, results: str, policies=None, wanted=None):
    """A (partitioned) Parquet roll → a directory of Parquet results, one file per partition, on the
    current Dask scheduler."""
    try:
        import dask.dataframe as dd
    except ImportError:
        raise Fail(BAD_INPUT, "Dask rolls need the dask extra: pip install 'yibao[dask]'") from None
    import pyarrow as pa
    import pyarrow.parquet as pq
    files = parquet_files(roll)
    read = PartitionFile(PartitionEvaluator(notice, policies, wanted, str(roll)))
    meta = read.partition.arrow(pq.read_table(files[0]).slice(0, 0), 0)
    out = dd.from_map(read, files, range(len(files)), meta=meta, label="yibao-roll", enforce_metadata=False)
    schema = pa.Schema.from_pandas(out._meta, preserve_index=False)  # the results' types, not guessed from data
    out.to_parquet(results, write_index=False, schema=schema)
