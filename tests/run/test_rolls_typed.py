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
from yibao.run.roll.batch import RollEvaluator, eval_roll, evaluate_file  # noqa: E402
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


@pytest.mark.parametrize("money_type", [pa.decimal128(18, 2), pa.decimal128(10, 3), pa.decimal128(18, 3), pa.decimal128(38, 0),
                                        pa.decimal128(38, 6)])
def test_decimal_money_and_date32_columns_are_read_as_the_row_path_reads_them(money_type, tmp_path):
    """A roll's decimal money and date32 days are taken as they lie (no value decoded one by one): what
    the row path refuses (negative, 10^15 yuan or more, finer than the fen) is refused in its row."""
    program = PS.load("渝医保发〔2023〕24号")  # decides cesarean_benefit from inpatient_reimbursement
    amounts = [Decimal("1200.50"), Decimal("0"), None, Decimal("-3"), Decimal("88.1"), Decimal("1.234"),
               Decimal("1.230"), Decimal("999999999999999.99"), Decimal("1000000000000000"), Decimal("7")]
    scale = money_type.scale
    fits = [a for a in amounts if a is None or (len(a.as_tuple().digits) + a.as_tuple().exponent + scale
                                                <= money_type.precision and -a.as_tuple().exponent <= scale)]
    if money_type.precision == 38:
        fits.append(Decimal(10) ** 25)
    n = len(fits) * 3
    d = dt.date
    table = pa.table({
        "tier": pa.array([1 + i % 2 for i in range(n)], pa.int8()),
        "group": pa.array(["newborn" if i % 2 else "resident" for i in range(n)]),
        "payment_date": pa.array([None if i % 7 == 5 else d(2023, 10, 1) + dt.timedelta(days=i * 11) for i in range(n)],
                                 pa.date32()),
        "birth_date": pa.array([d(2023, 9, 1) + dt.timedelta(days=i) if i % 3 else None for i in range(n)], pa.date32()),
        "inpatient_reimbursement": pa.array([fits[i % len(fits)] for i in range(n)], money_type),
    })
    roll, out = tmp_path / "money.parquet", tmp_path / "out.jsonl"
    pq.write_table(table, roll)
    ev = RollEvaluator(program).ev
    want = []  # the row path on each row's Python values (a Decimal as pyarrow gives it)
    for i, case in enumerate(rolls.iter_cases(str(roll))):
        result, error = ev.one(case, where=f"{roll}: row {i + 1}")
        want.append(result if error is None else {"error": str(error), "exit": error.code})
    eval_roll(program, str(roll), str(out), batch_rows=7)
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    mismatches = [(i, {k: (a.get(k), b.get(k)) for k in {**a, **b} if a.get(k) != b.get(k)})
                  for i, (a, b) in enumerate(zip(want, got)) if a != b]
    assert len(got) == len(want) and not mismatches, mismatches[:2]
    assert any("inpatient_reimbursement" in r.get("error", "") for r in got)
    assert any("cesarean_benefit" in r for r in got)
