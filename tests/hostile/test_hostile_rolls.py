"""Hostile roll files (CSV, Parquet) and lost results: a bad file is bad input (exit 2, one line naming
the file or the column), never an answer from a guess and never a traceback."""
from __future__ import annotations

from decimal import Decimal

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


# ---- issue 24, item 6: one malformed CSV row neither stops a roll nor leaves a cut-short result ----
def test_a_csv_row_of_the_wrong_width_is_answered_in_its_place_and_the_roll_goes_on(tmp_path):
    roll = tmp_path / "roll.csv"
    roll.write_text("id,tier,payment_date\na,1\nb,1,2023-11-01\nc,1,2023-11-01,x\nd,2,2023-11-01\ne,,,,\n",
                    encoding="utf-8")
    out = tmp_path / "out.parquet"
    r = yibao("eval", CQ2024, "--cases", roll, "--output", out)
    assert r.returncode == 2 and no_traceback(r.stderr)
    rows = pq.read_table(out).select(["id", "contribution", "error", "exit"]).to_pylist()
    assert [row["id"] for row in rows] == [None, "b", None, "d", None]
    assert [row["contribution"] for row in rows] == [None, Decimal("380.00"), None, Decimal("755.00"), None]
    assert "row 3: 4 cells where the header has 3" in rows[2]["error"] and rows[2]["exit"] == 2
    assert "row 1: 2 cells" in rows[0]["error"] and "row 5: 5 cells" in rows[4]["error"]


def test_a_misshapen_row_past_the_first_block_keeps_every_row_in_its_place(tmp_path):
    """The issue's roll: 300,000 rows, an extra cell at one far past pyarrow's first block."""
    roll = tmp_path / "roll.csv"
    with roll.open("w", encoding="utf-8") as f:
        f.write("id,tier,payment_date\n")
        f.writelines(f"{i},1,2023-11-01{',x' if i == 250_000 else ''}\n" for i in range(300_000))
    out = tmp_path / "out.parquet"
    r = yibao("eval", CQ2024, "--cases", roll, "--output", out)
    assert r.returncode == 2 and no_traceback(r.stderr)
    table = pq.read_table(out, columns=["id", "error"])
    assert table.num_rows == 300_000
    assert table.slice(249_999, 3).to_pylist() == [
        {"id": "249999", "error": None},
        {"id": None, "error": f"{roll}: row 250001: 4 cells where the header has 3: 250000,1,2023-11-01,x"},
        {"id": "250001", "error": None}]


def test_a_roll_that_cannot_be_read_on_leaves_no_results_that_look_whole(tmp_path):
    """Text that is not UTF-8 past the first block stops the roll (bad input): the results written so
    far are removed, as on Ctrl-C, not left as a valid Parquet file of the first rows."""
    roll = tmp_path / "roll.csv"
    with roll.open("wb") as f:
        f.write(b"id,tier,payment_date\n")
        f.writelines(b"%d,1,2023-11-01\n" % i for i in range(300_000))
        f.write(b"\xff\xfe,1,2023-11-01\n")
    out = tmp_path / "out.parquet"
    r = yibao("eval", CQ2024, "--cases", roll, "--output", out)
    assert r.returncode == 2 and no_traceback(r.stderr)
    assert str(roll).encode() in r.stderr
    assert not out.exists()


# ---- issue 24, item 7: --output keeps a blank line's place --------------------------------------------
@pytest.mark.parametrize("out", ["out.jsonl", "out.csv", "out.parquet"])
def test_a_blank_line_of_a_jsonl_roll_keeps_its_place_in_the_output(tmp_path, out):
    roll = tmp_path / "roll.jsonl"
    roll.write_bytes(b'{"tier": 1, "payment_date": "2023-11-01"}\n\n{"tier": 2, "payment_date": "2023-11-01"}\n')
    r = yibao("eval", CQ2024, "--cases", roll, "--output", tmp_path / out)
    assert r.returncode == 0, r.stderr
    path = tmp_path / out
    if out.endswith(".parquet"):
        rows = pq.read_table(path).select(["contribution", "error"]).to_pylist()
        assert rows == [{"contribution": Decimal("380.00"), "error": None}, {"contribution": None, "error": None},
                        {"contribution": Decimal("755.00"), "error": None}]  # typed: decimal128(18, 2)
        return
    lines = path.read_text(encoding="utf-8").splitlines()[(out.endswith(".csv")):]
    assert len(lines) == 3
    assert "380.00" in lines[0] and "755.00" in lines[2]
    assert lines[1].strip(",") == ""
    stdout = yibao("eval", CQ2024, "--cases", roll).stdout.decode().splitlines()
    if out.endswith(".jsonl"):  # the same as on standard output
        assert lines == stdout


