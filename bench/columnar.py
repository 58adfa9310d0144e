"""Columnar measurements, called from bench/run.py (one run, ratios and throughput; never in tests):

  kernel      the generated columnar functions on ready columns, whole arrays vs the module's chunks (64k rows),
              beside the hand-written NumPy yardstick (bench/handwritten_numpy.py) on the same columns,
              interleaved, best of several (wall clock, and CPU time: steadier on a shared machine); and
              where the generated kernel's time goes, statement by statement (backends/numpy_profile.py);
  parquet     `yibao eval NOTICE --cases roll.parquet --output results.parquet` in process (read by record
              batches, decode, decide, encode, write), cases/s and cases per CPU second, each part's
              seconds (eval_roll's `parts`), the rate without the kernel, and a cProfile of it;
  memory      max RSS of that command as a child process at two roll sizes (flat = batch-bounded).

    python bench/columnar.py [--cases N] [--kernel-only]      # prints the JSON
"""
from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cases as gen  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "yibao-bench"
KEYS = ("contribution", "assistance", "amount_due", "benefit_start")


def kernel(program, n, repeat=5, seed=2024, profile_top=20):
    """Cases/s of the four yardstick decisions over n cases: the generated code on whole columns and in
    its chunks, and the hand-written NumPy yardstick (bench/handwritten_numpy.py) in the same run (the
    chunked and hand-written runs interleaved); then the generated kernel's statement profile."""
    import numpy as np
    import handwritten_numpy
    from yibao.backends.numpy import generate as to_numpy
    from yibao.backends.numpy import profile as numpy_profile
    mod = to_numpy.load(program)
    cols = gen.columns(n, seed)
    columns = to_numpy.bench_columns(mod, cols)
    wanted = [k for k in KEYS if k in mod.DECISIONS]
    got, want = {}, {}

    def timed(fn, out):  # (wall, CPU) seconds
        t, p = time.perf_counter(), time.process_time()
        out.update(fn())
        return time.perf_counter() - t, time.process_time() - p
    w = min(timed(lambda: mod.evaluate(columns, wanted, chunk=n), got)[0] for _ in range(2))  # temporaries of n rows
    runs = [(timed(lambda: mod.evaluate(columns, wanted), got), timed(lambda: handwritten_numpy.evaluate(cols), want))
            for _ in range(repeat)]  # the module's own chunks, and the yardstick, in turn
    c, h = min(r[0][0] for r in runs), min(r[1][0] for r in runs)
    c_cpu, h_cpu = min(r[0][1] for r in runs), min(r[1][1] for r in runs)
    traced, rows = numpy_profile.profile(mod, columns, wanted, top=profile_top)
    mismatches = {}
    for k in wanted:  # where yibao decides, the yardstick gives the same value; where it does not, NaT
        values, decided = got[k]
        if k == "benefit_start":
            mismatches[k] = int(np.count_nonzero(np.where(decided, values, np.datetime64("NaT", "D")) != want[k])
                                - np.count_nonzero(np.isnat(want[k]) & ~decided))
        else:
            mismatches[k] = int(np.count_nonzero(decided & (values != want[k])))
    return {"cases": n, "decisions": wanted, "whole_s": w, "whole_cases_per_s": n / w,
            "chunked_s": c, "chunked_cases_per_s": n / c, "chunk_rows": mod.CHUNK,
            "handwritten_numpy_s": h, "handwritten_numpy_cases_per_s": n / h, "ratio_chunked": c / h,
            "chunked_cpu_cases_per_s": n / c_cpu, "handwritten_numpy_cpu_cases_per_s": n / h_cpu,
            "ratio_chunked_cpu": c_cpu / h_cpu, "grid_facts": [f for f, _ in mod.GRID_FACTS],
            "mismatches": mismatches, "profile": numpy_profile.table(traced, rows)}


