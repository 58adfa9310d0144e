"""yibao's benchmark: one command, the same seeded cases, every measurement in one run.

    python bench/run.py [--quick] [--notice DOC] [--write]

With --write, writes bench/results.json and docs/benchmarks.md; without, the same files into a
temporary directory (tracked files are never touched), and prints the summary. Measures
  (a) `yibao eval NOTICE --cases F.jsonl` end to end vs `python bench/handwritten.py < F.jsonl`, and the
      standalone module (`yibao compile`, run as `python -I calc.py < F.jsonl`) (subprocesses,
      wall time, min of N); the four yardstick decisions must agree line by line,
      and the standalone module's output must be byte for byte that of `yibao eval`;
  (b) in-process: the generated functions on pre-decoded cases vs the hand-written functions on
      pre-decoded inputs (time.perf_counter, min of N);
  (c) peak memory (max RSS of the child, /usr/bin/time) of `yibao eval --cases` at 10k, 100k, 1M lines;
  (d) compiling every policy in policies/ from cold (parse + check + generate, fresh interpreter);
  (e) the columnar NumPy path (yibao.backends.numpy.generate) vs OpenFisca (bench/openfisca_jiulongpo.py) on the
      same columns, 10M cases (1M with --quick);
  (load) `yibao serve` under bench/load.py: 10k requests (2k with --quick), 16 in flight;
and a cProfile of the streaming path, so that a missed target says where the time goes.
The yardsticks encode 九龙坡医保发〔2023〕46号: without that policy the run falls back to
渝医保发〔2023〕24号 and skips every yardstick comparison (timings are then shown for context only).
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import json
import os
import platform
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import cases as gen  # noqa: E402
import handwritten  # noqa: E402
import rowpath  # noqa: E402
import startup  # noqa: E402
from render import FALLBACK_NOTICE, KEYS, SEED, YARDSTICK_NOTICE, keep_measured, markdown  # noqa: E402

TIME_BIN = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None
CACHE = Path(tempfile.gettempdir()) / "yibao-bench"


# ---- helpers ------------------------------------------------------------------------------
def log(*a):
    print(*a, file=sys.stderr, flush=True)


def cases_file(n: int, realistic: bool = False) -> Path:
    """The seeded JSONL file of n cases (cached: cases.generate is deterministic): the realistic roll (an id,
    a birth date and an amount on every case: no line repeats) or the repeating one."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"cases-{n}-{SEED}{'-realistic' if realistic else ''}.jsonl"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            dumps = json.dumps
            for case in gen.generate(n, SEED, realistic):
                f.write(dumps(case, ensure_ascii=False))
                f.write("\n")
        tmp.rename(path)
    return path


# Children run as a user's shell runs them: an installed package has its bytecode (pip compiles it), so
# PYTHONDONTWRITEBYTECODE (every `yibao` child would time the compiler on each module) is dropped; and
# output is buffered, so PYTHONUNBUFFERED (a write per call: two a line for the yardstick) is too.
CHILD_ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")}


def run_child(argv, stdin_path=None, stdout_path=os.devnull):
    """(wall seconds, max RSS in KiB or None) of one subprocess; raises on a non-zero exit."""
    cmd = list(argv)
    rss_file = None
    if TIME_BIN:
        rss_file = tempfile.NamedTemporaryFile("r", suffix=".rss", delete=False)
        cmd = [TIME_BIN, "-f", "%M", "-o", rss_file.name] + cmd
    with open(stdin_path or os.devnull, "rb") as fin, open(stdout_path, "wb") as fout:
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, stdin=fin, stdout=fout, stderr=subprocess.PIPE, cwd=ROOT, env=CHILD_ENV)
        wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.decode()[-500:]}")
    rss = None
    if rss_file:
        text = Path(rss_file.name).read_text().strip().splitlines()
        os.unlink(rss_file.name)
        rss = int(text[-1]) if text and text[-1].isdigit() else None
    return wall, rss


def best_of(repeat, fn):
    times = []
    for _ in range(repeat):
        gc.collect()
        times.append(fn())
    return min(times), times


def yibao_cmd():
    exe = shutil.which("yibao")
    return [exe] if exe else [sys.executable, "-m", "yibao.cli"]


