"""Start-up and check time (issue 11), as a user's machine sees them: every run a fresh interpreter
(subprocess, wall time), modules' bytecode written as an installed package has it, and a private
cache directory made for the run.

- `startup`: `yibao eval NOTICE --case F` with a warm cache vs `python -c pass` (target: ≤ 0.1 s
  more), and with every cache off (YIBAO_CACHE=0) for context;
- `check_all`: `yibao check policies/` cold (nothing cached but the parser's tables: target ≤ 0.5 s,
  issue 11) and warm (its findings cached);
- `check_phases`: where a cold check's time goes, in a fresh interpreter: importing, parsing every
  policy, checking, generating each notice's module (the analyses evaluate decisions with it) and
  the analyses, each phase the minimum of N runs; and the functions with the most own time under
  cProfile.

    python bench/startup.py        # prints the numbers as JSON
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTICE = "九龙坡医保发〔2023〕46号"
CASE = '{"group": "student", "tier": 2, "payment_date": "2023-11-01"}'
TARGETS = {"eval_over_pass_s": 0.1, "check_cold_s": 0.5}


def _env(cache: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "YIBAO_CACHE", "YIBAO_NO_CACHE")}
    env.update(XDG_CACHE_HOME=str(cache), **extra)
    return env


def _time(argv, env, stdin=None) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, env=env, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   text=True, check=True)
    return time.perf_counter() - t0


def _runs(repeat, argv, env, stdin=None) -> dict:
    _time(argv, env, stdin)  # warms the cache and the bytecode; not counted
    xs = [_time(argv, env, stdin) for _ in range(repeat)]
    return {"min_s": min(xs), "median_s": statistics.median(xs)}


def startup(repeat: int = 15) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        case = cache / "case.json"
        case.write_text(CASE, encoding="utf-8")
        eval_argv = [sys.executable, "-m", "yibao.cli", "eval", NOTICE, "--case", str(case)]
        base = _runs(repeat, [sys.executable, "-c", "pass"], _env(cache))
        warm = _runs(repeat, eval_argv, _env(cache))
        off = _runs(max(repeat // 3, 3), eval_argv, _env(cache, YIBAO_CACHE="0"))
    over = warm["min_s"] - base["min_s"]
    return {"pass": base, "eval_warm": warm, "eval_no_cache": off, "eval_over_pass_s": over,
            "holds": over <= TARGETS["eval_over_pass_s"]}


def check_all(repeat: int = 3) -> dict:
    argv = [sys.executable, "-m", "yibao.cli", "check", "policies/"]
    cold = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            env = _env(Path(tmp))
            subprocess.run([sys.executable, "-c", "import yibao.language.parse as p; p.parser()"], env=env, check=True)
            cold.append(_time(argv, env))
    with tempfile.TemporaryDirectory() as tmp:
        warm = _runs(repeat, argv, _env(Path(tmp)))
    return {"cold": {"min_s": min(cold), "median_s": statistics.median(cold)}, "warm": warm,
            "holds": min(cold) <= TARGETS["check_cold_s"]}


# A cold check's steps, as `yibao check policies/` takes them (report.collect), timed one by one.
_PHASES = r"""
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
from yibao.policies import report  # noqa: F401  (what `yibao check` imports)
from yibao.analysis.tables import analyze
from yibao.policies.directory import PolicySet
from yibao.policies.warm import module
t1 = time.perf_counter()
ps = PolicySet(Path("policies"))
paths = [p for p in ps.modules if ps.modules[p].header is not None]
t2 = time.perf_counter()
programs = [ps.check(p)[0] for p in paths]
t3 = time.perf_counter()
for program in programs:
    module(program)
t4 = time.perf_counter()
if "--profile" in sys.argv:
    import cProfile, pstats
    profile = cProfile.Profile()
    profile.enable()
for program in programs:
    analyze(program)
