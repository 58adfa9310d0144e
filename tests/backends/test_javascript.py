"""The JavaScript backend against the Python backend, under node.

For each notice, 1,000 hypothesis-generated cases (test_properties' cases, a share of them made bad:
wrong types, unknown codes and fields, labels for codes, money as JSON numbers, whole numbers as 2.0,
days that do not exist, contradictory facts) and a few lines that are not JSON run through one node
process (tests/js/driver.mjs); every decision must come out the same as the generated Python module
gives it: the value in the interface's JSON form, or the same undecidable message, or a bad case
naming the same field. node is required: without it these tests fail, never skip.
"""
from __future__ import annotations

import json
from functools import lru_cache
import subprocess

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import ROOT, program
from helpers import node
from test_properties import NOTICES, cases
from yibao.runtime import strict_json
from yibao.ir.interpret import Interpreter
from yibao.backends.javascript.generate import generate
from yibao.run.evaluate import load_generated
from yibao.runtime.core import Undecidable

DRIVER = ROOT / "tests" / "js" / "driver.mjs"
PER_NOTICE = 1000
NOT_JSON = ['{"tier": 1, "tier": 2}', '{"tier": NaN}', "[" * 40 + "]" * 40, '{"group": "\\ud800"}',
            '{"tier": 1', '\ufeff{"tier": 1}', '{"tier": 1} x', '{"inpatient_reimbursement": 1e99999}']



@st.composite
def spoiled(draw, notice: str):
    """A case from test_properties, often with one field made wrong or written another way."""
    case = draw(cases(notice))
    how = draw(st.integers(0, 14))
    ids = program(notice).enums["资助身份"]
    if how == 1:
        case[draw(st.sampled_from(sorted(case)))] = draw(st.sampled_from([None, True, "x", 3.5, [], {}, -1, "2023-02-30"]))
    elif how == 2:
        case["identities"] = case["identities"] + [draw(st.sampled_from(["nobody", 7, 1.0, "低保"]))]
    elif how == 3:  # the Chinese names and labels a case may use for codes
        case["identities"] = [draw(st.sampled_from([m] + list(labels))) for m, code, labels in ids.members
                              if code in case["identities"]]
        case["tier"] = draw(st.sampled_from(["一档", "二档", "1 档", 2.0]))
    elif how == 4:
        case["inpatient_reimbursement"] = draw(st.sampled_from(
            [12.5, 0, 1e14, 999999999999999.99, 1e15, "1.005", 3.999, 1.10, "-1", 1e-300, 86170907570494.24]))
    elif how == 5:
        case["lapsed_years"] = draw(st.sampled_from([2.0, 2.5, -3, 10 ** 9, 10 ** 9 + 1, "2"]))
    elif how == 6:
        case["continuous"], case["lapsed_years"] = True, draw(st.integers(1, 3))
    elif how == 7:
        case["continuous_years"] = draw(st.sampled_from([0, 5, 2 ** 60]))
    elif how == 8:
        case["benefit"] = 1
    elif how == 9:
        case["payment_date"] = draw(st.sampled_from(["0001-01-01", "9999-12-31", "2024-2-1", "2023-12-31T00:00", "0000-01-01"]))
    elif how == 10:
        del case["tier"]
    return case


