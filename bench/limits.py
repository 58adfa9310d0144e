"""Policy size against the work it causes (docs/limits.md's figures): crafted policies, each checked
and evaluated cold (an empty cache) in a fresh process, its wall time and peak memory measured.

    python bench/limits.py            # the table of docs/limits.md (about a minute)

Shapes: a one-row `*, *, *` table over three enumerations of n members (its key product n³, which
check and eval once enumerated); one enumeration of n members (a policy near the 1 MB limit); n
identity codes with a best-hit table row each (资助标准's shape; issue 23's 800 identities); a chain
of n notices each implementing the last (E110 past 100).
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = ('notice 测试〔2024〕{n}号 {{\n  title "测试通知"\n  issuers "测试局"\n  issued 2024-01-01\n  coverage 2024\n'
          '  jurisdiction "测试区"\n  implements {parent}\n}}\nuse 居民医保\n')
CITE = '§一 "个人缴费标准为一档 380 元/人·年"'
TEXT = "一、个人缴费标准为一档 380 元/人·年。【虚构示例】\n"


def directory(base: Path, policy: str) -> Path:
    d = base / "policies"
    (d / "lib").mkdir(parents=True)
    shutil.copy(ROOT / "policies" / "lib" / "resident.policy", d / "lib")
    (d / "texts").mkdir()
    (d / "texts" / "测试〔2024〕1号.txt").write_text(TEXT, encoding="utf-8")
    (d / "t.policy").write_text(HEADER.format(n=1, parent="none") + policy, encoding="utf-8")
    return d


def product_table(n: int) -> str:
    body = ""
    for e in "ABC":
        body += f"enum E{e} {{\n" + "".join(f'  {e}{i} = "{e.lower()}{i}"\n' for i in range(n)) + "}\n"
        body += f'fact f{e} : E{e} "f{e}"\n'
    return body + (f'table T (fA, fB, fC) : money "t"\n  hit unique\n{{\n  *, *, * => 380 元 {CITE}\n}}\n'
                   f'decision d : money "d" = T {CITE}\n')


def one_enum(n: int) -> str:
    return ("enum E {\n" + "".join(f'  m{i} = "c{i}"\n' for i in range(n)) + '}\nfact f : E "f"\n'
            f'table T (f) : money "t"\n  hit unique\n{{\n  * => 380 元 {CITE}\n}}\ndecision d : money "d" = T {CITE}\n')


def identities(n: int) -> str:
    """n identity codes, a set fact of them, and a best-hit table with a row for each and the tier
    (the shape of 资助标准, with n classes where the notices have 19); n = 0: the decision alone."""
    if n == 0:
        return f'decision d : money "d" = 380 元 {CITE}\n'
    return ("enum Id {\n" + "".join(f'  m{i} = "c{i}"\n' for i in range(n)) + "}\n"
            'fact ids : set of Id = {} "ids"\n'
            f'table T (ids, tier) : money "t"\n  hit best {CITE}\n  otherwise 0 元 {CITE}\n{{\n'
            + "".join(f"  m{i}, * => 380 元 {CITE}\n" for i in range(n)) + "}\n"
            f'decision d : money "d" = T {CITE}\n')


def measure(d: Path, argv: list, stdin: bytes = b"") -> tuple[float, float, int]:
    """(wall seconds, peak MB, exit code) of `yibao --policies d ARGV` cold, in a fresh process."""
    import time
    env = dict(os.environ, XDG_CACHE_HOME=str(d.parent / f"cache-{time.monotonic_ns()}"),
               PYTHONPATH=str(ROOT / "compiler"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", "import resource, sys; from yibao.cli import main; code = main("
                           "sys.argv[1:]); print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); "
                           "sys.exit(code)", "--policies", str(d), *argv],
                          input=stdin, capture_output=True, env=env)
    wall = time.perf_counter() - start
    peak = int(done.stderr.strip().splitlines()[-1]) if done.stderr.strip() else before
    return wall, peak / 1024, done.returncode


def main():
    case = json.dumps({"tier": 1, "payment_date": "2024-01-01", "fA": "a1", "fB": "b2", "fC": "c3",
                       "f": "c7"}).encode()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, make, sizes in (("`*, *, *` table, 3 enumerations of n", product_table, (20, 60, 100)),
                                   ("one enumeration of n members", one_enum, (5_000, 20_000, 50_000))):
            for n in sizes:
                base = Path(tmp) / f"{make.__name__}-{n}"
                d = directory(base, make(n))
                size = (d / "t.policy").stat().st_size
                c = measure(d, ["check", str(d / "t.policy")])
                case_only = json.dumps({k: v for k, v in json.loads(case).items()
                                        if k in ("tier", "payment_date") or (k == "f") == (make is one_enum)})
                e = measure(d, ["eval", "测试〔2024〕1号", "--case", "-"], case_only.encode())
                rows.append((label, n, size, c, e))
        for n in (0, 100, 400, 800, 1600):  # issue 23: 800 identities within 2x the time of none
            d = directory(Path(tmp) / f"identities-{n}", identities(n))
            c = measure(d, ["check", str(d / "t.policy")])
            e = measure(d, ["eval", "测试〔2024〕1号", "--case", "-"],
                        json.dumps({"tier": 1, "payment_date": "2024-01-01", "ids": [f"c{n // 2}"] if n else []}).encode())
            rows.append(("identity codes in a best-hit table (n rows)", n, (d / "t.policy").stat().st_size, c, e))
        for n in (50, 100, 1200):
            base = Path(tmp) / f"chain-{n}"
            d = directory(base, f'decision d : money "d" = 380 元 {CITE}\n')
            for i in range(2, n + 1):
                (d / f"c{i}.policy").write_text(HEADER.format(n=i, parent=f"测试〔2024〕{i - 1}号"), encoding="utf-8")
            c = measure(d, ["check", str(d / f"c{n}.policy")])
            e = measure(d, ["eval", f"测试〔2024〕{n}号", "--case", "-"], b'{"tier": 1, "payment_date": "2024-01-01"}')
            rows.append(("`implements` chain of n notices", n, sum(f.stat().st_size for f in d.glob("*.policy")), c, e))
    print("| policy | n | bytes | check: s, MB, exit | eval cold: s, MB, exit |")
    print("|---|---|---|---|---|")
    for label, n, size, c, e in rows:
        print(f"| {label} | {n:,} | {size:,} | {c[0]:.1f} s, {c[1]:.0f} MB, {c[2]} | {e[0]:.1f} s, {e[1]:.0f} MB, {e[2]} |")


if __name__ == "__main__":
    main()
