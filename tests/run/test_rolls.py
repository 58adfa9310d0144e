"""Rolls through the columnar path (`yibao eval --cases ROLL --output RESULTS`) give what the row path
(`yibao eval --cases F.jsonl`) gives, case for case: every notice, generated cases (bench/cases.py, moved
into the notice's coverage year), some facts left out, bad rows and undecidable answers among them, in
every roll format and every results format, with batches small enough to cross their boundaries."""
from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest

np = pytest.importorskip("numpy")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import cases as gen  # noqa: E402

from yibao.run.roll import files as rolls  # noqa: E402
from yibao.run.roll.batch import eval_roll  # noqa: E402
from yibao.cli import main  # noqa: E402
from yibao.run.evaluate import Evaluator  # noqa: E402
from yibao.policies.directory import PolicySet  # noqa: E402

PS = PolicySet(ROOT / "policies")
NOTICES = sorted(PS.notices)
# bad rows a typed Parquet column can still hold, each the row path rejects with exit 2
BAD = [
    {"tier": 3, "payment_date": "2023-11-01"},
    {"tier": 1, "identities": ["nobody"], "payment_date": "2023-11-01"},
    {"tier": 1, "payment_date": "2023-02-30"},
    {"tier": 1, "payment_date": "2023-11-01", "continuous": True, "lapsed_years": 2},
    {"tier": 1, "payment_date": "2023-11-01", "lapsed_years": -1},
    {"tier": 1, "payment_date": "2023-11-01", "continuous_years": 0},
]


def _shift(day: str, years: int) -> str:
    y, rest = int(day[:4]) + years, day[4:]
    return f"{y}{'-02-28' if rest == '-02-29' else rest}"


