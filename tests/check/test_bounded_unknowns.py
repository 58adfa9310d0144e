"""Issue 10 · bounded unknowns: "每次提高限额不低于1000元，累计提高总额不超过原封顶线的20%" decides the
increase for a person with no qualifying years and leaves it undecidable, naming the unknown, for one
with five; in the interpreter and in the generated code."""
from __future__ import annotations

import pytest

from helpers import HEADER, codes, scratch
from yibao.run.evaluate import Evaluator
from yibao.language.from_tree import parse_text
from yibao.ir.interpret import Interpreter
from yibao.policies.directory import PolicySet
from yibao.language.printer import print_module
from yibao.runtime.core import Undecidable

TEXT = "一、连续参保满4年后，每连续参保1年，提高大病保险最高支付限额，每次提高限额不低于1000元，累计提高总额不超过原封顶线的20%。"
DRAFT = """
let 每次提高额 = unknown at least 1000 元 "每次提高限额（不低于1000元）" §一 "每次提高限额不低于1000元"
let 原封顶线 = unknown at least 0 元 "原封顶线" §一 "累计提高总额不超过原封顶线的20%"
let 提高次数 : count = max(continuous_years - 4, 0) §一 "连续参保满4年后，每连续参保1年"
decision critical_illness_limit_increase : money = min(每次提高额 * 提高次数, 20% of 原封顶线)
  §一 "累计提高总额不超过原封顶线的20%"
decision 提高至少一千 : bool = 每次提高额 * 提高次数 >= 1000 元 §一 "每次提高限额不低于1000元"
"""


def program(tmp_path, body=DRAFT):
    tmp_path = tmp_path / str(len(list(tmp_path.iterdir())))  # a fresh directory per call
    d = scratch(tmp_path, HEADER + body, text=TEXT)
    return PolicySet(d).check(str(d / "t.policy"))


def decide(tmp_path, name, case):
    """The decision by the interpreter and by the generated code: value, or the undecidable message."""
    p, diags = program(tmp_path)
    assert p is not None, [d.render() for d in diags]
    ev = Evaluator(p)
    out = []
    for run, undecidable in ((lambda: Interpreter(p).decide(name, dict(case)), Undecidable),
                             (lambda: ev.decide(dict(case), [name])[name], ev.Undecidable)):
        try:
            out.append(run())
        except undecidable as exc:
            out.append(str(exc))
    return out


def test_no_qualifying_years_decides_the_increase(tmp_path):
    assert decide(tmp_path, "critical_illness_limit_increase", {"continuous_years": 4}) == [0, "0.00"]


def test_five_qualifying_years_is_undecidable_naming_the_unknown(tmp_path):
    a, b = decide(tmp_path, "critical_illness_limit_increase", {"continuous_years": 9})
    assert a == b and "每次提高限额（不低于1000元）" in a


def test_a_comparison_the_bounds_decide_is_decided(tmp_path):
    assert decide(tmp_path, "提高至少一千", {"continuous_years": 5}) == [True, True]  # ≥ 1000 for one year
    a, b = decide(tmp_path, "提高至少一千", {"continuous_years": 4})  # 0 ≥ 1000: decided too
    assert (a, b) == (False, False)


def test_notices_without_bounds_keep_the_fast_generated_code():
    from conftest import program as load
    from yibao.backends.python.generate import generate
    src = generate(load("渝医保发〔2025〕42号"))
    assert "_resolved(" not in src.split("# ==== 渝医保发")[1] and "_max(" not in src.split("# ==== 渝医保发")[1]


@pytest.mark.parametrize("bound", ["at least 1000 元", "at most 20%", "between 1 元 and 2 元"])
def test_bounds_round_trip(bound):
    m = parse_text(HEADER + f'let x = unknown {bound} "why" §一 "q"\n')
    assert parse_text(print_module(m)) == m


@pytest.mark.parametrize("bad", ["unknown between 2 元 and 1 元", "unknown at least 2 days"])
def test_bounds_must_fit(tmp_path, bad):
    _, diags = program(tmp_path, f'let x : money = {bad} "why" §一 "每次提高限额不低于1000元"\n')
    assert "E313" in codes(diags)


def test_explain_shows_the_bounds_in_the_values_kind(tmp_path):
    from yibao.run.explain import explanation
    p, _ = program(tmp_path)
    steps = explanation(p, {"continuous_years": 4}, ["critical_illness_limit_increase"])
    uses = steps["critical_illness_limit_increase"][0]["uses"]
    assert uses["每次提高额"] == "unknown (≥ 1000.00): 每次提高限额（不低于1000元）"


def test_the_compiled_module_keeps_bounds_standalone(tmp_path):
    import json
    import subprocess
    import sys
    from yibao.backends.python.generate import generate
    p, _ = program(tmp_path)
    calc = tmp_path / "calc.py"
    calc.write_text(generate(p), encoding="utf-8")
    cases = '{"continuous_years": 4}\n{"continuous_years": 9}\n'
    done = subprocess.run([sys.executable, "-I", str(calc)], input=cases, capture_output=True, text=True,
                          encoding="utf-8")
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first["critical_illness_limit_increase"] == "0.00"
    assert "critical_illness_limit_increase" not in second  # undecidable: left out


@pytest.mark.parametrize("threshold,unreachable", [("500 元", True), ("1500 元", False)])
def test_the_rules_analysis_uses_the_bounds(tmp_path, threshold, unreachable):
    from yibao.analysis.tables import analyze
    body = f'''
let 每次提高额 = unknown at least 1000 元 "每次提高限额（不低于1000元）" §一 "每次提高限额不低于1000元"
decision 档 : int {{
  rule 高 §一 "每次提高限额不低于1000元" when 每次提高额 >= {threshold} then 1
  rule 低 §一 "每次提高限额不低于1000元" otherwise 2
}}
'''
    p, diags = program(tmp_path, body)
    assert p is not None, [d.render() for d in diags]
    never = [d for d in analyze(p) if d.code == "W501" and "`低`" in d.message]
    assert bool(never) == unreachable  # ≥ 500 元 always holds for a value of at least 1000 元