# ---- (a) end to end -------------------------------------------------------------------------
def end_to_end(notice, n, repeat, compare, realistic=True):
    """yibao, the hand-written calculator (the same twelve decisions) and the standalone module in turn,
    round by round on one roll: the ratio of each round's pair, and the median of those."""
    path = cases_file(n, realistic)
    out_y, out_h, out_c = CACHE / "out-yibao.jsonl", CACHE / "out-hand.jsonl", CACHE / "out-calc.jsonl"
    calc = CACHE / "calc.py"
    subprocess.run(yibao_cmd() + ["compile", notice, "-o", str(calc)], check=True, capture_output=True, cwd=ROOT)
    run_child(yibao_cmd() + ["eval", notice, "--case", "-"], _one_case_file())  # bytecode and module cache warm
    runs = {  # name → (argv, standard input, output); in turn each round, so that a ratio is of one moment
        "yibao": (yibao_cmd() + ["eval", notice, "--cases", str(path)], None, out_y),
        "hand": ([sys.executable, str(HERE / "handwritten.py")], path, out_h),
        "calc": ([sys.executable, "-I", str(calc)], path, out_c),
    }
    times = {k: [] for k in runs}
    order = list(runs)
    for _ in range(repeat):
        for k in order:
            argv, stdin, out = runs[k]
            times[k].append(run_child(argv, stdin, out)[0])
        order = order[1:] + order[:1]  # no side always first (or last) in its round
    y_times, h_times = times.pop("yibao"), times.pop("hand")
    pairs = sorted(y / h for y, h in zip(y_times, h_times))
    start_y = min(run_child(yibao_cmd() + ["eval", notice, "--case", "-"], _one_case_file())[0] for _ in range(repeat))
    start_py = min(run_child([sys.executable, "-c", "pass"])[0] for _ in range(repeat))
    res = {
        "cases": n, "repeat": repeat,
        "yibao_s": min(y_times), "handwritten_s": min(h_times),
        "yibao_cases_per_s": n / min(y_times), "handwritten_cases_per_s": n / min(h_times),
        "ratio": min(y_times) / min(h_times), "ratio_pairs": pairs, "ratio_median": pairs[len(pairs) // 2],
        "realistic": realistic,
        "yibao_one_case_s": start_y, "python_start_s": start_py,
        "ratio_without_startup": (min(y_times) - start_y) / max(min(h_times) - start_py, 1e-9),
    }
    for k, ts in times.items():
        res[f"{k}_s"] = min(ts)
        res[f"{k}_ratio"] = min(ts) / min(h_times)
    res["calc_same_as_yibao"] = out_c.read_bytes() == out_y.read_bytes()
    res["handwritten_same_as_yibao"] = out_h.read_bytes() == out_y.read_bytes()
    if compare:
        res["mismatches"], res["unknowns_left"], res["mismatch_examples"] = _compare(path, out_y, out_h)
    return res


def _one_case_file():
    p = CACHE / "one-case.json"
    p.write_text(json.dumps({"tier": 1, "payment_date": "2023-11-01"}))
    return p


def _compare(cases_path, out_y, out_h):
    bad, unknown, examples = 0, 0, []
    with open(cases_path, encoding="utf-8") as fc, open(out_y, encoding="utf-8") as fy, open(out_h, encoding="utf-8") as fh:
        for number, (c, y, h) in enumerate(zip(fc, fy, fh), 1):
            y, h = json.loads(y), json.loads(h)
            # where yibao leaves a decision unknown (the notice is silent) the yardstick's figure is a
            # guess, not an answer to compare with: those are counted apart (unknowns_left)
            decided = [k for k in KEYS if k in y or "error" in y]
            unknown += len(decided) < len(KEYS)
            y, h = {k: y.get(k) for k in decided}, {k: h.get(k) for k in decided}
            if y != h:
                bad += 1
                if len(examples) < 5:
                    examples.append({"line": number, "case": json.loads(c), "yibao": y, "handwritten": h})
    return bad, unknown, examples


# ---- (b) in process -------------------------------------------------------------------------
def in_process(program, n, repeat, compare):
    from yibao.run.evaluate import load_generated
    mod = load_generated(program)
    raw = list(gen.generate(n, SEED))
    decoded = [mod.decode_case(c, mod.FACTS) for c in raw]
    fns = [mod.DECISIONS[k][0] for k in KEYS]
    Undecidable = mod.Undecidable

    def run_generated():
        t0 = time.perf_counter()
        for base in decoded:
            c = base.copy()  # a fresh case: the generated code memoizes into it
            for fn in fns:
                try:
                    fn(c)
                except (Undecidable, KeyError):
                    pass
        return time.perf_counter() - t0

    inputs = []
    for c in raw:
        inputs.append((c.get("group", "resident"), c["tier"], [handwritten.CODE_OF[i] for i in c.get("identities", ())],
                       dt.date.fromisoformat(c["payment_date"]),
                       dt.date.fromisoformat(c["birth_date"]) if "birth_date" in c else None,
                       c.get("freshman", False)))
    hw_contribution, hw_assistance, hw_due, hw_start = (handwritten.contribution, handwritten.assistance,
                                                        handwritten.amount_due, handwritten.benefit_start)
    HwUndecidable = handwritten.Undecidable

    def run_handwritten():
        t0 = time.perf_counter()
        for group, tier, codes, paid, born, fresh in inputs:
            hw_contribution(group, tier, paid)
            hw_assistance(tier, codes)
            hw_due(group, tier, codes, paid)
            try:
                hw_start(group, paid, born, fresh)
            except HwUndecidable:
                pass
        return time.perf_counter() - t0

    fused_cases = [mod.decode(c) for c in raw]
    result_json, dumps, hw_evaluate = mod._result_json, json.dumps, handwritten.evaluate

    def run_fused():  # every decision of the notice, written as the result line
        t0 = time.perf_counter()
        for base in fused_cases:
            result_json(base.copy())
        return time.perf_counter() - t0

    def run_handwritten_lines():  # its four decisions, from the parsed JSON case to the line
        t0 = time.perf_counter()
        for case in raw:
            dumps(hw_evaluate(case), ensure_ascii=False)
        return time.perf_counter() - t0

    f, _ = best_of(repeat, run_fused)
    hl, _ = best_of(repeat, run_handwritten_lines)
    g, g_all = best_of(repeat, run_generated)
    h, h_all = best_of(repeat, run_handwritten)
    res = {"cases": n, "repeat": repeat, "generated_s": g, "handwritten_s": h,
           "generated_cases_per_s": n / g, "handwritten_cases_per_s": n / h, "ratio": g / h,
           "generated_runs_s": g_all, "handwritten_runs_s": h_all,
           "fused_line_s": f, "handwritten_line_s": hl, "fused_line_ratio": f / hl}
    if compare:
        bad = 0
        for c, args in zip(decoded, inputs):
            c = c.copy()
            got = []
            for fn in fns:
                try:
                    got.append(fn(c))
                except (Undecidable, KeyError):
                    got.append(None)
            group, tier, codes, paid, born, fresh = args
            try:
                start = hw_start(group, paid, born, fresh)
            except HwUndecidable:
                start = None
            want = [hw_contribution(group, tier, paid), hw_assistance(tier, codes), hw_due(group, tier, codes, paid), start]
            bad += any(g is not None and g != w for g, w in zip(got, want))  # unknown: the yardstick guesses
        res["mismatches"] = bad
    return res


# ---- (c) memory -----------------------------------------------------------------------------
def memory(notice, sizes):
    rows = []
    for n in sizes:
        path = cases_file(n)
        wall, rss = run_child(yibao_cmd() + ["eval", notice, "--cases", str(path)])
        rows.append({"lines": n, "max_rss_kib": rss, "wall_s": wall, "cases_per_s": n / wall})
        log(f"  memory: {n} lines: {rss} KiB, {wall:.2f} s")
    # the row path keeps results in bounded caches (fastpath._KEPT_MAX entries each), full after some
    # 10k lines: flat means no growth past that, between the two largest rolls
    rss = [r["max_rss_kib"] for r in rows if r["max_rss_kib"]][-2:]
    flat = bool(rss) and max(rss) <= 1.10 * min(rss) + 2048
    return {"rows": rows, "flat": flat, "tool": TIME_BIN or "none"}


# ---- (d) compile all policies from cold -------------------------------------------------------
_COMPILE_ALL = r"""
import time; t0 = time.perf_counter()
from pathlib import Path
from yibao.policies import PolicySet
from yibao.backends.python import generate
t_import = time.perf_counter()
ps = PolicySet(Path(%r))
n = 0
for doc in sorted(ps.notices):
    generate(ps.load(doc)); n += 1
t1 = time.perf_counter()
print(n, t_import - t0, t1 - t_import, t1 - t0)
"""


def compile_all(repeat):
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", _COMPILE_ALL % str(ROOT / "policies")],
                              capture_output=True, text=True, cwd=ROOT, check=True)
        wall = time.perf_counter() - t0
        n, imp, work, total = proc.stdout.split()
        out.append((wall, int(n), float(imp), float(work), float(total)))
    start = min(run_child([sys.executable, "-c", "pass"])[0] for _ in range(repeat))
    wall, n, imp, work, total = min(out)
    return {"policies": n, "wall_s": wall, "python_start_s": start, "wall_minus_start_s": wall - start,
            "imports_s": imp, "parse_check_generate_s": work, "in_process_total_s": total}


