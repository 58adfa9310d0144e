"""Arithmetic the notices print: exact money ÷ a number, rounding that says its unit and mode, age in
completed years (周岁), whole months between two dates, a date's month and year. Checked where it is
constant (E315 an unrounded division, E316 a division by zero, E317 dates out of order), and the same
answers from the reference interpreter, the generated Python module and the JavaScript module under
node, held to `decimal` and `datetime` on drawn values (amounts that round a half, month ends, leap
days). The NumPy module leaves these operators to the row path (a listed gap of the matrix)."""
from __future__ import annotations

import calendar
import datetime as dt
import json
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal

import pytest
from hypothesis import given, settings, strategies as st

from helpers import HEADER, check, codes, js_decisions, scratch
from yibao.ir.interpret import Interpreter
from yibao.policies.directory import PolicySet

Q = '§一 "个人缴费标准为一档 380 元/人·年" derived "【虚构示例】 a test of the arithmetic"'

# 【虚构示例】 a made-up notice: a mid-year joiner pays by the month (个人缴费标准÷12×应缴月数，元以下四舍五入),
# a rate paid to 角, the person's age in 周岁 and the whole months since the birth
BODY = f"""
fact amount : money = 0 元 "应缴金额（测试）"
fact divisor : count = 12 "月数（测试）"
fact born : date "出生日期（测试：与缴费日无关，可晚于基准日）"
fact on : date "基准日（测试）"
let 应缴月数 = 13 - month(payment_date) {Q}
decision 按月缴费 : money = round 380 元 / 12 * 应缴月数 to 元 half up {Q}
decision 元四舍五入 : money = round amount / divisor to 元 half up {Q}
decision 角舍去 : money = round amount / divisor to 角 down {Q}
decision 分进一 : money = round amount / divisor to 分 up {Q}
decision 周岁 : int = age(born, on) {Q}
decision 整月 : int = months_between(born, on) {Q}
decision 年份 : int = year(on) {Q}
decision 年满60周岁 : bool = age(born, on) >= 60 {Q}
"""


def test_constant_mistakes_are_positioned_errors(tmp_path):
    _, diags = check(tmp_path, f"""
let 未取整 = 380 元 / 12 {Q}
let 整除 = 360 元 / 12 {Q}
let 除零 = 380 元 / 0 {Q}
let 倒序 = age(2024-01-01, 2000-01-01) {Q}
""")
    assert codes(diags) == ["E315", "E316", "E317"]
    unrounded, zero, order = diags
    assert "31.6667… 元" in unrounded.message and "round … to 元 half up" in unrounded.hint
    assert (unrounded.span.line, zero.span.line, order.span.line) == (11, 13, 14)  # HEADER is 9 lines


def test_a_division_as_a_value_must_say_how_it_rounds_but_an_exact_one_need_not(tmp_path):
    program, diags = check(tmp_path, f"decision 月 : money = 360 元 / 12 {Q}\n")
    assert diags == [] and Interpreter(program).decide("月", {}) == 3000


def test_round_prints_and_parses_back(tmp_path):
    from yibao.language.from_tree import parse_text
    from yibao.language.printer import print_module
    module = parse_text(HEADER + BODY)
    assert parse_text(print_module(module)) == module
    assert "round 380 元 / 12 * 应缴月数 to 元 half up" in print_module(module)


@pytest.fixture(scope="module")
def made_up(tmp_path_factory):
    d = scratch(tmp_path_factory.mktemp("arith"), HEADER + BODY)
    program, diags = PolicySet(d).check(str(d / "t.policy"))
    assert diags == [], [x.render() for x in diags]
    return program


def test_the_made_up_notice_answers_its_own_figures(made_up):
    i = Interpreter(made_up)
    case = {"payment_date": dt.date(2024, 5, 10), "on": dt.date(2024, 5, 10), "born": dt.date(1964, 5, 10),
            "amount": 38000, "divisor": 12}
    assert i.decide("按月缴费", dict(case)) == 25300  # 380 ÷ 12 × 8 = 253.33… → 253 元
    assert i.decide("元四舍五入", dict(case)) == 3200  # 31.67 → 32 元
    assert i.decide("角舍去", dict(case)) == 3160  # 31.666… → 31.6
    assert i.decide("分进一", dict(case)) == 3167  # 31.6666… → 31.67
    assert i.decide("周岁", dict(case)) == 59  # the 60th birthday itself: 60 from the next day
    assert i.decide("周岁", {**case, "on": dt.date(2024, 5, 11)}) == 60
    assert i.decide("整月", dict(case)) == 720


