"""The roll path on Dask (a distributed.LocalCluster of two workers, threads: processes=False, since
worker processes take seconds to start on this shared machine) gives the single-process results, and without a warning: every warning is an error here (Dask's
own read_parquet warned, Pandas4Warning: reset_index(inplace=True), so the roll is read by pyarrow)."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pyarrow")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from test_rolls import PS, roll_cases  # noqa: E402

from yibao.run.roll import files as rolls  # noqa: E402
from yibao.run.roll.batch import eval_roll  # noqa: E402
from yibao.run.roll.dask import evaluate_parquet  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error")  # on the in-process workers too (processes=False)
ROOT = Path(__file__).resolve().parents[2]
NOTICE = "九龙坡医保发〔2023〕46号"


def test_dask_partitions_equal_single_process(tmp_path):
    import pyarrow.parquet as pq
    program = PS.load(NOTICE)
    cases = roll_cases(program, n=1200)
    for i, case in enumerate(cases):
        case["id"] = i
    rolls.write_cases(str(tmp_path / "whole.parquet"), cases)
    whole = pq.read_table(tmp_path / "whole.parquet")
    (tmp_path / "roll").mkdir()
    parts = 4  # part.0 … part.3, one schema (Dask reads the first file's): row order is the partitions' order
    for k in range(parts):
        start, stop = k * len(cases) // parts, (k + 1) * len(cases) // parts
        pq.write_table(whole.slice(start, stop - start), tmp_path / "roll" / f"part.{k}.parquet")
    assert eval_roll(program, str(tmp_path / "whole.parquet"), str(tmp_path / "one.parquet")) == 2
    want = pq.read_table(tmp_path / "one.parquet").to_pylist()

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        evaluate_parquet(NOTICE, str(tmp_path / "roll"), str(tmp_path / "results"), policies=ROOT / "policies")
    got = sorted(pq.read_table(tmp_path / "results").to_pylist(), key=lambda r: r["id"])
    assert len(got) == len(want) == len(cases)
    strip = (lambda r: {k: v for k, v in r.items() if k != "error"})  # noqa: E731 (the error names its partition)
    assert [strip(r) for r in got] == [strip(r) for r in want]
    assert [r["error"] is None for r in got] == [r["error"] is None for r in want]
    assert sum(r["error"] is not None for r in got) >= 5
