"""Bounded unknowns in the JavaScript module and the page (issue 21, part 5): "不低于1000元" keeps its
bounds through arithmetic, max/min, comparisons and a `hit best` table, as in the Python module; a
decision its bounds fix is answered, one they do not fix is undecidable naming the unknown. Held to
the generated Python module case by case under node."""
from __future__ import annotations

import json
from helpers import HEADER, js_decisions, scratch
from yibao.backends.targets import source
from yibao.policies.directory import PolicySet
from yibao.run.evaluate import Evaluator

TEXT = "一、连续参保满4年后，每连续参保1年，提高大病保险最高支付限额，每次提高限额不低于1000元，累计提高总额不超过原封顶线的20%。"
Q = '§一 "每次提高限额不低于1000元"'
# 【虚构示例】 the increase of 渝医保发〔2025〕42号's kind, with a bound where the notice gives one
DRAFT = f"""
let 每次提高额 = unknown at least 1000 元 "每次提高限额（不低于1000元）" {Q}
let 原封顶线 = unknown between 100000 元 and 400000 元 "原封顶线" §一 "累计提高总额不超过原封顶线的20%"
let 提高次数 : count = max(continuous_years - 4, 0) §一 "连续参保满4年后，每连续参保1年"
decision critical_illness_limit_increase : money = min(每次提高额 * 提高次数, 20% of 原封顶线)
  §一 "累计提高总额不超过原封顶线的20%"
decision 提高至少一千 : bool = 每次提高额 * 提高次数 >= 1000 元 {Q}
decision 少于五万 : bool = 每次提高额 * 提高次数 - 1000 元 < 50000 元 {Q}
decision 在区间内 : bool = -(每次提高额 * 提高次数) in -900000 元 .. 0 元 {Q}
decision 低于上限 : bool = 原封顶线 < 400000 元 §一 "累计提高总额不超过原封顶线的20%"
decision 不高于上限 : bool = 原封顶线 <= 400000 元 §一 "累计提高总额不超过原封顶线的20%"
decision 最高 : money = max(每次提高额, 500 元 * 提高次数) {Q}
table 档次额 (tier) : money "提高额（元）"
  hit best {Q} derived "【虚构示例】"
  otherwise 0 元 {Q} derived "【虚构示例】"
{{
  一档 => 每次提高额 {Q}
  二档 => 1000 元 {Q}
}}
decision 按档 : money = 档次额 {Q} derived "【虚构示例】"
"""


def _python(program, case):
    ev = Evaluator(program)
    c = ev.decode(case)
    out = {}
    for name in program.decisions:
        fn, kind = ev.decisions[name]
        try:
            out[name] = {"value": ev.module._python_value(kind, ev.module._decide(fn, dict(c)))}
        except ev.Undecidable as exc:
            out[name] = {"undecidable": str(exc)}
    return out


def test_the_javascript_module_keeps_bounds_as_the_python_module_does(tmp_path):
    d = scratch(tmp_path, HEADER + DRAFT, text=TEXT)
    program, diags = PolicySet(d).check(str(d / "t.policy"))
    assert program is not None, [x.render() for x in diags]
    cases = [{"tier": tier, "continuous_years": n} for tier in (1, 2) for n in range(1, 70, 3)]
    got = [line["decisions"] for line in js_decisions(source("js", program), [json.dumps(c) for c in cases], tmp_path)]
    decided = undecided = 0
    for case, js in zip(cases, got):
        py = _python(program, case)
        for name in program.decisions:
            want, have = py[name], js[name]
            if "value" in want:
                decided += 1
                value = want["value"]
                value = f"{value:.2f}" if hasattr(value, "quantize") else value
                assert have == {"value": value}, (name, case, want, have)
            else:
                undecided += 1
                assert "undecidable" in have and have["undecidable"] == want["undecidable"], (name, case, want, have)
    assert decided > 50 and undecided > 50  # the bounds decide some answers and leave others open
    assert "class Bounded" in source("web", program)  # the page carries them too


def test_a_javascript_module_without_bounded_unknowns_carries_no_bounded_runtime():
    from conftest import program
    text = source("js", program("渝医保发〔2023〕24号"))
    assert "class Bounded" not in text and "_resolved(" not in text