def parquet_roll(n, seed=2024) -> Path:
    """A seeded Parquet roll of n cases (bench/cases.py's cases; cached), written 100k rows at a time."""
    import itertools
    import pyarrow as pa
    import pyarrow.parquet as pq
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"roll-{n}-{seed}.parquet"
    if path.exists():
        return path
    schema = pa.schema([("group", pa.string()), ("tier", pa.int64()), ("identities", pa.list_(pa.string())),
                        ("payment_date", pa.string()), ("birth_date", pa.string()), ("freshman", pa.bool_()),
                        ("continuous", pa.bool_())])
    tmp = path.with_suffix(".tmp")
    cases = gen.generate(n, seed)
    with pq.ParquetWriter(tmp, schema) as w:
        while part := list(itertools.islice(cases, 100_000)):
            w.write_table(pa.table({f.name: pa.array([c.get(f.name) for c in part], f.type) for f in schema}, schema=schema))
    tmp.rename(path)
    return path


PARTS = ("start", "read", "facts", "kernel", "row path", "results", "write")


def parquet(program, n, repeat=3, profile_top=12):
    """Parquet roll in → Parquet results out, in process: cases/s (wall) and cases per CPU second
    (pyarrow may use a second thread; on a shared machine CPU time is also the steadier figure), each
    part's CPU seconds (the least over the runs), the roll path without the kernel and the start-up
    (its own figure, whatever the kernel does), and a cProfile of one run."""
    from yibao.run.roll.batch import eval_roll
    roll = parquet_roll(n)
    out = CACHE / f"results-{n}.parquet"
    runs = []
    for _ in range(repeat):
        parts = {}
        t, c = time.perf_counter(), time.process_time()
        eval_roll(program, str(roll), str(out), parts=parts)
        runs.append((time.perf_counter() - t, time.process_time() - c, parts))
    prof = cProfile.Profile()
    prof.enable()
    eval_roll(program, str(roll), str(out))
    prof.disable()
    text = io.StringIO()
    pstats.Stats(prof, stream=text).sort_stats("tottime").print_stats(profile_top)
    wall, cpu = min(r[0] for r in runs), min(r[1] for r in runs)
    best = {k: min(r[2].get(k, (0.0, 0.0))[1] for r in runs) for k in PARTS}
    roll_path = sum(best[k] for k in PARTS if k not in ("start", "kernel"))
    return {"cases": n, "s": wall, "cases_per_s": n / wall, "cpu_s": cpu, "cases_per_cpu_s": n / cpu,
            "parts_cpu_s": best, "without_kernel_cpu_s": roll_path, "without_kernel_cases_per_cpu_s": n / roll_path,
            "runs": repeat, "load_average": os.getloadavg()[0], "profile": text.getvalue()}


def memory(notice, sizes, run_child, yibao_cmd):
    """Max RSS of `yibao eval --cases roll.parquet --output results.parquet` at each roll size."""
    rows = []
    for n in sizes:
        roll = parquet_roll(n)
        _, rss = run_child(yibao_cmd() + ["eval", notice, "--cases", str(roll), "--output", str(CACHE / "mem.parquet")])
        rows.append({"cases": n, "max_rss_kib": rss})
    known = [r["max_rss_kib"] for r in rows if r["max_rss_kib"]]
    return {"rows": rows, "flat": (max(known) < 1.3 * min(known)) if len(known) > 1 else None}


def measure(program, notice, quick, run_child, yibao_cmd):
    """Everything above, sized for a full run (10M kernel, 1M Parquet) or --quick."""
    res = {"kernel": kernel(program, 1_000_000 if quick else 10_000_000)}
    res["parquet"] = parquet(program, 1_000_000 if quick else 4_000_000)  # start-up amortized: see its part
    # sizes of several batches each (262,144 rows a batch), so that a flat line means bounded by the batch
    res["memory"] = memory(notice, (600_000, 1_800_000) if quick else (1_000_000, 4_000_000), run_child, yibao_cmd)
    return res


