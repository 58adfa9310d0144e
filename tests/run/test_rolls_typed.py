"""Typed Parquet results (interface.md): money decimal128(18, 2), dates date32, enumeration codes text,
an undecidable decision null; the same schema whether the columnar kernel or the row path decided a
column; the values those `yibao eval --case` prints for each case."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

np = pytest.importorskip("numpy")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from test_rolls import PS, roll_cases  # noqa: E402

from yibao.base.exits import Fail  # noqa: E402
from yibao.cli import main  # noqa: E402
from yibao.policies import warm_columnar  # noqa: E402
from yibao.run.roll import files as rolls  # noqa: E402
from yibao.run.roll.batch import RollEvaluator, evaluate_file  # noqa: E402
from yibao.run.roll.results import ResultColumns  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
NOTICE = "九龙坡医保发〔2023〕46号"
MONEY, DATE = pa.decimal128(18, 2), pa.date32()


def _typed(kind, text):
    return Decimal(text) if kind == "money" else dt.date.fromisoformat(text) if kind == "date" else text


def _one_case(case, capsys, tmp_path):
    """`yibao eval NOTICE --case FILE`: (its result, or None where it exits non-zero)."""
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    code = main(["--policies", str(ROOT / "policies"), "eval", NOTICE, "--case", str(path)])
    out = capsys.readouterr().out
    return json.loads(out) if code == 0 else None


def test_parquet_results_are_typed_and_equal_eval_case(tmp_path, capsys):
    program = PS.load(NOTICE)
    kinds = {name: kind for name, (_, kind) in RollEvaluator(program).ev.decisions.items()}
    cases = [c for c in roll_cases(program, n=40) if "error" not in c][:45]
    for i, case in enumerate(cases):
        case["id"] = f"p{i}"
    roll, out = tmp_path / "roll.parquet", tmp_path / "out.parquet"
    rolls.write_cases(str(roll), cases)
    main(["--policies", str(ROOT / "policies"), "eval", NOTICE, "--cases", str(roll), "--output", str(out)])
    capsys.readouterr()
    table = pq.read_table(out)
    types = {f.name: f.type for f in table.schema}
    assert all(types[name] == MONEY for name, kind in kinds.items() if kind == "money")
    assert all(types[name] == DATE for name, kind in kinds.items() if kind == "date")
    assert types["payment_window"] == pa.dictionary(pa.int32(), pa.string())  # codes stay text
    assert types["id"] == pa.string() and types["exit"] == pa.int8()
    rows = table.to_pylist()
    compared = decided = 0
    for case, row in zip(cases, rows):
        assert row["id"] == case["id"]
        one = _one_case({k: v for k, v in case.items() if k != "id"}, capsys, tmp_path)
        if one is None:  # bad input: the row says so, its decisions null
            assert row["error"] and all(row[name] is None for name in kinds)
            continue
        want = {name: (_typed(kinds[name], one[name]) if name in one else None) for name in kinds}
        assert {name: row[name] for name in kinds} == want
        compared += 1
        decided += sum(v is not None for v in want.values())
    assert compared >= 30 and decided >= 200
    money = [row["contribution"] for row in rows if row["contribution"] is not None]
    assert money and all(isinstance(v, Decimal) and v.as_tuple().exponent == -2 for v in money)
    assert all(isinstance(row["benefit_start"], dt.date) for row in rows if row["benefit_start"] is not None)


def test_typed_columns_by_kernel_from_integers():
    out = ResultColumns(RollEvaluator(PS.load(NOTICE)).mod, {"m": ("money", None), "d": ("date", None)}, typed=True)
    for fen in ([34200, -5, 0, 99999], [1, 10 ** 15, -(10 ** 17)], [7, 7, 7]):
        fen = np.array(fen, np.int64)
        for valid in (np.ones(len(fen), bool), np.arange(len(fen)) % 2 == 0, np.zeros(len(fen), bool)):
            col = out.column("m", fen, valid)
            assert col.type == MONEY
            assert col.to_pylist() == [Decimal(int(v)).scaleb(-2) if ok else None for v, ok in zip(fen, valid)]
    assert out.column("m", np.array([34200], np.int64), np.ones(1, bool)).to_pylist() == [Decimal("342.00")]
    days = np.array(["2024-01-01", "0001-01-01", "9999-12-31"], "datetime64[D]")
    col = out.column("d", days, np.array([True, True, False]))
    assert col.type == DATE and col.to_pylist() == [dt.date(2024, 1, 1), dt.date(1, 1, 1), None]
    with pytest.raises(Fail, match=r"decimal128\(18, 2\)"):  # past 16 digits of yuan: said, never wrapped
        out.column("m", np.array([10 ** 18], np.int64), np.ones(1, bool))


def test_row_path_columns_have_the_kernels_types(tmp_path, monkeypatch):
    """A decision the columnar module cannot make is answered by the row path, in the same types."""
    program = PS.load(NOTICE)
    cases = roll_cases(program, n=120)
    roll = tmp_path / "roll.parquet"
    rolls.write_cases(str(roll), cases)
    kernel = RollEvaluator(program, typed=True)
    evaluate_file(kernel, str(roll), str(tmp_path / "kernel.parquet"), batch_rows=50)
    mod = warm_columnar.load(program)  # a module of its own: changing it changes no other test's
    mod.DECISIONS = {k: v for k, v in mod.DECISIONS.items()
                     if k not in ("contribution", "benefit_start", "payment_window")}
    monkeypatch.setattr(warm_columnar, "load", lambda _: mod)
    mixed = RollEvaluator(program, typed=True)
    assert {"contribution", "benefit_start", "payment_window"} <= set(mixed.row_path_only)
    evaluate_file(mixed, str(roll), str(tmp_path / "mixed.parquet"), batch_rows=50)
    a, b = pq.read_table(tmp_path / "kernel.parquet"), pq.read_table(tmp_path / "mixed.parquet")
    assert a.schema == b.schema
    assert a.column("contribution").type == MONEY and a.column("benefit_start").type == DATE
    assert a.drop_columns(["error"]).to_pylist() == b.drop_columns(["error"]).to_pylist()
    assert sum(v is not None for v in b.column("contribution").to_pylist()) > 50
