"""A bounded load test of `yibao serve` on 127.0.0.1: N requests, C at a time, every answer checked.

    python bench/load.py [--notice DOC] [--requests 10000] [--concurrency 16] [--batch 100]

Starts `yibao serve --port 0` as a child (access log to /dev/null), sends the seeded cases of
bench/cases.py one per `POST /notices/{document}/eval` from an asyncio httpx client, then the same
cases in batches of --batch, and reports requests/s, p50/p99 latency, errors (any status but 200) and
mismatches (any answer that differs from yibao.run.evaluate.Evaluator in process). Client and server share
the machine, so the figures are for the pair. bench/run.py calls measure(), bench/render.py markdown().
"""
from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import cases as gen  # noqa: E402

SEED = 2024
NOTICE = "九龙坡医保发〔2023〕46号"


def _serve():
    """`yibao serve --port 0` as a child; (process, base URL) once it announces where it listens."""
    proc = subprocess.Popen([sys.executable, "-m", "yibao.cli", "--policies", str(ROOT / "policies"), "serve",
                             "--port", "0"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    for line in proc.stderr:
        if "running on http://" in line:
            # drain the rest (the access log) so the child never blocks on a full pipe
            import threading
            threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
            return proc, line.split("running on ")[1].split()[0]
    proc.wait()
    raise SystemExit(f"yibao serve did not start (exit {proc.returncode})")


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc): what the server spent, whatever
    else the machine was doing."""
    import os
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _percentile(sorted_values: list[float], p: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))]


async def _drive(url: str, bodies: list, expected: list, concurrency: int) -> dict:
    import httpx
    latencies, errors, mismatches = [], 0, 0
    queue = iter(range(len(bodies)))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        async def worker():
            nonlocal errors, mismatches
            for i in queue:
                t = time.perf_counter()
                response = await client.post(url, content=bodies[i], headers={"content-type": "application/json"})
                latencies.append(time.perf_counter() - t)
                if response.status_code != 200:
                    errors += 1
                elif response.json() != expected[i]:
                    mismatches += 1
        t0, cpu0 = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    latencies.sort()
    return {"requests": len(bodies), "wall_s": wall, "requests_per_s": len(bodies) / wall,
            "p50_ms": _percentile(latencies, 50) * 1e3, "p99_ms": _percentile(latencies, 99) * 1e3,
            "max_ms": latencies[-1] * 1e3, "client_cpu_ms_per_request": cpu / len(bodies) * 1e3,
            "errors": errors, "mismatches": mismatches}


def measure(notice: str = NOTICE, requests: int = 10_000, concurrency: int = 16, batch: int = 100) -> dict:
    from yibao.run.evaluate import Evaluator
    from yibao.policies.directory import load_notice, policy_set
    ev = Evaluator(load_notice(policy_set(ROOT / "policies"), notice))
    cases = list(gen.generate(requests, SEED))
    expected = []
    for c in cases:
        result, error = ev.one(c)
        expected.append(result if error is None else None)  # a refused case counts as an error below
    proc, base = _serve()
    try:
        url = f"{base}/notices/{quote(notice)}/eval"
        asyncio.run(_drive(url, [json.dumps(c, ensure_ascii=False).encode() for c in cases[:200]],
                           expected[:200], concurrency))  # warm-up: connections, first-call paths
        cpu = _cpu_s(proc.pid)
        single = asyncio.run(_drive(url, [json.dumps(c, ensure_ascii=False).encode() for c in cases],
                                    expected, concurrency))
        single["server_cpu_ms_per_request"] = (_cpu_s(proc.pid) - cpu) / len(cases) * 1e3
        cpu = _cpu_s(proc.pid)
        groups = [range(i, min(i + batch, len(cases))) for i in range(0, len(cases), batch)]
        batched = asyncio.run(_drive(
            url, [json.dumps({"cases": [cases[i] for i in g]}, ensure_ascii=False).encode() for g in groups],
            [{"results": [expected[i] for i in g]} for g in groups], concurrency))
        batched["cases_per_s"] = len(cases) / batched["wall_s"]
        batched["server_cpu_ms_per_request"] = (_cpu_s(proc.pid) - cpu) / len(groups) * 1e3
    finally:
        proc.terminate()
        proc.wait(30)
    import os
    return {"notice": notice, "concurrency": concurrency, "batch": batch, "single": single, "batched": batched,
            "load_average": os.getloadavg()[0]}  # what else the machine was doing, for the wall times


def markdown(r: dict) -> list[str]:
    s, b = r["single"], r["batched"]
    rows = [(f"one case a request ({s['requests']:,} requests)", s),
            (f"{r['batch']} cases a request ({b['requests']:,} requests, {b['cases_per_s']:,.0f} cases/s)", b)]
    L = ["", "## Web API under load (`bench/load.py`)", "",
         f"`yibao serve` as a child process, `POST /notices/{r['notice']}/eval` from an asyncio httpx client, "
         f"{r['concurrency']} requests in flight, on the same machine (the client's own cost is in the figures). "
         "Every answer is compared with the in-process `Evaluator`.", "",
         "CPU is each side's user + system time over the run (the server's from `/proc`), per request: unlike "
         "wall time it does not depend on what else the machine runs; requests/s is bounded by the two together "
         "over the cores they get." + (f" The machine's load average at the end: {r['load_average']:.1f}."
                                       if "load_average" in r else ""), "",
         "| load | requests/s | p50 ms | p99 ms | max ms | CPU ms/request: server | client | errors | mismatches |",
         "|---|---|---|---|---|---|---|---|---|"]
    for name, x in rows:
        L.append(f"| {name} | {x['requests_per_s']:,.0f} | {x['p50_ms']:.1f} | {x['p99_ms']:.1f} | {x['max_ms']:.1f} | "
                 f"{x['server_cpu_ms_per_request']:.2f} | {x['client_cpu_ms_per_request']:.2f} | {x['errors']} | "
                 f"{x['mismatches']} |")
    return L


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notice", default=NOTICE)
    ap.add_argument("--requests", type=int, default=10_000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--batch", type=int, default=100)
    args = ap.parse_args(argv)
    r = measure(args.notice, args.requests, args.concurrency, args.batch)
    print("\n".join(markdown(r)))
    bad = sum(r[k]["errors"] + r[k]["mismatches"] for k in ("single", "batched"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