def markdown(res) -> list[str]:
    k, p, m = res["kernel"], res["parquet"], res["memory"]
    rss = ", ".join(f"{r['cases']:,}: {r['max_rss_kib'] / 1024:.0f} MiB" for r in m["rows"] if r["max_rss_kib"])
    lines = ["", "## Columnar and rolls (bench/columnar.py)", "",
             "| measure | cases/s/core | target |", "|---|---|---|",
             f"| kernel, {k['cases']:,} cases, whole columns | {k['whole_cases_per_s']:,.0f} | ≥ 15M |",
             f"| kernel, chunks of {k['chunk_rows']:,} rows | {k['chunked_cases_per_s']:,.0f} | ≥ 15M |",
             f"| hand-written NumPy (bench/handwritten_numpy.py), same cases | {k['handwritten_numpy_cases_per_s']:,.0f} | "
             f"yibao takes {k['ratio_chunked']:.2f}× its time; mismatches {sum(k['mismatches'].values())} |"]
    if "chunked_cpu_cases_per_s" in k:  # absent from results written before CPU time was measured
        lines += [f"| the same two by CPU time (steadier when shared): kernel chunked | "
                  f"{k['chunked_cpu_cases_per_s']:,.0f} | ≥ 15M |",
                  f"| hand-written NumPy by CPU time | {k['handwritten_numpy_cpu_cases_per_s']:,.0f} | "
                  f"yibao takes {k['ratio_chunked_cpu']:.2f}× its CPU time |"]
    parts = p.get("parts_cpu_s")  # absent from results written before the parts were measured
    if parts is None:
        lines.append(f"| Parquet roll in → Parquet results out, {p['cases']:,} cases | {p['cases_per_s']:,.0f} | ≥ 5M |")
    else:
        lines += [f"| Parquet roll in → Parquet results out, {p['cases']:,} cases (wall; per CPU second) | "
                  f"{p['cases_per_s']:,.0f}; {p['cases_per_cpu_s']:,.0f} | ≥ 5M |",
                  f"| the same without the kernel's time and the start-up (read, facts, results, write; per CPU "
                  f"second) | {p['without_kernel_cases_per_cpu_s']:,.0f} | |"]
    lines.append(f"| max RSS of that command: {rss} | | flat: {'yes' if m['flat'] else 'no' if m['flat'] is False else 'n/a'} |")
    if parts is not None:
        lines += ["", f"The Parquet path by part (CPU seconds, each the least over {p['runs']} runs; start: loading "
                  f"the notice and generating its modules, once a run; load average {p['load_average']:.1f}):", "",
                  "| " + " | ".join(PARTS) + " |", "|" + "---|" * len(PARTS),
                  "| " + " | ".join(f"{parts[k]:.3f}" for k in PARTS) + " |"]
    if "profile" in k:
        lines += ["", f"Where the kernel's time goes, statement by statement of the generated module (the functions "
                  f"of {', '.join(k['grid_facts'])} run once per combination on the grid and are gathered):", "",
                  k["profile"]]
    return lines + ["", "Where the Parquet path's time goes (cProfile, by own time):", "", "```",
                    p["profile"].strip()[-3000:], "```"]


if __name__ == "__main__":
    import argparse
    sys.path.insert(0, str(HERE.parent / "compiler"))
    from yibao.policies.directory import PolicySet
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--notice", default="九龙坡医保发〔2023〕46号")
    ap.add_argument("--kernel-only", action="store_true", help="leave out the Parquet roll")
    a = ap.parse_args()
    prog = PolicySet(HERE.parent / "policies").load(a.notice)
    out = {"kernel": kernel(prog, a.cases)}
    if not a.kernel_only:
        out["parquet"] = parquet(prog, a.cases)
    print(json.dumps(out, indent=1, ensure_ascii=False))
