"""`yibao eval NOTICE --cases ROLL --output RESULTS` with a warm cache neither parses nor checks the
notice (its columnar module comes from the cache, as the calculator does) and answers as a cold run."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from test_cache import JLP, entries

pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from conftest import POLICIES  # noqa: E402

from yibao.run.roll import files as rolls  # noqa: E402

SCRIPT = ("import sys; from yibao.cli import main; code = main(sys.argv[1:]); "
          "print(sorted(m for m in ('lark', 'yibao.check') if m in sys.modules), file=sys.stderr); raise SystemExit(code)")


def run(cache, *argv):
    env = {k: v for k, v in os.environ.items() if not k.startswith("YIBAO_")}
    return subprocess.run([sys.executable, "-c", SCRIPT, "--policies", str(POLICIES), "eval", JLP, *map(str, argv)],
                          env={**env, "XDG_CACHE_HOME": str(cache)}, capture_output=True, text=True, timeout=300)


def test_a_warm_roll_skips_the_parser_and_answers_as_a_cold_one(tmp_path):
    roll = tmp_path / "roll.parquet"
    # good rows only: a bad row's message asks the case schema, which the program gives (then parsed)
    rolls.write_cases(str(roll), [{"id": 1, "tier": 1, "payment_date": "2023-11-01", "identities": ["dibao"]},
                                  {"id": 2, "tier": 2, "payment_date": "2024-01-03"}])
    cache = tmp_path / "cache"
    cold = run(cache, "--cases", roll, "--output", tmp_path / "cold.parquet")
    assert cold.returncode == 0 and "'lark'" in cold.stderr, cold.stderr
    assert len(entries(cache, "columnar")) == 1
    warm = run(cache, "--cases", roll, "--output", tmp_path / "warm.parquet")
    assert warm.returncode == 0 and warm.stderr.strip() == "[]", warm.stderr
    assert pq.read_table(tmp_path / "warm.parquet").equals(pq.read_table(tmp_path / "cold.parquet"))
    assert pq.read_table(tmp_path / "warm.parquet").column("assistance").to_pylist()[0] is not None
