"""A roll's edges through the columnar route (`yibao eval --cases ROLL --output FILE`): blank lines in a
JSONL roll keep their places (a row with nothing, as stdout has a blank line), a bad line (not JSON, not UTF-8) is a row holding its error at its own line
number, and the good rows around it are answered; a roll that cannot be read is bad input (exit 2)
naming it, and results that cannot be written are exit 74 naming the file."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

pq = pytest.importorskip("pyarrow.parquet")

from conftest import ROOT  # noqa: E402
from yibao.cli import main  # noqa: E402

D24 = "渝医保发〔2023〕24号"
ROLL = (b'{"tier": 1, "payment_date": "2023-11-01", "id": "a"}\n\n   \nnot json\n\xff\xfe\n'
        b'{"tier": 2, "payment_date": "2023-11-02", "id": "b"}')


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(["--policies", str(ROOT / "policies"), "eval", D24, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def roll(tmp_path):
    path = tmp_path / "roll.jsonl"
    path.write_bytes(ROLL)
    return path


def expected_errors(roll) -> list[str]:
    return [f"{roll}:4: malformed JSON: Expecting value (column 1)",
            f"{roll}:5: malformed JSON: not UTF-8 text (byte 1 of the line)"]


def test_blank_and_bad_lines_of_a_jsonl_roll_into_parquet(capsys, roll, tmp_path):
    out = tmp_path / "out.parquet"
    code, _, err = run(capsys, "--cases", str(roll), "--output", str(out))
    assert code == 2  # a bad row is bad input; the others are still answered
    rows = pq.read_table(out).to_pylist()
    assert [r["id"] for r in rows] == ["a", None, None, None, None, "b"]  # the blank lines keep their places
    assert [r["error"] for r in rows[3:5]] == expected_errors(roll)
    assert [r["exit"] for r in rows] == [None, None, None, 2, 2, None]
    assert [r["contribution"] for r in rows] == [Decimal("380.00"), None, None, None, None, Decimal("755.00")]
    assert err.splitlines() == [f"yibao: {e}" for e in expected_errors(roll)]
    assert "Traceback" not in err


def test_the_jsonl_results_answer_as_the_row_path(capsys, roll, tmp_path):
    out = tmp_path / "out.jsonl"
    code, _, _ = run(capsys, "--cases", str(roll), "--output", str(out))
    assert code == 2
    columnar = out.read_text(encoding="utf-8").splitlines()
    code, row_path, _ = run(capsys, "--cases", str(roll))
    assert code == 2
    # the row path answers line for line (docs/limits.md: a blank line gives a blank line); the rows
    # with an answer are the same lines on both routes
    assert row_path.splitlines()[1:3] == ["", ""]
    assert len(columnar) == len(row_path.splitlines())  # line for line, blank lines in their places
    # (the roll's error rows carry `error` and `exit`; the stream's lines also code, field and message)
    keep = ("id", "error", "exit")
    assert [{k: v for k, v in json.loads(line).items() if k in keep or "error" not in line} for line in columnar if line] \
        == [{k: v for k, v in json.loads(line).items() if k in keep or "error" not in line}
            for line in row_path.splitlines() if line]
    assert [json.loads(line).get("error") for line in columnar if line] == [None, *expected_errors(roll), None]


@pytest.mark.parametrize("ext", ["parquet", "csv", "jsonl"])
def test_results_that_cannot_be_written_are_exit_74_naming_the_file(capsys, roll, tmp_path, ext):
    out = tmp_path / "no such directory" / f"out.{ext}"
    code, _, err = run(capsys, "--cases", str(roll), "--output", str(out))
    assert code == 74
    assert f"yibao: cannot write {out}: " in err and "No such file or directory" in err
    assert "Traceback" not in err


def test_a_roll_that_does_not_exist_is_bad_input_naming_it(capsys, tmp_path):
    missing = tmp_path / "none.jsonl"
    code, _, err = run(capsys, "--cases", str(missing), "--output", str(tmp_path / "o.parquet"))
    assert code == 2
    assert err.strip() == f"yibao: cannot read {missing}: No such file or directory"
    assert not (tmp_path / "o.parquet").exists()


def test_a_roll_that_is_a_directory_is_bad_input_naming_it(capsys, tmp_path):
    folder = tmp_path / "folder.jsonl"
    folder.mkdir()
    code, _, err = run(capsys, "--cases", str(folder), "--output", str(tmp_path / "o.parquet"))
    assert code == 2
    # a directory is a partitioned roll (`--cases DIR`), of Parquet files: this one has none
    assert err.strip() == f"yibao: {folder}: no Parquet partitions (*.parquet) found"
