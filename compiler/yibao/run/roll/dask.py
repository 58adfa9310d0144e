"""The columnar roll path on Dask: a partitioned Parquet roll evaluated partition by partition, on
whatever scheduler the caller has (a distributed.Client, a LocalCluster, or Dask's default threads).

    from yibao.dask_roll import evaluate_parquet
    evaluate_parquet("九龙坡医保发〔2023〕46号", "roll/", "results/")          # roll/*.parquet → results/

Each partition goes through batch.RollEvaluator exactly as one batch of `yibao eval --output` does, so
the results are the single-process results (same columns; bad rows carry `error` and `exit`, their
message naming the partition and row). Needs the `dask` extra.
"""
from __future__ import annotations

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
        import pandas as pd
        import pyarrow as pa
        from .files import arrow_chunk
        t = pa.Table.from_pandas(df, preserve_index=False)
        batch = pa.RecordBatch.from_arrays([col.combine_chunks() for col in t.columns], names=t.column_names)
        number = (partition_info or {}).get("number", 0)
        table, _ = self.evaluator().evaluate(arrow_chunk(batch, 0), f"{self.roll} partition {number}")
        table = pa.table({name: (col.cast(col.type.value_type) if pa.types.is_dictionary(col.type) else col)
                          for name, col in zip(table.column_names, table.columns)})
        out = table.to_pandas(types_mapper=pd.ArrowDtype)
        out.index = df.index
        return out


def evaluate_dataframe(ddf, notice: str, policies=None, wanted=None, roll: str = "roll"):
    """A dask DataFrame of cases (columns: case fields and `id`) → a dask DataFrame of results."""
    fn = PartitionEvaluator(notice, policies, wanted, roll)
    meta = fn(ddf._meta)
    return ddf.map_partitions(fn, meta=meta)


def evaluate_parquet(notice: str, roll: str, results: str, policies=None, wanted=None):
    """A (partitioned) Parquet roll → a directory of Parquet results, one file per partition, on the
    current Dask scheduler."""
    try:
        import dask.dataframe as dd
    except ImportError:
        raise Fail(BAD_INPUT, "Dask rolls need the dask extra: pip install 'yibao[dask]'") from None
    import pyarrow as pa
    out = evaluate_dataframe(dd.read_parquet(roll), notice, policies, wanted, str(roll))
    schema = pa.Schema.from_pandas(out._meta, preserve_index=False)  # the results' types, not guessed from data
    out.to_parquet(results, write_index=False, schema=schema)
