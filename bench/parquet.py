"""Parquet in → Parquet out against pyarrow's own read + write, one run (a ratio, never a test):

    python bench/parquet.py [--cases N] [--repeat R] [--memory 10000,1000000] [--profile]

The roll is realistic, not repeating (bench/cases.py's seeded people): every case has its own id and a
birth date (newborns near the coverage year, the others 1940–2005), newborns a distinct caesarean
reimbursement (decimal128(18, 2)), identities as a list of codes, dates date32, tier int8.

  yibao     `yibao eval NOTICE --cases roll.parquet --output results.parquet` in process (eval_roll),
            wall and CPU seconds, each part's CPU seconds (start, read, facts, kernel, row path,
            results, write);
  pyarrow   in the same run, interleaved: pyarrow.parquet reading that roll and writing those very
            results (read back from yibao's file) with its defaults: the floor any Parquet tool pays;
  ratio     pyarrow's seconds / yibao's (1.0: as fast as bare pyarrow; target ≥ 0.8);
  memory    max RSS of that command as a child process at each --memory size (flat = batch-bounded);
  profile   (--profile) cProfile of one in-process run, by own CPU time;
  dask      (--dask) the roll in 8 partitions on a LocalCluster of one worker process, then two.
"""
from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "compiler"))

import cases as gen  # noqa: E402
from identities import IDENTITIES  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "yibao-bench"
NOTICE = "渝医保发〔2023〕24号"  # decides cesarean_benefit from the money fact too
PART_ROWS = 1 << 20
TIME_BIN = "/usr/bin/time"


def _table(every, first, n, seed):
    """Rows [first, first + n) of the roll as a pyarrow Table (every: bench/cases.py's columns)."""
    import numpy as np
    import pyarrow as pa
    cols = {k: v[first:first + n] for k, v in every.items()}
    rng = np.random.default_rng([seed, first])
    newborn = cols["group"] == 2
    # birth dates: newborns keep theirs; everyone else 1940–2005 (changes no answer, repeats nothing)
    born = np.datetime64("1940-01-01") + rng.integers(0, 66 * 365, n).astype("timedelta64[D]")
    birth = np.where(newborn, cols["birth_date"], born).astype("datetime64[D]").astype(np.int64).astype(np.int32)
    bits = (cols["identities"][:, None] >> np.arange(len(IDENTITIES))) & 1
    rows, which = np.nonzero(bits)
    offsets = np.zeros(n + 1, np.int32)
    np.cumsum(bits.sum(1), out=offsets[1:])
    codes = pa.DictionaryArray.from_arrays(pa.array(which.astype(np.int32)), pa.array(IDENTITIES))
    fen = rng.integers(50_000, 3_000_000, n)  # 500.00–30,000.00 yuan, to the fen
    words = np.stack([fen, fen >> 63], axis=1)
    money = pa.Array.from_buffers(pa.decimal128(18, 2), n, [pa.py_buffer(np.packbits(newborn, bitorder="little")),
                                                            pa.py_buffer(np.ascontiguousarray(words))])
    return pa.table({
        "id": pa.array(np.arange(first, first + n, dtype=np.int64)),
        "group": pa.DictionaryArray.from_arrays(pa.array(cols["group"].astype(np.int32)), pa.array(gen.GROUPS)),
        "tier": pa.array(cols["tier"].astype(np.int8)),
        "identities": pa.ListArray.from_arrays(pa.array(offsets), codes.cast(pa.string())),
        "payment_date": pa.array(cols["payment_date"].astype(np.int64).astype(np.int32)).view(pa.date32()),
        "birth_date": pa.array(birth).view(pa.date32()),
        "freshman": pa.array(cols["freshman"]),
        "inpatient_reimbursement": money,
    })


def roll(n, seed=2024) -> Path:
    """The seeded Parquet roll of n cases (cached), written a part at a time."""
    import pyarrow.parquet as pq
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"roll-real-{n}-{seed}.parquet"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        writer, every = None, gen.columns(n, seed)
        for first in range(0, n, PART_ROWS):
            t = _table(every, first, min(PART_ROWS, n - first), seed)
            writer = writer or pq.ParquetWriter(tmp, t.schema)
            writer.write_table(t)
        writer.close()
        tmp.rename(path)
    return path


def _clock(fn):
    t, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t, time.process_time() - c


