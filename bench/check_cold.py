"""A cold `yibao check` of every policy against the same check on the day issue 20 was filed, in one run.

Issue 20 made the check prove every invariant with an SMT solver, hold each notice to the contract's
own invariants and name every open decision; its bar is that a cold check of all policies is no
slower than the sampled search it replaced. The yardstick is the compiler and policies of that day
(commit f4c8706, checked out beside this one with `git worktree`); the two run in turn, A B A B, each
in a fresh interpreter with an empty cache directory (nothing cached, not even the parser's tables),
and each pair gives a ratio, so a machine that drifts in speed does not bias it. Wall time is what a
user waits for (the analyses of several notices run on several cores: policies/fanout.py); CPU time
(the children's user + system) is the work done, reported beside it.

    python bench/check_cold.py [--pairs N] [--base COMMIT]   # JSON on standard output
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ISSUE_DAY = "f4c8706"  # main when issue 20 was filed


def _run(tree: Path) -> tuple[float, float]:
    """(wall, cpu) seconds of one cold `yibao check policies/` of that tree."""
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if not k.startswith("YIBAO_")}
        env.update(XDG_CACHE_HOME=cache, PYTHONPATH=str(tree / "compiler"))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", "import sys; from yibao.cli import main; sys.exit(main())",
                               "check", "policies/"], cwd=tree, env=env, capture_output=True, text=True, timeout=600)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{tree}: yibao check exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(pairs: int, base: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        yardstick = Path(tmp) / "issue-day"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(yardstick), base], cwd=ROOT, check=True)
        try:
            _run(ROOT), _run(yardstick)  # warm-up: the operating system's file cache
            runs = [(_run(ROOT), _run(yardstick)) for _ in range(pairs)]
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(yardstick)], cwd=ROOT, check=False)
    med = statistics.median
    return {
        "pairs": pairs, "yardstick": base, "cores": len(os.sched_getaffinity(0)),
        "wall_s": {"now": round(med(a[0] for a, _ in runs), 3), "issue_day": round(med(b[0] for _, b in runs), 3)},
        "cpu_s": {"now": round(med(a[1] for a, _ in runs), 3), "issue_day": round(med(b[1] for _, b in runs), 3)},
        "wall_ratio": round(med(a[0] / b[0] for a, b in runs), 3),  # target ≤ 1 (issue 20)
        "cpu_ratio": round(med(a[1] / b[1] for a, b in runs), 3),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--base", default=ISSUE_DAY, help="the yardstick's commit (default: the day issue 20 was filed)")
    args = ap.parse_args()
    json.dump(measure(args.pairs, args.base), sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
