"""Where a generated columnar kernel spends its time, statement by statement (bench/columnar.py prints it).

A line tracer over the generated module's code: the time from one line event to the next in the same
frame, less the time spent in its traced callees, is charged to the earlier line (a statement of a kernel runs over a whole chunk, tens of µs, so
the tracer's own cost per event, about a µs, barely shows)."""
from __future__ import annotations

import sys
import time
from collections import defaultdict


def profile(module, columns, decisions, top=25, repeat=1):
    """[(seconds, share, 'function:line', source)] of the `top` costliest lines of module's code while
    evaluating `decisions` over `columns`, summed over `repeat` runs; plus the traced total."""
    filename = module.__file__
    source = module.SOURCE.splitlines()
    spent: dict = defaultdict(float)
    last: dict = {}  # frame → (line, time of its line event)

    def charge(frame, now):  # the time since frame's last line event → that line (own time only)
        prev = last.get(frame)
        if prev is not None:
            spent[frame.f_code.co_name, prev[0]] += now - prev[1]

    def local(frame, event, arg):
        now = time.perf_counter()
        charge(frame, now)
        if event == "return":
            last.pop(frame, None)
            if frame.f_back in last:  # the caller's line resumes: a callee's time is the callee's
                last[frame.f_back] = (last[frame.f_back][0], time.perf_counter())
        else:
            last[frame] = (frame.f_lineno, time.perf_counter())
        return local

    def call(frame, event, arg):
        if frame.f_code.co_filename != filename:
            return None
        charge(frame.f_back, time.perf_counter())
        return local

    sys.settrace(call)
    try:
        t = time.perf_counter()
        for _ in range(repeat):
            module.evaluate(columns, decisions)
        total = time.perf_counter() - t
    finally:
        sys.settrace(None)
    own = sum(spent.values())
    rows = sorted(spent.items(), key=lambda kv: -kv[1])[:top]
    return total, [(s, s / own, f"{fn}:{line}", source[line - 1].strip()[:110]) for (fn, line), s in rows]


def table(total, rows) -> str:
    out = [f"traced total {total:.3f} s (tracing adds about a µs a line)", "",
           "| s | share | function:line | statement |", "|---:|---:|---|---|"]
    out += [f"| {s:.4f} | {share:.1%} | {where} | `{src.replace('|', '¦')}` |" for s, share, where, src in rows]
    return "\n".join(out)