# ---- (e) columnar vs OpenFisca ----------------------------------------------------------------
def columnar(program, n, repeat, compare):
    import numpy as np
    from yibao.backends.numpy import generate as to_numpy
    mod = to_numpy.load(program)
    t0 = time.perf_counter()
    cols = gen.columns(n, SEED)
    t_gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    columns = to_numpy.bench_columns(mod, cols)
    t_load = time.perf_counter() - t0
    wanted = [k for k in KEYS if k in mod.DECISIONS]

    result = {}

    def run_columnar():
        t = time.perf_counter()
        result.update(mod.evaluate(columns, wanted))
        return time.perf_counter() - t

    c_best, c_all = best_of(repeat, run_columnar)
    res = {"cases": n, "repeat": repeat, "decisions": wanted, "generate_columns_s": t_gen, "load_columns_s": t_load,
           "columnar_s": c_best, "columnar_cases_per_s": n / c_best, "columnar_runs_s": c_all}
    if compare:
        import openfisca_jiulongpo
        of_out = {}

        def run_openfisca():
            t = time.perf_counter()
            of_out.update(openfisca_jiulongpo.run(cols))
            return time.perf_counter() - t

        o_best, o_all = best_of(max(1, repeat - 1), run_openfisca)
        res.update({"openfisca_s": o_best, "openfisca_cases_per_s": n / o_best, "openfisca_runs_s": o_all,
                    "speedup_vs_openfisca": o_best / c_best})
        bad, unknown = {}, {}
        for k in wanted:
            values, decided = result[k]
            want = of_out[k]
            if k == "benefit_start":
                got = np.where(decided, values, np.datetime64("NaT", "D"))
                bad[k] = int(np.count_nonzero(~((got == want) | (np.isnat(got) & np.isnat(want)))))
            else:
                # where yibao leaves a value unknown (the notice is silent) OpenFisca's figure is a guess
                bad[k] = int(np.count_nonzero(decided & (values != want)))
                unknown[k] = int(np.count_nonzero(~decided))
        res["mismatches"], res["unknowns_left"] = bad, unknown
    return res


