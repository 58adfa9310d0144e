"""Hostile roll files (CSV, Parquet) and lost results: a bad file is bad input (exit 2, one line naming
the file or the column), never an answer from a guess and never a traceback."""
from __future__ import annotations

import pytest

from hostile import CQ2024, no_traceback, yibao

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def _parquet(path, names, columns):
    pq.write_table(pa.table([pa.array(c) for c in columns], names=names), path)


@pytest.mark.parametrize("out", ["out.jsonl", "out.csv"])
def test_a_column_given_twice_in_a_csv_roll_is_bad_input_naming_it(tmp_path, out):
    roll = tmp_path / "roll.csv"
    roll.write_text("tier,payment_date,identities,identities\n1,2023-11-01,dibao,\n", encoding="utf-8")
    r = yibao("eval", CQ2024, "--cases", roll, "--output", tmp_path / out)
    assert r.returncode == 2, r.stderr
    assert b"identities" in r.stderr and b"twice" in r.stderr and no_traceback(r.stderr)


def test_a_column_given_twice_in_a_parquet_roll_is_bad_input_naming_it(tmp_path):
    roll = tmp_path / "roll.parquet"
    _parquet(roll, ["tier", "payment_date", "identities", "identities"],
             [[1], ["2023-11-01"], [["dibao"]], [None]])
    r = yibao("eval", CQ2024, "--cases", roll, "--output", tmp_path / "out.jsonl")
    assert r.returncode == 2, r.stderr
    assert b"identities" in r.stderr and b"twice" in r.stderr and no_traceback(r.stderr)


@pytest.mark.parametrize("damage", ["truncated", "not parquet", "empty"])
def test_a_parquet_roll_that_is_not_parquet_is_bad_input_naming_the_file(tmp_path, damage):
    roll = tmp_path / "roll.parquet"
    _parquet(roll, ["tier", "payment_date"], [[1, 2], ["2023-11-01", "2023-11-02"]])
    data = roll.read_bytes()
    roll.write_bytes({"truncated": data[:len(data) // 2], "not parquet": b"tier,payment_date\n1,2023-11-01\n",
                      "empty": b""}[damage])
    r = yibao("eval", CQ2024, "--cases", roll, "--output", tmp_path / "out.jsonl")
    assert r.returncode == 2, r.stderr
    assert str(roll).encode() in r.stderr and b"Parquet" in r.stderr and no_traceback(r.stderr)
    assert len(r.stderr.strip().splitlines()) == 1