@pytest.mark.parametrize("out", ["out.jsonl", "out.csv", "out.parquet"])
def test_a_parquet_id_column_of_dates_is_passed_through_as_its_iso_text(tmp_path, out):
    import datetime as dt
    roll = tmp_path / "roll.parquet"
    _parquet(roll, ["id", "tier", "payment_date"], [[dt.date(2020, 1, 2)], [1], ["2023-11-01"]])
    r = yibao("eval", CQ2024, "--cases", roll, "--output", tmp_path / out)
    assert r.returncode == 0, r.stderr
    if out.endswith(".parquet"):
        assert pq.read_table(tmp_path / out).column("id").to_pylist() == ["2020-01-02"]
    else:
        assert "2020-01-02" in (tmp_path / out).read_text(encoding="utf-8")


@pytest.mark.parametrize("out", ["out.jsonl", "out.csv", "out.parquet"])
@pytest.mark.parametrize("ids", [[b"\x00\xff"], [[1, 2]]], ids=["binary", "list"])
def test_a_parquet_id_column_of_bytes_or_lists_is_bad_input_naming_it(tmp_path, ids, out):
    roll = tmp_path / "roll.parquet"
    _parquet(roll, ["id", "tier", "payment_date"], [ids, [1], ["2023-11-01"]])
    (tmp_path / out).write_text("kept\n")  # a file there before is not removed for nothing written
    r = yibao("eval", CQ2024, "--cases", roll, "--output", tmp_path / out)
    assert r.returncode == 2, r.stderr
    assert b"'id'" in r.stderr and no_traceback(r.stderr) and len(r.stderr.splitlines()) == 1
    assert (tmp_path / out).read_text() == "kept\n"


# ---- issue 24, item 11: CSV results cannot carry a formula into a spreadsheet -------------------------
def test_csv_results_neutralise_a_formula_in_a_text_cell(tmp_path):
    import csv
    roll = tmp_path / "roll.csv"
    ids = ["=cmd|' /C calc'!A0", "@SUM(A1)", "+A1", "-A1", "\tx", "-5", "+1.50", "plain"]
    with roll.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "tier", "payment_date"])
        w.writerows([i, 1, "2023-11-01"] for i in ids)
    out = tmp_path / "out.csv"
    r = yibao("eval", CQ2024, "--cases", roll, "--output", out)
    assert r.returncode == 0, r.stderr
    with out.open(encoding="utf-8", newline="") as f:
        got = [row["id"] for row in csv.DictReader(f)]
    assert got == ["'=cmd|' /C calc'!A0", "'@SUM(A1)", "'+A1", "'-A1", "'\tx", "-5", "+1.50", "plain"]


@pytest.mark.parametrize("out", ["out.jsonl", "out.csv", "out.parquet"])
def test_a_roll_of_no_rows_gives_results_of_no_rows_not_no_file(tmp_path, out):
    """Found by the CSV roll fuzzer: a header alone wrote nothing at all, exit 0."""
    roll = tmp_path / "roll.csv"
    roll.write_text("id,tier,payment_date\n", encoding="utf-8")
    r = yibao("eval", CQ2024, "--cases", roll, "--output", tmp_path / out)
    assert r.returncode == 0, r.stderr
    path = tmp_path / out
    assert path.exists()
    if out.endswith(".parquet"):
        assert pq.read_table(path).num_rows == 0 and "contribution" in pq.read_table(path).column_names
    elif out.endswith(".csv"):
        assert path.read_text(encoding="utf-8").splitlines()[0].startswith('"payment_window"')
    else:
        assert path.read_bytes() == b""
