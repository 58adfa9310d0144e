"""The analyses of several notices at once, a process each, on the machine's cores.

A cold `yibao check` spends most of its time in the analyses, the SMT proofs above all, and each
notice's are independent of the others'. The parent has parsed and checked everything; forked
workers inherit the programs as they are (nothing is pickled on the way in) and send back only the
findings. One notice, one core, `YIBAO_JOBS=1`, or a process that runs threads of its own (a fork
copies a lock another thread may hold): in this process, one notice after another.
"""
from __future__ import annotations

import os
import threading

_WORK: list = []  # (the analysis, its argument) for the forked workers; set just before the fork


def run_all(calls: list) -> list:
    """[f(x) for f, x in calls], in order, in parallel where it pays."""
    jobs = _jobs(len(calls))
    if jobs < 2:
        return [f(x) for f, x in calls]
    import multiprocessing
    global _WORK
    _WORK = calls
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return pool.map(_one, range(len(calls)), chunksize=1)
    finally:
        _WORK = []


def _one(i: int):
    f, x = _WORK[i]
    return f(x)


def _jobs(n: int) -> int:
    if n < 2 or threading.active_count() > 1 or not hasattr(os, "fork"):
        return 1
    asked = os.environ.get("YIBAO_JOBS", "").strip()
    if asked.isdigit() and int(asked) > 0:
        return min(int(asked), n)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # (not Linux)
        cores = os.cpu_count() or 1
    return min(cores, n)
