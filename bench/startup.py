"""Start-up and check time (issue 11), as a user's machine sees them: every run a fresh interpreter
(subprocess, wall time), modules' bytecode written as an installed package has it, and a private
cache directory made for the run.

- `startup`: `yibao eval NOTICE --case F` with a warm cache vs `python -c pass` (target: ≤ 0.1 s
  more), and with every cache off (YIBAO_CACHE=0) for context;
- `check_all`: `yibao check policies/` cold (nothing cached but the parser's tables) and warm (its
  findings cached: target ≤ 0.5 s).

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
TARGETS = {"eval_over_pass_s": 0.1, "check_warm_s": 0.5}


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
            subprocess.run([sys.executable, "-c", "import yibao.parse as p; p.parser()"], env=env, check=True)
            cold.append(_time(argv, env))
    with tempfile.TemporaryDirectory() as tmp:
        warm = _runs(repeat, argv, _env(Path(tmp)))
    return {"cold": {"min_s": min(cold), "median_s": statistics.median(cold)}, "warm": warm,
            "holds": warm["min_s"] <= TARGETS["check_warm_s"]}


def measure(repeat: int = 15) -> dict:
    return {"startup": startup(repeat), "check": check_all()}


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
        f"| `yibao check policies/`, cold (only the parser's tables cached) | {c['cold']['min_s']:.2f} s | | |",
        f"| `yibao check policies/`, warm (findings cached) | {c['warm']['min_s']:.3f} s | ≤ 0.5 s | "
        f"{'yes' if c['holds'] else '**no**'} |",
        "",
    ]


if __name__ == "__main__":
    print(json.dumps(measure(), indent=1))
