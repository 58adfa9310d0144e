"""Stage 2: names, types, printed figures, citations and inheritance → diagnostics or a Program."""
from __future__ import annotations

import shutil

from conftest import POLICIES
from helpers import check, codes


def test_a_clean_notice_checks_without_diagnostics(tmp_path):
    program, diags = check(tmp_path, 'decision contribution : money = 380 元 §一 "个人缴费标准为一档 380 元/人·年"\n')
    assert diags == [] and program.decisions == ["contribution"]


def test_every_error_of_a_file_is_reported_at_once(tmp_path):
    _, diags = check(tmp_path, """
let a = 380 元 §一 "个人缴费标准为一档 380 元/人·年"
let b = 是否 §一 "个人缴费标准为一档 380 元/人·年"
let c = a + payment_date §一 "个人缴费标准为一档 380 元/人·年"
let d = 1 元
""")
    assert codes(diags) == ["E210", "E301", "E402"]


def test_a_misspelt_name_gets_its_nearest_match(tmp_path):
    _, diags = check(tmp_path, 'let 一档标准 = 380 元 §一 "个人缴费标准为一档 380 元/人·年"\n'
                               'let x = 一挡标准 §一 "个人缴费标准为一档 380 元/人·年"\n')
    assert diags[0].code == "E210" and "一档标准" in diags[0].hint


def test_a_printed_figure_that_disagrees_fails_and_one_that_agrees_passes(tmp_path):
    body = ('let a = 90% of 380 元 printed {} §一 "个人缴费标准为一档 380 元/人·年，二档 755 元/人·年。'
            '低保对象按照个人缴费标准的 90%给予资助（342 元）"\n')
    _, good = check(tmp_path / "good", body.format(342))
    _, bad = check(tmp_path / "bad", body.format(324))
    assert good == []
    # the wrong figure is also one its quote does not state
    assert sorted(codes(bad)) == ["E401", "W402"]
    e401 = next(d for d in bad if d.code == "E401")
    assert "342.00" in e401.message and "324.00" in e401.message


def test_percent_of_money_rounds_half_up_only_where_not_whole_fen(tmp_path):
    program, diags = check(tmp_path, """
let a = 33% of 0.5 元 §一 "个人缴费标准为一档 380 元/人·年" derived "figures of the test"
let b = 50% of 0.05 元 §一 "个人缴费标准为一档 380 元/人·年" derived "figures of the test"
let c = 70% of 350 元 §一 "个人缴费标准为一档 380 元/人·年" derived "figures of the test"
""")
    from yibao.ir.interpret import Interpreter
    i = Interpreter(program)
    assert diags == []
    assert [i.decide(n, {}) for n in "abc"] == [17, 3, 24500]  # 16.5 fen → 17; 2.5 fen → 3; exact 245.00


def test_a_quote_not_in_the_notice_is_an_error_naming_where_it_departs(tmp_path):
    _, diags = check(tmp_path, 'let a = 380 元 §一 "个人缴费标准为一档 390 元"\n')
    assert codes(diags) == ["E403"]
    assert "个人缴费标准为一档3" in diags[0].notes[0]


def test_a_rule_without_citation_is_an_error(tmp_path):
    _, diags = check(tmp_path, "decision d : money { rule when true then 1 元 }\n")
    assert codes(diags) == ["E402"]


def test_types_are_checked(tmp_path):
    _, diags = check(tmp_path, """
decision a : money = payment_date §一 "个人缴费标准为一档 380 元/人·年"
decision b : date = payment_date + 3 §一 "个人缴费标准为一档 380 元/人·年" derived "a figure of the test"
decision c : bool = tier = 低保对象 §一 "个人缴费标准为一档 380 元/人·年"
""")
    assert codes(diags) == ["E301", "E301", "E301"]


def test_unknown_values_fail_only_where_a_decision_needs_them(tmp_path):
    program, diags = check(tmp_path, """
let 截止 = unknown "the closing day, which the notice does not print" §一 "个人缴费标准为一档 380 元/人·年"
decision late : bool = payment_date > 截止 §一 "个人缴费标准为一档 380 元/人·年"
decision contribution : money = 380 元 §一 "个人缴费标准为一档 380 元/人·年"
""")
    from yibao.ir.interpret import Interpreter
    from yibao.runtime.core import UnknownValue
    import datetime as dt
    import pytest
    assert diags == []
    i = Interpreter(program)
    assert i.decide("contribution", {}) == 38000
    with pytest.raises(UnknownValue, match="the closing day"):
        i.decide("late", {"payment_date": dt.date(2024, 1, 1)})


def test_an_inherited_definition_changed_without_override_is_an_error(tmp_path):
    from yibao.policies.directory import PolicySet
    from helpers import scratch
    d = scratch(tmp_path, """notice 测试〔2024〕2号 {
  title "t" issuers "x" issued 2024-01-02 coverage 2024 jurisdiction "y" implements 渝医保发〔2023〕24号
}
let 居民一档标准 = 400 元 §一 "个人缴费标准为一档 400 元/人·年"
""", text="个人缴费标准为一档 400 元/人·年")
    (d / "texts" / "测试〔2024〕2号.txt").write_text("个人缴费标准为一档 400 元/人·年", encoding="utf-8")
    shutil.copy(POLICIES / "chongqing-2024.policy", d / "chongqing-2024.policy")
    _, diags = PolicySet(d).check(str(d / "t.policy"))
    assert codes(diags) == ["E601"] and "override" in diags[0].hint
    (d / "t.policy").write_text((d / "t.policy").read_text(encoding="utf-8").replace("let 居民一档标准", "override let 居民一档标准"),
                                encoding="utf-8")
    program, diags = PolicySet(d).check(str(d / "t.policy"))
    assert diags == []
    from yibao.ir.interpret import Interpreter
    # the parent's table reads the child's value: late binding, as an override should
    case = {"group": "resident", "tier": 1, "payment_date": __import__("datetime").date(2023, 11, 1)}
    assert Interpreter(program).decide("contribution", case) == 40000


def test_parameters_by_year_fold_derived_years_and_leave_missing_years_unknown(load):
    import pytest
    from yibao.runtime.core import UnknownValue
    program = load("渝医保发〔2023〕24号")
    assert program.params["人均财政补助标准"].values == {2023: 64000, 2024: 67000, 2025: 70000}
    from yibao.ir import nodes as ir
    from yibao.ir.interpret import Interpreter
    e = ir.ParamAt("人均财政补助标准", ir.Const(2026, ir.INT), ir.MONEY)
    with pytest.raises(UnknownValue, match="for 2026"):
        Interpreter(program).eval_expr(e, {})


def test_with_in_a_rule_is_an_error_not_a_crash(tmp_path):
    from yibao.policies.directory import PolicySet
    from helpers import scratch
    d = scratch(tmp_path, """notice 测试〔2024〕3号 {
  title "t" issuers "x" issued 2024-01-02 coverage 2024 jurisdiction "y" implements none
}
use 居民医保
decision d : bool = (tier = 一档 with tier = 二档) §一 "个人缴费标准为一档 400 元/人·年"
""", text="个人缴费标准为一档 400 元/人·年")
    _, diags = PolicySet(d).check(str(d / "t.policy"))
    assert "E311" in codes(diags)