def speed(program, n, repeat):
    """yibao's Parquet in → out and pyarrow's bare read + write of the same roll and results, in turn."""
    import pyarrow.parquet as pq
    from yibao.run.roll.batch import eval_roll
    path, out, bare = roll(n), CACHE / f"results-real-{n}.parquet", CACHE / f"bare-{n}.parquet"
    eval_roll(program, str(path), str(out))  # the notice's modules cached, the file in the page cache
    results = pq.read_table(out)
    yibao, arrow, parts_runs = [], [], []
    for _ in range(repeat):
        parts = {}
        yibao.append(_clock(lambda: eval_roll(program, str(path), str(out), parts=parts)))
        parts_runs.append(parts)
        arrow.append(_clock(lambda: (pq.read_table(path), pq.write_table(results, bare))))
    y_wall, y_cpu = min(r[0] for r in yibao), min(r[1] for r in yibao)
    a_wall, a_cpu = min(r[0] for r in arrow), min(r[1] for r in arrow)
    return {"cases": n, "runs": repeat, "yibao_s": y_wall, "yibao_cpu_s": y_cpu,
            "pyarrow_s": a_wall, "pyarrow_cpu_s": a_cpu, "ratio": a_wall / y_wall, "ratio_cpu": a_cpu / y_cpu,
            "yibao_cases_per_cpu_s": n / y_cpu, "pyarrow_cases_per_cpu_s": n / a_cpu,
            "parts_cpu_s": {k: min(p.get(k, (0, 0))[1] for p in parts_runs) for k in parts_runs[0]},
            "schema": [f"{f.name}: {f.type}" for f in results.schema], "load_average": os.getloadavg()[0]}


def memory(sizes):
    """Max RSS (KiB) of `yibao eval NOTICE --cases roll.parquet --output results.parquet`, a child each."""
    rows = []
    for n in sizes:
        path = roll(n)
        cmd = [sys.executable, "-c", "import sys; from yibao.cli import main; sys.exit(main(sys.argv[1:]))",
               "--policies", str(ROOT / "policies"), "eval", NOTICE, "--cases", str(path),
               "--output", str(CACHE / "mem.parquet")]
        env = dict(os.environ, PYTHONPATH=str(ROOT / "compiler"))
        with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
            # through /usr/bin/time: a child forked from this (large) process keeps its peak across exec
            done = subprocess.run([TIME_BIN, "-f", "%M", "-o", rss.name] + cmd, env=env, capture_output=True)
            rows.append({"cases": n, "max_rss_kib": int(rss.read().split()[-1]), "exit": done.returncode})
    return rows


def dask_scaling(program, n, parts=8, repeat=2):
    """The roll cut into `parts` Parquet partitions, `yibao eval --cases DIR --output DIR` on a
    LocalCluster of worker processes, one worker then two (the cluster started and the notice loaded
    on every worker before the clock starts): wall seconds, best of `repeat`."""
    import logging
    import distributed
    import pyarrow.parquet as pq
    from yibao.run.roll.dask import eval_partitioned
    where = CACHE / f"parts-{n}-{parts}"
    if not where.exists():
        table, tmp = pq.read_table(roll(n)), where.with_suffix(".tmp")
        tmp.mkdir(parents=True, exist_ok=True)
        for k in range(parts):
            start = k * n // parts
            pq.write_table(table.slice(start, (k + 1) * n // parts - start), tmp / f"part.{k}.parquet")
        tmp.rename(where)
    os.environ["PYTHONPATH"] = str(ROOT / "compiler")  # for the worker processes
    out, res = CACHE / f"parts-results-{n}", {}
    for workers in (1, 2):
        with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                      dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
                distributed.Client(cluster) as client:
            run = (lambda: eval_partitioned(program, NOTICE, ROOT / "policies", str(where), str(out), client=client))
            run()  # every worker has loaded the notice
            res[f"{workers}_worker_s"] = min(_clock(run)[0] for _ in range(repeat))
    res.update(cases=n, partitions=parts, speedup=res["1_worker_s"] / res["2_worker_s"],
               load_average=os.getloadavg()[0])
    return res


def profile(program, n, top=18):
    from yibao.run.roll.batch import eval_roll
    prof = cProfile.Profile(time.process_time)  # CPU time: what other processes take does not count
    prof.enable()
    eval_roll(program, str(roll(n)), str(CACHE / "profiled.parquet"))
    prof.disable()
    text = io.StringIO()
    pstats.Stats(prof, stream=text).sort_stats("tottime").print_stats(top)
    return text.getvalue()


if __name__ == "__main__":
    import argparse
    from yibao.policies.directory import PolicySet
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--memory", default="10000,1000000", help="roll sizes for peak RSS ('' for none)")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--dask", action="store_true", help="also one Dask worker against two (needs yibao[dask])")
    a = ap.parse_args()
    program = PolicySet(ROOT / "policies").load(NOTICE)
    res = {"notice": NOTICE, "speed": speed(program, a.cases, a.repeat)}
    if a.memory:
        res["memory"] = memory([int(s) for s in a.memory.split(",")])
    if a.profile:
        res["profile"] = profile(program, a.cases)
    if a.dask:
        res["dask"] = dask_scaling(program, a.cases)
    print(json.dumps(res, indent=1, ensure_ascii=False))
