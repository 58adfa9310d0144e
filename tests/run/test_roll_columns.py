"""The roll path's column conversions (rollfacts.py in, rollout.py out) on the shapes a Parquet roll may
have beyond what rolls.write_cases writes: typed columns (int8, date32, float, large strings), nulls in
every kind, null and empty lists, null list items, integers too far apart to look up by offset, lists
where no list belongs, rolls of many row groups. Each roll's results must be what the row path gives
for the same cases, read as yibao.run.roll.files.iter_cases reads them."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

np = pytest.importorskip("numpy")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from test_rolls import PS, as_text, comparable, roll_cases, row_path  # noqa: E402

from yibao.run.roll import files as rolls  # noqa: E402
from yibao.run.roll.batch import RollEvaluator, eval_roll  # noqa: E402
from yibao.run.roll.results import ResultColumns  # noqa: E402
from yibao.runtime.core import money_out  # noqa: E402

NOTICE = "渝医保发〔2023〕24号"  # decides cesarean_benefit from a money fact


def typed_roll(n=400):
    """Columns with the types a roll written by other tools has, and every kind of null."""
    d = dt.date
    rows = range(n)
    ids = [["dibao"], [], None, ["orphan", "城乡孤儿", None], ["nobody"], ["poverty_exited", "dibao_marginal"]]
    money = [None, 1200.5, 0.0, 123456789.12, 88.0, 0.123, 7.25]
    return pa.table({
        "id": pa.array([f"p{i}" for i in rows], pa.large_string()),
        "group": pa.array([[None, "resident", "student", "newborn", "retired"][i % 5] for i in rows], pa.large_string()),
        "tier": pa.array([[1, 2, None, 3][i % 4] for i in rows], pa.int8()),
        "payment_date": pa.array([None if i % 23 == 0 else d(2023, 10, 1) + dt.timedelta(days=(i * 7) % 300)
                                  for i in rows], pa.date32()),
        "birth_date": pa.array([d(2023, 9, 1) + dt.timedelta(days=i % 60) if i % 5 == 3 else None for i in rows],
                               pa.date32()),
        "identities": pa.array([ids[i % len(ids)] for i in rows], pa.list_(pa.string())),
        "continuous": pa.array([[True, False, None][i % 3] for i in rows], pa.bool_()),
        "lapsed_years": pa.array([[None, 0, 2, 10 ** 12, -1][i % 5] for i in rows], pa.int64()),
        "inpatient_reimbursement": pa.array([money[i % len(money)] for i in rows], pa.float64()),
    })


def check_equal(program, roll, out, batch_rows=128):
    cases = list(rolls.iter_cases(str(roll)))
    _, want = row_path(program, cases)
    eval_roll(program, str(roll), str(out), batch_rows=batch_rows)
    got = [{k: v for k, v in as_text(r).items() if v is not None} for r in pq.read_table(out).to_pylist()]
    assert len(got) == len(want) == len(cases)
    mismatches = [(i, a, b) for i, (a, b) in enumerate(zip(comparable(want), comparable(got))) if a != b]
    assert not mismatches, f"{len(mismatches)} rows differ, e.g. {mismatches[:3]}"
    return got


def test_typed_columns_give_the_row_paths_results(tmp_path):
    program = PS.load(NOTICE)
    roll = tmp_path / "typed.parquet"
    pq.write_table(typed_roll(), roll)
    got = check_equal(program, roll, tmp_path / "out.parquet")
    assert [r["id"] for r in got[:3]] == ["p0", "p1", "p2"]
    assert sum("error" in r for r in got) > 50 and sum("contribution" in r for r in got) > 20
    assert any(r.get("cesarean_benefit") == "123456789.12" for r in got)  # far apart: hashed, not offset


@pytest.mark.parametrize("rows_a_group", [50, 1000])
def test_many_row_groups(rows_a_group, tmp_path, monkeypatch):
    """Batches that cross row groups, and batches kept within one (a list's items read as dictionaries)."""
    monkeypatch.setattr(rolls, "_ROW_GROUP_ROWS", 100)
    program = PS.load(NOTICE)
    cases = roll_cases(program, n=1500)
    rolls.write_cases(str(tmp_path / "one.parquet"), cases)
    pq.write_table(pq.read_table(tmp_path / "one.parquet"), tmp_path / "roll.parquet", row_group_size=rows_a_group)
    assert pq.ParquetFile(tmp_path / "roll.parquet").metadata.num_row_groups > 1
    check_equal(program, tmp_path / "roll.parquet", tmp_path / "out.parquet", batch_rows=700)


def test_a_list_where_no_list_belongs(tmp_path):
    """A list in a field that is not a set, and lists of lists, are bad rows (the row path's message)."""
    program = PS.load(NOTICE)
    roll = tmp_path / "lists.parquet"
    pq.write_table(pa.table({
        "tier": pa.array([[1], None, [2]], pa.list_(pa.int64())),
        "identities": pa.array([None, [["dibao"]], [["dibao"], []]], pa.list_(pa.list_(pa.string()))),
        "payment_date": pa.array(["2023-11-01"] * 3)}), roll)
    got = check_equal(program, roll, tmp_path / "out.parquet")
    assert all("error" in r for r in got)
    assert "tier" in got[0]["error"] and "identities" in got[1]["error"]


def test_results_columns_by_offset_dense_and_hashed():
    """Money and dates out: narrow ranges, wide ranges, one value, nothing decided: the interface's text."""
    out = ResultColumns(RollEvaluator(PS.load(NOTICE)).mod, {"m": ("money", None), "d": ("date", None)})
    for fen in ([5, 7, 5, 0, 99999], [1, 10 ** 15, 42], [3, 3, 3], [0, 1 << 40, 5, 7]):
        fen = np.array(fen, np.int64)
        for valid in (np.ones(len(fen), bool), np.arange(len(fen)) % 2 == 0, np.zeros(len(fen), bool)):
            col = out.column("m", fen, valid)
            assert col.to_pylist() == [money_out(int(v)) if ok else None for v, ok in zip(fen, valid)]
    assert out.column("m", np.zeros(0, np.int64), np.zeros(0, bool)).to_pylist() == []  # Dask's empty meta
    days = np.array(["2024-01-01", "2031-05-06", "2024-01-01"], "datetime64[D]")
    col = out.column("d", days, np.array([True, True, False]))
    assert col.to_pylist() == ["2024-01-01", "2031-05-06", None]


def test_csv_and_jsonl_out_of_a_typed_roll(tmp_path):
    """The same typed roll to JSONL: each line the row path's, its id as given."""
    program = PS.load(NOTICE)
    roll = tmp_path / "typed.parquet"
    pq.write_table(typed_roll(60), roll)
    eval_roll(program, str(roll), str(tmp_path / "out.jsonl"), batch_rows=16)
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    _, want = row_path(program, list(rolls.iter_cases(str(roll))))
    assert [r["id"] for r in lines] == [f"p{i}" for i in range(60)]
    strip = (lambda r: {k: (re.sub(r"^.*?: row [0-9]+: ", "", v) if k == "error" else v)  # noqa: E731
                        for k, v in r.items() if k != "id"})
    assert [strip(r) for r in lines] == [{k: (re.sub(r"^.*?:[0-9]+: ", "", v) if k == "error" else v)
                                          for k, v in r.items() if k not in ("id",)} for r in want]


@pytest.mark.parametrize("column", [
    pa.array([19662, 3_000_000, None], pa.date32()),  # 2023-11-01, a day past the year 9999
    pa.array([19662, -800_000, None], pa.date32()),  # a day before the year 1
    pa.array([1_698_796_800_000, 10**17, None], pa.timestamp("ms")),
])
def test_dates_python_cannot_hold_are_bad_rows(tmp_path, capsys, column):
    """A date or timestamp outside the years 1–9999 is that row's bad field (exit 2), not an internal
    error; the other rows are answered."""
    from yibao.cli import main
    roll, out = tmp_path / "dates.parquet", tmp_path / "out.jsonl"
    pq.write_table(pa.table({"group": ["resident"] * 3, "tier": [1, 1, 1], "payment_date": column,
                             "identities": pa.array([[], [], None], pa.list_(pa.string()))}), roll)
    assert main(["eval", "九龙坡医保发〔2023〕46号", "--cases", str(roll), "--output", str(out)]) == 2
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert "error" not in rows[0] and rows[0]["benefit_start"] == "2024-01-01"
    assert rows[1]["exit"] == 2 and "payment_date" in rows[1]["error"] and "outside the years 1–9999" in rows[1]["error"]
    assert "error" not in rows[2] and "contribution" not in rows[2]  # not given: as when a case leaves it out
    assert "internal error" not in capsys.readouterr().err


def test_a_list_of_dates_python_cannot_hold(tmp_path, capsys):
    """A list column with a date outside the years 1–9999: its rows are bad, not an internal error."""
    from yibao.cli import main
    roll, out = tmp_path / "dates.parquet", tmp_path / "out.jsonl"
    pq.write_table(pa.table({"tier": [1, 1], "group": ["resident"] * 2, "payment_date": ["2023-11-01"] * 2,
                             "identities": pa.array([[19662], [3_000_000]], pa.list_(pa.date32()))}), roll)
    batch = next(rolls.read_roll(str(roll))).batch
    assert batch.column(3).to_pylist() == [["2023-11-01"], ["a date32[day] outside the years 1–9999"]]
    assert main(["eval", "九龙坡医保发〔2023〕46号", "--cases", str(roll), "--output", str(out)]) == 2
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert all("identities" in r["error"] for r in rows)
    assert "internal error" not in capsys.readouterr().err