def roll_cases(program, n=700, seed=5):
    """Generated cases in the notice's coverage year, facts left out here and there, bad rows mixed in."""
    years = program.coverage - 2024 if isinstance(program.coverage, int) else 0
    cases = []
    for i, case in enumerate(list(gen.generate(n, seed)) + [dict(c) for c in gen.EDGE_CASES]):
        for key in ("payment_date", "birth_date"):
            if key in case:
                case[key] = _shift(case[key], years)
        if i % 37 == 4:
            case.pop("tier", None)
        if i % 41 == 6:
            case.pop("payment_date", None)
        if i % 29 == 3:
            case["inpatient_reimbursement"] = ["1200", "0.50", "88"][i % 3]
        if i % 31 == 2:
            case["lapsed_years"], case["continuous"] = i % 3, i % 3 == 0
        cases.append(case)
        if i % 97 == 50:
            cases.append(dict(BAD[(i // 97) % len(BAD)]))
    return cases


def row_path(program, cases, wanted=None):
    """What `yibao eval --cases F.jsonl` writes, line by line, parsed."""
    text = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases).encode()
    out = io.StringIO()
    status = Evaluator(program).stream(io.BytesIO(text), out, wanted, False, "roll")
    return status, [json.loads(line) for line in out.getvalue().splitlines()]


def as_text(row):
    """A typed Parquet result row with its money (Decimal) and dates as the JSON results print them."""
    import datetime as dt
    from decimal import Decimal
    return {k: (str(v) if isinstance(v, Decimal) else v.isoformat() if isinstance(v, dt.date) else v)
            for k, v in row.items()}


def results(path):
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    if path.suffix == ".parquet":
        rows = [as_text(r) for r in pq.read_table(path).to_pylist()]
    else:
        rows = list(rolls.iter_cases(str(path)))  # CSV: every cell text, empty = absent
    return [{k: v for k, v in r.items() if v is not None} for r in rows]


def comparable(rows, csv=False):
    """The values, and the errors without where they name the row (a JSONL line, a CSV or Parquet row)."""
    out = []
    for r in rows:
        r = {k: v for k, v in r.items() if k != "id"}
        if "error" in r:
            r = {"error": re.sub(r"^.*?(:[0-9]+|: row [0-9]+): ", "", r["error"]), "exit": int(r["exit"])}
        elif csv:
            r = {k: (v if isinstance(v, str) else str(v).lower() if isinstance(v, bool) else str(v)) for k, v in r.items()}
        out.append(r)
    return out


@pytest.mark.parametrize("notice", NOTICES)
@pytest.mark.parametrize("roll_ext", [".jsonl", ".csv", ".parquet"])
def test_roll_equals_row_path(notice, roll_ext, tmp_path):
    program = PS.load(notice)
    cases = roll_cases(program)
    status, want = row_path(program, cases)
    assert status == 2 and any("error" in r for r in want) and any(len(r) > 3 for r in want)
    roll = tmp_path / f"roll{roll_ext}"
    rolls.write_cases(str(roll), cases)
    for out_ext in (".jsonl", ".parquet", ".csv"):
        out = tmp_path / f"results{out_ext}"
        assert eval_roll(program, str(roll), str(out), batch_rows=256) == 2
        got = results(out)
        assert len(got) == len(want)
        csv = out_ext == ".csv"
        mismatches = [(i, a, b) for i, (a, b) in enumerate(zip(comparable(want, csv), comparable(got, csv))) if a != b]
        assert not mismatches, f"{len(mismatches)} rows differ, e.g. {mismatches[:3]}"


def test_jsonl_results_are_the_row_path_bytes(tmp_path):
    """JSONL in and out: the very lines `yibao eval --cases` prints, error objects included."""
    program = PS.load(NOTICES[0])
    cases = roll_cases(program, n=300)
    text = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases) + "not json\n"
    roll = tmp_path / "roll.jsonl"
    roll.write_text(text, encoding="utf-8")
    out = io.StringIO()
    Evaluator(program).stream(io.BytesIO(text.encode()), out, None, False, str(roll))
    assert eval_roll(program, str(roll), str(tmp_path / "r.jsonl"), batch_rows=100) == 2
    assert (tmp_path / "r.jsonl").read_text(encoding="utf-8") == out.getvalue()


def test_decision_that_cannot_be_made_is_exit_3_in_its_row(tmp_path):
    program = PS.load("九龙坡医保发〔2023〕46号")
    cases = [{"tier": 1, "payment_date": "2023-11-01", "id": "a"}, {"tier": 1, "id": "b"},
             {"tier": 1, "payment_date": "2023-11-02", "id": "c"}]
    roll = tmp_path / "roll.parquet"
    rolls.write_cases(str(roll), cases)
    out = tmp_path / "out.parquet"
    assert eval_roll(program, str(roll), str(out), wanted=["benefit_start"]) == 3
    rows = pq.read_table(out).to_pylist()
    assert [r["id"] for r in rows] == ["a", "b", "c"]
    assert list(rows[0]) == ["id", "benefit_start", "error", "exit"]
    assert rows[0]["benefit_start"] and rows[2]["benefit_start"] and rows[1]["exit"] == 3
    assert "payment_date" in rows[1]["error"] and "row 2" in rows[1]["error"]


def test_cli_output_parquet_passes_id_through(tmp_path, capsys):
    roll, out = tmp_path / "roll.csv", tmp_path / "out.parquet"
    roll.write_text("id,tier,identities,payment_date\n0012,2,dibao;orphan,2023-11-01\n7,1,,2023-12-01\n", encoding="utf-8")
    code = main(["--policies", str(ROOT / "policies"), "eval", "九龙坡医保发〔2023〕46号", "--cases", str(roll), "--output", str(out)])
    assert code == 0, capsys.readouterr().err
    rows = pq.read_table(out).to_pylist()
    assert [r["id"] for r in rows] == ["0012", "7"]
    one = Evaluator(PS.load("九龙坡医保发〔2023〕46号")).one({"tier": 2, "identities": ["dibao", "orphan"], "payment_date": "2023-11-01"})[0]
    assert {k: v for k, v in as_text(rows[0]).items() if v is not None and k != "id"} == one


def test_cli_rejects_unknown_extension_and_explain(tmp_path, capsys):
    roll = tmp_path / "roll.jsonl"
    roll.write_text('{"tier": 1}\n', encoding="utf-8")
    args = ["--policies", str(ROOT / "policies"), "eval", NOTICES[0], "--cases", str(roll)]
    assert main(args + ["--output", str(tmp_path / "out.xlsx")]) == 2
    assert main(args + ["--output", str(tmp_path / "out.csv"), "--explain"]) == 2
    err = capsys.readouterr().err
    assert ".parquet" in err and "--explain" in err and "Traceback" not in err


@pytest.mark.parametrize("ext", [".jsonl", ".csv", ".parquet"])
def test_iter_cases_gives_back_the_cases(ext, tmp_path):
    cases = [{"id": "x1", "tier": 1, "identities": ["dibao", "低保对象"], "payment_date": "2023-11-01", "continuous": False},
             {"tier": 2, "identities": [], "payment_date": "2024-01-05", "inpatient_reimbursement": "1200.50"},
             {"group": "newborn", "tier": 2, "birth_date": "2024-02-01"}]
    path = tmp_path / f"roll{ext}"
    rolls.write_cases(str(path), cases)
    got = list(rolls.iter_cases(str(path)))
    if ext == ".csv":  # no empty list in a CSV cell: an empty cell is an absent field
        cases[1] = {k: v for k, v in cases[1].items() if k != "identities"}
    assert got == cases


@pytest.mark.parametrize("roll_ext", [".csv", ".parquet"])
def test_a_roll_without_output_is_read_by_its_extension_and_answered_as_jsonl(roll_ext, tmp_path, capsys):
    """interface.md: a roll is read by its extension with or without --output; without it the results
    go to standard output as JSONL, the same lines --output results.jsonl writes (it used to read the
    CSV or Parquet file as JSONL: every line 'malformed JSON')."""
    program = PS.load("九龙坡医保发〔2023〕46号")
    cases = roll_cases(program, n=60)
    roll = tmp_path / f"roll{roll_ext}"
    rolls.write_cases(str(roll), cases)
    code = main(["--policies", str(ROOT / "policies"), "eval", "九龙坡医保发〔2023〕46号", "--cases", str(roll)])
    printed = capsys.readouterr().out
    assert main(["--policies", str(ROOT / "policies"), "eval", "九龙坡医保发〔2023〕46号", "--cases", str(roll),
                 "--output", str(tmp_path / "out.jsonl")]) == code == 2  # the roll mixes in bad rows
    capsys.readouterr()
    assert printed == (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert len(printed.splitlines()) == len(cases) and "malformed JSON" not in printed
