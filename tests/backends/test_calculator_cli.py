"""The written calculator as a developer meets it: run with `python -I` (nothing installed), as a
program and as a module (issue 12)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import evaluator, program
from yibao.backends.python.generate import generate

NOTICE = "九龙坡医保发〔2023〕46号"
CASE = {"tier": 1, "payment_date": "2023-11-01"}


@pytest.fixture(scope="module")
def calc(tmp_path_factory):
    path = tmp_path_factory.mktemp("calc") / "calc.py"
    path.write_text(generate(program(NOTICE)), encoding="utf-8")
    return path


def run(calc, *args, stdin=b""):
    return subprocess.run([sys.executable, "-I", str(calc), *args], input=stdin, capture_output=True, timeout=120)


def python(calc, code: str) -> str:
    script = f"import sys; sys.path.insert(0, {str(calc.parent)!r}); import calc\n" + code
    r = subprocess.run([sys.executable, "-I", "-c", script], capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout.decode()


def test_help_says_how_to_use_it(calc):
    r = run(calc, "--help")
    out = r.stdout.decode()
    assert r.returncode == 0 and NOTICE in out and "--decision" in out and "examples:" in out and "amount_due" in out


def test_one_output_line_per_input_line_errors_included(calc):
    lines = [json.dumps({"id": "a", **CASE}), '{"tier": 7}', "", "{oops", json.dumps({"id": 2, **CASE})]
    r = run(calc, stdin=("\n".join(lines) + "\n").encode())
    out = r.stdout.decode().split("\n")[:-1]
    assert r.returncode == 2 and len(out) == len(lines)
    assert json.loads(out[0])["id"] == "a" and json.loads(out[0])["amount_due"] == "380.00"
    # the error line `yibao eval` writes: its position as eval writes it, then code, field, message apart
    assert json.loads(out[1]) == {"error": "<stdin>:2: field `tier`: 7 is not one of 1, 2", "exit": 2,
                                  "code": "bad_input", "field": "tier", "message": "7 is not one of 1, 2"}
    assert out[2] == "" and json.loads(out[3])["exit"] == 2 and json.loads(out[4])["id"] == 2
    assert "<stdin>:2: field `tier`" in r.stderr.decode() and "Traceback" not in r.stderr.decode()


def test_the_same_lines_as_yibao_eval(calc):
    lines = [json.dumps({"id": i, "tier": 1 + i % 2, "payment_date": f"2024-0{1 + i % 9}-1{i % 10}",
                         "identities": [["dibao"], [], ["orphan", "needy_student"]][i % 3]}) for i in range(30)]
    data = ("\n".join(lines) + "\n").encode()
    mine = run(calc, stdin=data).stdout
    ours = subprocess.run([sys.executable, "-m", "yibao.cli", "eval", NOTICE, "--cases", "-"], input=data,
                          capture_output=True, timeout=120).stdout
    assert mine == ours and mine.count(b"\n") == 30


def test_a_pretty_printed_document_is_one_case(calc, tmp_path):
    doc = tmp_path / "case.json"
    doc.write_text(json.dumps({"id": "p1", **CASE}, indent=2), encoding="utf-8")
    r = run(calc, str(doc))
    result = json.loads(r.stdout)
    assert r.returncode == 0 and r.stdout.count(b"\n") == 1 and result["id"] == "p1" and result["contribution"] == "380.00"


def test_decision_picks_and_an_undecidable_one_is_an_error_line(calc):
    lines = json.dumps(CASE) + "\n" + json.dumps({"tier": 1, "payment_date": "2024-11-01"}) + "\n"
    r = run(calc, "--decision", "amount_due", stdin=lines.encode())
    out = r.stdout.decode().splitlines()
    assert out[0] == '{"amount_due": "380.00"}'
    assert json.loads(out[1])["exit"] == 3 and "closes payments" in json.loads(out[1])["error"]
    assert r.returncode == 3
    # a name that is no decision of the interface is bad input, with the closest names (interface.md)
    bad = run(calc, "--decision", "amount_du", stdin=lines.encode())
    assert bad.returncode == 2 and "did you mean `amount_due`?" in bad.stderr.decode()


def test_module_surface_and_value_types(calc):
    out = json.loads(python(calc, """
import datetime, decimal, json
case = {"id": 9, "tier": 2, "payment_date": datetime.date(2023, 11, 1), "inpatient_reimbursement": decimal.Decimal("12.5")}
py = calc.evaluate(case)
print(json.dumps({"all": calc.__all__, "doc": calc.__doc__, "types": {k: type(v).__name__ for k, v in py.items()},
                  "json": calc.evaluate_json(case), "one": str(calc.amount_due(case)),
                  "same": py["benefit_start"] == calc.benefit_start(case)}))
"""))
    assert out["all"][:3] == ["DOCUMENT", "evaluate", "evaluate_json"] and "amount_due" in out["all"]
    assert "calendar" not in out["all"] and "Fraction" not in out["all"] and "pct" not in out["all"]
    assert NOTICE in out["doc"] and "evaluate_json" in out["doc"]
    assert out["types"]["amount_due"] == "Decimal" and out["types"]["benefit_start"] == "date"
    assert out["types"]["payment_window"] == "str" and out["types"]["id"] == "int"
    assert out["json"]["id"] == 9 and out["json"]["amount_due"] == "755.00" and out["json"]["cesarean_benefit"] == "600.00"
    assert out["one"] == "755.00" and out["same"] is True


def test_yibao_eval_passes_id_through_for_one_case_too():
    result, error = evaluator(NOTICE).one({"id": "x-1", **CASE})
    assert error is None and list(result)[0] == "id" and result["id"] == "x-1"
    _, error = evaluator(NOTICE).one({"id": True, **CASE})
    assert error is not None and "`id`" in str(error)
