"""The fused line path (generated `_line_case` + `_result_json`, what `yibao eval --cases` and a
compiled calculator stream a roll through) against the general path and the reference interpreter,
on hypothesis cases for every notice: ordinary lines, and lines a fast reader could get wrong
(floats, long numbers, duplicate keys, escapes, unknown fields, wrong types, contradictions, ids).
"""
from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import evaluator, program
from test_properties import NOTICES, UNDECIDED, cases, interpreted
from yibao.runtime import strict_json

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def general(notice: str, text: str) -> str | None:
    """The line as the general path writes it (strict JSON, decode, every decision), or None if bad."""
    module = evaluator(notice).module
    try:
        raw = strict_json.loads(text)
        return json.dumps(module.evaluate_json(raw), ensure_ascii=False)
    except (strict_json.JSONError, module.CaseError):
        return None


@st.composite
def odd_lines(draw, notice: str):
    """A case as a line of JSON, sometimes spelled in a way the fast reader must hand over."""
    raw = draw(cases(notice))
    if draw(st.booleans()):
        raw = {"id": draw(st.one_of(st.integers(-10**10, 10**10), st.text(max_size=8) | st.text("ab-_ 0中", max_size=8))), **raw}
    text = json.dumps(raw, ensure_ascii=draw(st.booleans()), separators=draw(st.sampled_from([(", ", ": "), (",", ":")])))
    kind = draw(st.sampled_from(["plain"] * 4 + ["float", "long", "dup", "escape", "unknown", "type", "nan",
                                                 "money", "space", "array", "contradiction"]))
    key = draw(st.sampled_from(sorted(raw)))
    if kind == "float":
        text = text.replace('"tier": 1', '"tier": 1.0').replace('"lapsed_years": 0', '"lapsed_years": 0.0')
    elif kind == "long":
        text = text[:-1] + ', "lapsed_years": ' + "1" * draw(st.integers(9, 45)) + "}"
    elif kind == "dup":
        text = text[:-1] + f", {json.dumps(key)}: {json.dumps(raw[key])}}}"
    elif kind == "escape":
        text = text.replace("resident", "r\\u0065sident").replace("student", "stud\\ud800ent")
    elif kind == "unknown":
        text = text[:-1] + ', "tierr": 1}'
    elif kind == "type":
        text = text[:-1] + f", {json.dumps(key)}: {draw(st.sampled_from(['null', 'true', '[1]', '{}', '-1', '1e400']))}}}"
    elif kind == "nan":
        text = text[:-1] + ', "inpatient_reimbursement": NaN}'
    elif kind == "money":
        amount = draw(st.sampled_from(["1000", "1000.5", "1000.505", '"12.30"', "1e3", "-1"]))
        text = text[:-1] + ', "inpatient_reimbursement": ' + amount + "}"
    elif kind == "space":
        text = "  " + text + " \t"
    elif kind == "array":
        text = "[" + text + "]"
    elif kind == "contradiction":
        text = text[:-1] + ', "continuous": true, "lapsed_years": 2}'
    return kind, text + "\n"


@pytest.mark.parametrize("notice", NOTICES)
@SETTINGS
@given(data=st.data())
def test_fused_line_is_the_general_line(notice, data):
    kind, text = data.draw(odd_lines(notice))
    module = evaluator(notice).module
    c = module._line_case(text)
    want = general(notice, text)
    if c is None:  # handed to the general path: fine, but never for an ordinary line
        # (an escape or a colon inside a value always goes the general way)
        assert kind != "plain" or want is None or "\\" in text or text.count(":") > len(json.loads(text)), text
        return
    assert want is not None, text  # the fast reader took a line the general path rejects
    assert module._result_json(c) == want, text


@pytest.mark.parametrize("notice", NOTICES)
@SETTINGS
@given(data=st.data())
def test_fused_line_agrees_with_the_interpreter(notice, data):
    raw = data.draw(cases(notice))
    module = evaluator(notice).module
    c = module._line_case(json.dumps(raw, ensure_ascii=False))
    assert c is not None
    got = json.loads(module._result_json(c))
    want = {k: v for k, v in interpreted(notice, raw).items() if v != UNDECIDED}
    assert got == want, raw


def test_stream_writes_one_line_per_input_line_in_order():
    notice = "九龙坡医保发〔2023〕46号"
    ev = evaluator(notice)
    lines = ['{"id": "a1", "tier": 1, "payment_date": "2023-11-01"}', "", '{"tier": 3}', "{oops",
             '{"id": 7, "tier": 2, "payment_date": "2024-03-05", "identities": ["dibao"]}',
             '{"tier": 1, "payment_date": "2023-11-01", "tier": 2}']
    out = io.StringIO()
    status = ev.stream(io.BytesIO("\n".join(lines).encode() + b"\n"), out, None, False, "roll.jsonl")
    got = out.getvalue().split("\n")[:-1]
    assert len(got) == len(lines) and status == 2
    first = json.loads(got[0])
    assert list(first)[0] == "id" and first["id"] == "a1" and first["amount_due"] == "380.00"
    assert got[1] == ""
    assert json.loads(got[2])["error"].startswith("roll.jsonl:3: field `tier`")
    assert json.loads(got[3])["error"].startswith("roll.jsonl:4: malformed JSON")
    assert json.loads(got[4])["id"] == 7
    assert "appears twice" in json.loads(got[5])["error"]
    assert got[4] == json.dumps(ev.module.evaluate_json(json.loads(lines[4])), ensure_ascii=False)


@pytest.fixture(scope="module")
def reversed_modules():
    """Each notice's module generated with its decisions in reverse order, so that a decision the line
    function reaches has often been computed already, as what an earlier one reads."""
    import copy
    import types
    from yibao.backends.python.generate import generate
    out = {}
    for notice in NOTICES:
        prog = copy.copy(program(notice))
        prog.definitions = dict(reversed(list(prog.definitions.items())))
        module = types.ModuleType("reversed_calc")
        exec(compile(generate(prog), "<reversed>", "exec"), module.__dict__)
        out[notice] = module
    return out


@pytest.mark.parametrize("notice", NOTICES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fused_line_in_any_decision_order(notice, data, reversed_modules):
    module = reversed_modules[notice]
    raw = data.draw(cases(notice))
    assert module._result_json(module.decode(raw)) == json.dumps(module.evaluate_json(raw), ensure_ascii=False), raw