# ---- every target against decimal and datetime -------------------------------------------------
def _expected(case: dict) -> dict:
    amount, k = Decimal(case["amount"]), case["divisor"]
    paid, on, born = (dt.date.fromisoformat(case[k]) for k in ("payment_date", "on", "born"))
    q = amount / Decimal(k)

    def rounded(unit, mode):
        return str((q / unit).quantize(Decimal(1), rounding=mode) * unit) if k else None
    out = {"元四舍五入": rounded(Decimal(1), ROUND_HALF_UP), "角舍去": rounded(Decimal("0.1"), ROUND_DOWN),
           "分进一": rounded(Decimal("0.01"), ROUND_UP), "年份": on.year,
           "按月缴费": str((Decimal(380) / 12 * (13 - paid.month)).quantize(Decimal(1), ROUND_HALF_UP))}
    if born <= on:
        years = on.year - born.year - ((on.month, on.day) <= _birthday(born, on.year))
        out["周岁"] = max(years, 0)
        months = (on.year - born.year) * 12 + on.month - born.month
        if _month_day(born, months) > on:
            months -= 1
        out["整月"] = months
        out["年满60周岁"] = out["周岁"] >= 60
    else:  # an age or months from a later day: undecidable
        out["周岁"] = out["整月"] = out["年满60周岁"] = None
    return {n: (f"{Decimal(v):.2f}" if n in ("元四舍五入", "角舍去", "分进一", "按月缴费") and v is not None else v)
            for n, v in out.items()}


def _birthday(born: dt.date, year: int) -> tuple:
    """(month, day) of the birthday in a year: 2-29 is 2-28 where the year has none (Civil Code art. 202)."""
    return (born.month, min(born.day, calendar.monthrange(year, born.month)[1]))


def _month_day(start: dt.date, n: int) -> dt.date:
    y, m = divmod(start.month - 1 + n, 12)
    y, m = start.year + y, m + 1
    return dt.date(y, m, min(start.day, calendar.monthrange(y, m)[1]))


DATES = st.dates(dt.date(1930, 1, 1), dt.date(2030, 12, 31)) | st.sampled_from(
    [dt.date(2000, 2, 29), dt.date(2024, 2, 29), dt.date(2023, 2, 28), dt.date(2024, 1, 31), dt.date(2024, 12, 31)])
CASES = st.fixed_dictionaries({
    "amount": st.integers(0, 10**6).map(lambda f: f"{f // 100}.{f % 100:02d}") | st.sampled_from(["0.05", "1.25", "2.50"]),
    "divisor": st.integers(1, 24) | st.sampled_from([2, 4, 8, 12]),
    "payment_date": DATES.map(str), "on": DATES.map(str), "born": DATES.map(str)})


def _answers(program, case):
    """The interpreter's and the generated module's answers, as output text (None: undecidable)."""
    from yibao.ir.kinds import output_kind
    from yibao.run.evaluate import Evaluator
    from yibao.runtime.core import Undecidable, output_value
    ev = Evaluator(program)
    c = ev.decode(case)
    out = {"interpreter": {}, "python": {}}
    for name in program.decisions:
        kind = output_kind(program.definitions[name].type)
        try:
            out["interpreter"][name] = output_value(kind, Interpreter(program).decide(name, dict(c)))
        except Undecidable:
            out["interpreter"][name] = None
        fn, kind = ev.decisions[name]
        try:
            out["python"][name] = output_value(kind, ev.module._decide(fn, dict(c)))
        except ev.Undecidable:
            out["python"][name] = None
    return out


@settings(max_examples=300, deadline=None, derandomize=True)
@given(CASES)
def test_interpreter_and_python_agree_with_decimal_and_datetime(made_up, case):
    want = _expected(case)
    got = _answers(made_up, case)
    for target, answers in got.items():
        for name, value in want.items():
            assert answers[name] == value, (target, name, case)


def test_javascript_agrees_on_the_same_cases(made_up, tmp_path):
    from yibao.backends.targets import source
    cases = []  # the same derandomized draws as above

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(CASES)
    def collect(case):
        cases.append(case)
    collect()
    lines = js_decisions(source("js", made_up), [json.dumps(c) for c in cases], tmp_path)
    assert len(lines) > 100
    for case, js in zip(cases, lines):
        for name, value in _expected(case).items():
            got = js["decisions"][name].get("value")
            assert got == value, (name, case, js["decisions"][name])