# ---- profile of the streaming path -------------------------------------------------------------
def profile_stream(program, n, top=14):
    from yibao.run.evaluate import Evaluator
    ev = Evaluator(program)
    path = cases_file(n, realistic=True)
    pr = cProfile.Profile()
    with open(path, "rb") as f:  # stream() reads bytes: each line is decoded on its own
        out = io.StringIO()
        pr.enable()
        ev.stream(f, out, None, False, str(path))
        pr.disable()
    st = pstats.Stats(pr)
    total = st.total_tt
    rows = []
    for (file, line, func), (cc, nc, tt, ct, callers) in st.stats.items():
        rows.append({"function": f"{Path(file).name}:{line}({func})" if line else func,
                     "calls": nc, "self_s": tt, "self_pct": 100 * tt / total, "cum_s": ct})
    rows.sort(key=lambda r: -r["self_s"])
    return {"cases": n, "total_s": total, "top": rows[:top]}


# ---- report --------------------------------------------------------------------------------
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes (1M columnar cases, 200k memory case)")
    ap.add_argument("--notice", help="override the notice (default: 九龙坡 if present, else 24号)")
    ap.add_argument("--write", action="store_true",
                    help="write bench/results.json and docs/benchmarks.md (else into a temporary directory)")
    ap.add_argument("--skip", default="", help="comma-separated parts to skip: a,b,c,d,e,f,load,startup,jsonl,profile")
    ap.add_argument("--render", action="store_true", help="only render bench/results.json again (printed; into docs/benchmarks.md with --write)")
    args = ap.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    if args.render:
        r = json.loads((HERE / "results.json").read_text(encoding="utf-8"))
        if args.write:
            docs = ROOT / "docs" / "benchmarks.md"
            docs.write_text(keep_measured(docs.read_text(encoding="utf-8"), markdown(r)), encoding="utf-8")
        else:
            print(markdown(r))
        return 0

    from yibao.policies.directory import PolicySet
    ps = PolicySet(ROOT / "policies")
    notice = args.notice or (YARDSTICK_NOTICE if YARDSTICK_NOTICE in ps.notices else FALLBACK_NOTICE)
    yard = notice == YARDSTICK_NOTICE
    if not yard:
        log(f"NOTE: {YARDSTICK_NOTICE} is not encoded: benchmarking {notice}; yardstick comparisons skipped")
    program = ps.load(notice)

    q = args.quick
    sizes = dict(e2e=50_000 if q else 200_000, inproc=20_000 if q else 100_000, repeat=3 if q else 5,
                 memory=(10_000, 100_000, 200_000) if q else (10_000, 100_000, 1_000_000),
                 columnar=1_000_000 if q else 10_000_000, profile=20_000)
    r = {"notice": notice, "yardsticks": yard, "quick": q, "when": dt.datetime.now().isoformat(timespec="seconds"),
         "machine": f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
                    f"{os.cpu_count()} CPUs", "sizes": sizes, "notes": []}
    if q:
        r["notes"].append("--quick: memory measured at 10k/100k/200k lines (1M without --quick), columnar at 1M.")
    if not yard:
        r["notes"].append(f"{YARDSTICK_NOTICE} absent: yardstick comparisons skipped.")
    log("(d) compile all policies from cold")
    r["compile"] = compile_all(3)
    log("(a) end to end: the realistic roll, then the repeating one")
    r["end_to_end"] = end_to_end(notice, sizes["e2e"], max(sizes["repeat"], 5), yard)  # noisy: more rounds
    r["end_to_end_repeating"] = end_to_end(notice, sizes["e2e"], max(sizes["repeat"], 5), yard, realistic=False)
    log("(b) in process")
    r["in_process"] = in_process(program, sizes["inproc"], sizes["repeat"], yard)
    log("(c) memory")
    r["memory"] = memory(notice, sizes["memory"])
    if "e" not in skip:
        log("(e) columnar")
        r["columnar"] = columnar(program, sizes["columnar"], 3, yard)
        gc.collect()  # its columns
    if "f" not in skip:  # bench/columnar.py: the kernel near the NumPy limit, Parquet in → out, memory
        log("(f) columnar kernel and rolls")
        import columnar as columnar_bench
        r["rolls"] = columnar_bench.measure(program, notice, q, run_child, yibao_cmd)
    if "load" not in skip:
        log("load: yibao serve")
        import load
        r["load"] = load.measure(notice, requests=2_000 if q else 10_000)
    if "startup" not in skip:
        log("start-up and check")
        r["startup"] = startup.measure()
    if "jsonl" not in skip:  # bench/jsonl.py: the realistic and repeating rolls, a cold start (issue 23)
        log("jsonl rolls and a cold start")
        import jsonl as jsonl_bench
        r["jsonl"] = jsonl_bench.measure(q)
    log("profile")
    r["profile"] = profile_stream(program, sizes["profile"])
    r["parts"] = rowpath.parts(program, cases_file(sizes["e2e"], realistic=True), 3)
    results, page = (HERE / "results.json", ROOT / "docs" / "benchmarks.md") if args.write else (
        Path(tempfile.mkdtemp(prefix="yibao-bench-")) / "results.json", None)
    page = page or results.with_name("benchmarks.md")
    results.write_text(json.dumps(r, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    old = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    page.write_text(keep_measured(old, markdown(r)), encoding="utf-8")
    log(f"wrote {results} and {page}")
    summary = markdown(r).split("## (a)")[0]
    print(summary)
    bad = yard and (r["end_to_end"].get("mismatches") or r["in_process"].get("mismatches")
                    or any((r.get("columnar") or {}).get("mismatches", {}).values()))
    bad = bad or any(x["errors"] or x["mismatches"] for x in (r.get("load") or {}).values() if isinstance(x, dict))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