t5 = time.perf_counter()
out = {"import_s": t1 - t0, "parse_s": t2 - t1, "check_s": t3 - t2, "generate_s": t4 - t3, "analyses_s": t5 - t4}
if "--profile" in sys.argv:
    profile.disable()
    stats = pstats.Stats(profile).stats
    top = sorted(stats.items(), key=lambda kv: -kv[1][2])[:12]
    out["profile"] = [{"function": f"{Path(f).name}:{line}({name})", "calls": nc, "own_s": tt, "cumulative_s": ct}
                      for (f, line, name), (cc, nc, tt, ct, callers) in top]
print(json.dumps(out))
"""


def check_phases(repeat: int = 3) -> dict:
    """Each phase of a cold check (minimum of `repeat` fresh interpreters, the parser's tables cached
    as in `check_all`), and the analyses' top functions by own time under cProfile (one more run)."""
    runs = []
    for flags in [[]] * repeat + [["--profile"]]:
        with tempfile.TemporaryDirectory() as tmp:  # (each run its own cache: nothing generated is reused)
            env = _env(Path(tmp))
            subprocess.run([sys.executable, "-c", "import yibao.language.parse as p; p.parser()"], env=env, check=True)
            out = subprocess.run([sys.executable, "-c", _PHASES, *flags], cwd=ROOT, env=env, check=True,
                                 capture_output=True, text=True).stdout
            runs.append(json.loads(out))
    phases = {k: min(r[k] for r in runs[:-1]) for k in runs[0]}
    return {"phases_min_s": phases, "total_s": sum(phases.values()), "profile": runs[-1]["profile"]}


def measure(repeat: int = 15) -> dict:
    return {"startup": startup(repeat), "check": check_all(), "phases": check_phases()}


def markdown(r: dict) -> list[str]:
    """The section of docs/benchmarks.md."""
    s, c = r["startup"], r["check"]
    return [
        "## Start-up and check", "",
        "Fresh interpreters (wall time, minimum of N; bytecode written as an installed package has it), "
        "a private cache directory made for the run (`bench/startup.py`).", "",
        "| measure | value | target | holds |", "|---|---|---|---|",
        f"| `python -c pass` | {s['pass']['min_s']:.3f} s | | |",
        f"| `yibao eval {NOTICE} --case F`, warm cache | {s['eval_warm']['min_s']:.3f} s "
        f"(+{s['eval_over_pass_s']:.3f} s over `pass`) | ≤ +0.1 s | {'yes' if s['holds'] else '**no**'} |",
        f"| the same, `YIBAO_CACHE=0` (parse, check, generate) | {s['eval_no_cache']['min_s']:.3f} s | | |",
        f"| `yibao check policies/`, cold (only the parser's tables cached) | {c['cold']['min_s']:.2f} s | ≤ 0.5 s | "
        f"{'yes' if c['holds'] else '**no**'} |",
        f"| `yibao check policies/`, warm (findings cached) | {c['warm']['min_s']:.3f} s | | |",
        "",
    ] + _phases_markdown(r.get("phases"))


def _phases_markdown(p: dict | None) -> list[str]:
    if not p:
        return []
    names = {"import_s": "importing yibao", "parse_s": "parsing every policy (Lark)", "check_s": "checking",
             "generate_s": "generating each notice's module", "analyses_s": "the analyses"}
    out = ["Where a cold check's time goes (`bench/startup.py`, `check_phases`: each phase the minimum of 3 fresh "
           "interpreters, each with a cache of its own holding only the parser's tables):", "",
           "| phase | s | share |", "|---|---|---|"]
    out += [f"| {names[k]} | {v:.3f} | {v / p['total_s']:.0%} |" for k, v in p["phases_min_s"].items()]
    out += [f"| total | {p['total_s']:.3f} | |", "", "The analyses under cProfile, by own time:", "",
            "| function | calls | own s |", "|---|---|---|"]
    out += [f"| `{f['function']}` | {f['calls']:,} | {f['own_s']:.3f} |" for f in p["profile"]]
    return out + [""]


if __name__ == "__main__":
    print(json.dumps(measure(), indent=1))