def _lines(notice: str) -> list[str]:
    """PER_NOTICE generated cases as JSON lines (derandomized: the same cases every run)."""
    batch: list[str] = []

    @settings(max_examples=PER_NOTICE, deadline=None, database=None, derandomize=True,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(spoiled(notice))
    def collect(case):
        batch.append(json.dumps(case, ensure_ascii=False))

    collect()
    return batch


@lru_cache(maxsize=None)
def python_module(notice: str):
    return load_generated(program(notice))


def python_side(notice: str, line: str) -> dict:
    """What the generated Python module says, in the driver's shape."""
    module = python_module(notice)
    try:
        raw = strict_json.loads(line)
    except strict_json.JSONError:
        return {"json_error": True}
    try:
        module.decode(raw)
    except module.CaseError as exc:
        return {"case_error": exc.field}
    out = {}
    for name in module.DECISIONS:
        try:
            out[name] = {"value": module.evaluate_json(raw, [name])[name]}
        except module.Undecidable as exc:
            out[name] = {"undecidable": exc.message}
    return {"decisions": out}


def interpreted_reason(notice: str, line: str, name: str) -> str:
    """The reference interpreter's reason (its best tables read rows in order, as the JS does; the
    Python module's folded lookup reads a set of identities in hash order)."""
    module = python_module(notice)
    try:
        Interpreter(program(notice)).decide(name, module.decode(strict_json.loads(line)))
    except Undecidable as exc:
        return exc.message
    return "(decided)"


def run_node(source: str, lines: list[str], tmp_path, script=DRIVER) -> list[dict]:
    calc = tmp_path / "calc.mjs"
    calc.write_text(source, encoding="utf-8")
    args = [node(), str(script), str(calc)] if script else [node(), str(calc)]
    done = subprocess.run(args, input="\n".join(lines) + "\n", capture_output=True, text=True,
                          encoding="utf-8", timeout=600)
    assert done.returncode == 0 or not script, done.stderr
    return [json.loads(x) for x in done.stdout.splitlines() if x], done


@pytest.mark.parametrize("notice", NOTICES)
def test_javascript_agrees_with_python_on_generated_cases(notice, tmp_path):
    lines = _lines(notice) + NOT_JSON
    assert len(lines) >= PER_NOTICE
    got, _ = run_node(generate(program(notice)), lines, tmp_path)
    assert len(got) == len(lines)
    kinds = {"json_error": 0, "case_error": 0, "value": 0, "undecidable": 0}
    for line, js in zip(lines, got):
        py = python_side(notice, line)
        if "decisions" in py and "decisions" in js:
            for name, want in py["decisions"].items():
                have = js["decisions"][name]
                kinds[next(iter(want))] += 1
                if want != have and "undecidable" in want and "undecidable" in have:
                    want = {"undecidable": interpreted_reason(notice, line, name)}
                assert have == want, (line, name)
        else:
            kinds[next(iter(py))] += 1
            assert js == py, line
    # the batch reached every kind of answer, so each comparison above was exercised
    assert all(kinds.values()), kinds


def test_node_main_reads_jsonl_and_names_bad_lines(tmp_path):
    notice = "九龙坡医保发〔2023〕46号"
    lines = ['{"tier": 1, "identities": ["城乡低保对象"], "payment_date": "2023-10-20"}', "",
             '{"tier": 3}', '{"group": "student", "tier": 2, "payment_date": "2023-11-01", "inpatient_reimbursement": 900}']
    got, done = run_node(generate(program(notice)), lines, tmp_path, script=None)
    assert done.returncode == 2
    assert done.stdout.split("\n")[1] == ""  # a blank line answers a blank line
    module = python_module(notice)
    assert got[0] == module.evaluate_json(json.loads(lines[0]))
    assert got[0]["assistance"] == "342.00" and got[0]["amount_due"] == "38.00"
    assert got[1] == {"error": "<stdin>:3: field `tier`: 3 is not one of 1, 2", "exit": 2,
                      "code": "bad_input", "field": "tier", "message": "3 is not one of 1, 2"}
    assert got[2] == module.evaluate_json(json.loads(lines[3]))
    assert "<stdin>:3: field `tier`" in done.stderr


def test_policy_text_cannot_break_out_of_the_module():
    from yibao.backends.javascript.generate import comment as _comment, _js_str
    hostile = "</script><script>alert(1)</script>\u2028\"'\\\ud800"
    literal = _js_str(hostile)
    assert "<" not in literal and "\u2028" not in literal and "\ud800" not in literal
    assert json.loads(literal.replace("\\ud800", "")) == hostile.replace("\ud800", "")
    assert "<" not in _comment(hostile) and "\n" not in _comment("a\nb\u2028c")


def test_compile_targets_write_each_calculator(tmp_path, capsys):
    from yibao.cli import main
    notice = "渝医保发〔2023〕24号"
    base = ["--policies", str(ROOT / "policies"), "compile", notice]
    for target, name in (("js", "calc.mjs"), ("web", "calc.html"), ("python", "calc.py")):
        assert main(base + ["--target", target, "-o", str(tmp_path / name)]) == 0
    assert (tmp_path / "calc.mjs").read_text(encoding="utf-8") == generate(program(notice))
    assert (tmp_path / "calc.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    assert "def evaluate(case" in (tmp_path / "calc.py").read_text(encoding="utf-8")


def test_a_notice_the_backend_cannot_carry_fails_to_compile_saying_why(tmp_path, capsys):
    """A rate read from the case and compared (the JavaScript module carries rates only inside `of`)."""
    from helpers import HEADER, scratch
    from yibao.cli import main
    body = ('fact 比例 : rate "资助比例（测试）"\n'
            'decision 高比例 : bool = 比例 > 50% §一 "低保对象按照个人缴费标准的 90%给予资助（342 元）" derived "a test"\n')
    d = scratch(tmp_path, HEADER + body)
    assert main(["--policies", str(d), "compile", str(d / "t.policy"), "--target", "js"]) == 1
    err = capsys.readouterr().err
    assert "on a rate" in err and "Traceback" not in err