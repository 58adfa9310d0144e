"""The row path of `yibao eval --cases` and the standalone module, part by part (bench/run.py's
"Where the time goes"): each part on its own over the same lines, in process, and how the caches
answered."""
from __future__ import annotations

import gc
import io
import os
import time


def parts(program, path, repeat):
    """Per line, each part of the row path on its own (process time, min of `repeat`): reading the
    lines, the JSON scan and decoding (_line_case), deciding and writing the text (fused: the
    decisions' members and the line), the whole path with its caches, and the write; and how the
    caches answer."""
    from yibao.runtime import strict_json
    from yibao.run.evaluate import load_generated
    mod = load_generated(program)
    data = path.read_bytes()
    lines = [text for block in strict_json.blocks(io.BytesIO(data)) for _, text in block]
    n = len(lines)
    cases = [mod._line_case(text) for text in lines]
    outs = [mod._wrap_json(c, mod._decisions_json(c)) for c in cases]
    counts = {"scanned": 0, "decided": 0}

    def counted(fn, key):
        def call(x):
            counts[key] += 1
            return fn(x)
        return call

    def timed(fn):
        best = float("inf")
        for _ in range(repeat):
            gc.collect()
            t0 = time.process_time()
            fn()
            best = min(best, time.process_time() - t0)
        return best

    def read():
        for _ in strict_json.blocks(io.BytesIO(data)):
            pass

    def decode():
        for text in lines:
            mod._line_case(text)

    def decide():
        for c in cases:
            mod._wrap_json(c, mod._decisions_json(c))

    def kept():  # fresh caches each run, as a new process has
        mod._KEPT.clear()
        line_json = mod._line_cache(mod._line_case, mod._kept_json)
        for text in lines:
            line_json(text)

    def write():
        with open(os.devnull, "w", encoding="utf-8") as f:
            for i in range(0, len(outs), 600):  # about what one 64 KiB read holds
                f.write("\n".join(outs[i:i + 600] + [""]))

    parts = {k: timed(fn) for k, fn in [("read (blocks, UTF-8)", read), ("scan + decode (every line)", decode),
                                        ("decide + encode (every line)", decide),
                                        ("the row path with its caches", kept), ("write", write)]}
    mod._KEPT.clear()  # once more, counting: _kept_json finds _decisions_json in the module when called
    plain = mod._decisions_json
    mod.__dict__["_decisions_json"] = counted(plain, "decided")
    line_json = mod._line_cache(counted(mod._line_case, "scanned"), mod._kept_json)
    for text in lines:
        line_json(text)
    mod.__dict__["_decisions_json"] = plain
    return {"cases": n, "us_per_line": {k: 1e6 * t / n for k, t in parts.items()},
            "answered_by_line": 1 - counts["scanned"] / n,
            "answered_by_facts": (counts["scanned"] - counts["decided"]) / n, "decided": counts["decided"] / n}


def markdown(q) -> list[str]:
    L = ["", f"Each part of the row path on its own, {q['cases']:,} lines in process (process time, min of 3), "
         "µs a line:", "", "| part | µs/line |", "|---|---|"]
    L += [f"| {k} | {v:.2f} |" for k, v in q["us_per_line"].items()]
    L += ["", f"Of the lines, {100 * q['answered_by_line']:.0f}% were answered from the line cache (a line seen "
          f"before, less its id), {100 * q['answered_by_facts']:.0f}% from the fact cache (read and decoded, "
          f"then the same facts as a case before) and {100 * q['decided']:.0f}% decided (the rarer cases: they "
          "cost more than the average line, undecidable answers and all)."]
    return L
