"""Quotes that support their rule: each literal appears in its own quote (W402, unless `derived`), and a
quote lies within one numbered item or table row (W403)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from helpers import HEADER, scratch
from yibao.language import ast as A
from yibao.check.citations import boundaries, crossing, figures, stated
from yibao.policies.directory import PolicySet
from yibao.check.texts import squeeze

# A small notice of its own: numbered items, and an attachment priced by tier (the layout of
# 九龙坡医保发〔2023〕46号's table, each category with a "1 档" and a "2 档" row).
TEXT = """一、缴费标准
（一）个人缴费标准为一档 380 元/人·年、二档 755 元/人·年。
（二）集中参保缴费期为 2023 年 10 月 12 日起至 2023 年 12 月 31 日止。
二、资助标准
城乡低保对象
1 档 90%（342 元）

区民政局
2 档 按一档全额资助（380 元）

特困人员
1 档 100%（380 元）

区民政局
2 档 按一档全额资助（380 元）

三、2024 年 6 月 30 日后参保缴费的，不再享受财政补助。
"""


# the notice's own fact, not the shared library: these tests are about citations alone
HEADER = HEADER.replace("use 居民医保\n", "fact payment_date : date\n")


def run(tmp_path, body: str):
    d = scratch(tmp_path, HEADER + body, text=TEXT)
    return PolicySet(d).check(str(d / "t.policy"))


def test_a_quote_that_lacks_its_rules_figure_is_rejected_at_the_figure(tmp_path):
    body = 'let 二档标准 = 755 元 §一 "个人缴费标准为一档 380 元/人·年"\n'
    _, diags = run(tmp_path, body)
    assert [d.code for d in diags] == ["W402"]
    d = diags[0]
    line = HEADER.count("\n") + 1
    assert (d.span.file.path.endswith("t.policy"), d.span.line, d.span.column) == (True, line, 12)
    assert d.severity == "warning"
    assert "755 元" in d.message and "个人缴费标准为一档 380 元/人·年" in d.message


def test_a_quote_spanning_two_table_rows_is_rejected_at_the_citation(tmp_path):
    body = ('let 低保二档 = 380 元\n'
            '  §二 "2 档 按一档全额资助（380 元） 特困人员"\n')
    _, diags = run(tmp_path, body)
    assert [d.code for d in diags] == ["W403"]
    d = diags[0]
    assert (d.span.line, d.span.column) == (HEADER.count("\n") + 2, 3)
    assert "“2档按一档全额资助（380元）” | “特困人员”" in d.notes[0]


def test_a_quote_spanning_a_row_and_the_next_rows_tier_cell_is_rejected(tmp_path):
    _, diags = run(tmp_path, 'let 低保一档 = 342 元 §二 "1 档 90%（342 元） 区民政局 2 档 按一档全额资助（380 元）"\n')
    assert [d.code for d in diags] == ["W403"]


def test_a_quote_spanning_two_numbered_items_is_rejected(tmp_path):
    _, diags = run(tmp_path, 'let 二档标准 = 755 元 §一 "二档 755 元/人·年。（二）集中参保缴费期"\n')
    assert [d.code for d in diags] == ["W403"]


def test_strict_check_fails_on_both_with_file_line_and_code(tmp_path, capsys):
    from yibao.cli import main
    d = scratch(tmp_path, HEADER + 'let a = 755 元 §一 "个人缴费标准为一档 380 元/人·年"\n'
                'let b = 380 元 §二 "2 档 按一档全额资助（380 元） 特困人员"\n', text=TEXT)
    assert main(["--policies", str(d), "check", str(d / "t.policy")]) == 0
    capsys.readouterr()
    assert main(["--policies", str(d), "check", "--strict", str(d / "t.policy")]) == 1
    out = capsys.readouterr().out
    n = HEADER.count("\n") + 1
    assert f"t.policy:{n}:9: warning[W402]" in out and f"t.policy:{n + 1}:15: warning[W403]" in out


def test_a_quote_within_one_row_or_item_passes(tmp_path):
    body = ('let 低保一档 = 90% of 380 元 printed 342 §二 "城乡低保对象 1 档 90%（342 元）"\n'
            '  derived "380 元: the tier-1 standard of 一（一）"\n'
            'let 低保二档 = 380 元 §二 "2 档 按一档全额资助（380 元）"\n'
            'let 集中缴费开始 = 2023-10-12 §一 "集中参保缴费期为 2023 年 10 月 12 日起至 2023 年 12 月 31 日止"\n')
    _, diags = run(tmp_path, body)
    assert diags == []


def test_derived_silences_the_literal_check_but_not_the_clause_check(tmp_path):
    body = 'let 零 = 0 元 §一 "个人缴费标准为一档 380 元/人·年"{}\n'
    _, bare = run(tmp_path / "bare", body.format(""))
    _, derived = run(tmp_path / "derived", body.format(' derived "0: nothing is paid"'))
    assert [d.code for d in bare] == ["W402"] and "0 元" in bare[0].message
    assert derived == []
    _, spanning = run(tmp_path / "span", 'let b = 380 元 §二 "2 档 按一档全额资助（380 元） 特困人员" derived "x"\n')
    assert [d.code for d in spanning] == ["W403"]


def test_every_literal_of_a_rule_guard_value_and_printed_figure_is_checked(tmp_path):
    body = ('decision d : money {\n'
            '  rule §一 "个人缴费标准为一档 380 元/人·年" when payment_date > 2023-12-31 then 90% of 380 元 printed 342\n'
            '}\n')
    _, diags = run(tmp_path, body)
    assert sorted(d.message.split(" is ")[0] for d in diags) == ["2023-12-31", "342", "90%"]


# ---- the notation matcher -------------------------------------------------------------------
def money(text):
    return A.NumberLit(text, "元")


def date(y, m, d):
    return A.DateLit(dt.date(y, m, d))


@pytest.mark.parametrize("quote", ["一档380元/人·年", "一档 380 元/人·年", "（380 元）", "按380元/人年标准"])
def test_money_in_any_spacing(quote):
    assert stated(money("380"), quote)


def test_a_number_does_not_match_inside_a_longer_one():
    assert not stated(A.NumberLit("12", None), "120 日")
    assert not stated(A.NumberLit("12", None), "1.12")
    assert not stated(money("80"), "380 元")
    assert not stated(money("38"), "380元")
    assert stated(A.NumberLit("12", None), "第 12 条")


def test_units_must_agree():
    assert not stated(A.NumberLit("90", "%"), "90 日")
    assert stated(A.NumberLit("90", "%"), "按照个人缴费标准的 90%给予")
    assert stated(A.NumberLit("90", "days"), "出生之日起 90 日内") and stated(A.NumberLit("90", "days"), "90天")
    assert stated(A.NumberLit("3", "months"), "中断缴费 3 个月内") and not stated(A.NumberLit("3", "months"), "3 日")
    assert not stated(A.NumberLit("30", "days"), "2024 年 9 月 30 日")  # a day of a month is not 30 days


def test_dates_with_spaces_elided_years_and_month_ends():
    assert stated(date(2024, 9, 30), "全年参保截止到 2024 年 9 月 30 日")
    assert stated(date(2024, 2, 29), "在 2024 年 1 月 1 日至 2 月 29日期间参保缴费的")
    assert stated(date(2024, 12, 31), "在2024年7月至12月底期间参保缴费的")
    assert stated(date(2023, 2, 28), "在 2023 年 1 月 1 日到 2 月底期间")
    assert stated(date(2026, 2, 28), "集中参保缴费期为文件印发之日起至2026年2月底")
    assert not stated(date(2024, 2, 29), "2 月 29日")  # no year anywhere
    assert not stated(date(2024, 3, 1), "2024 年 2 月 29 日后，3 月 1 日")  # no range: the year is not carried
    assert not stated(date(2023, 10, 1), "集中参保时间为2023年10月至2023年12月31日")  # a month is not a day
    assert figures("从 2023年 1月 1日起", "date") == {dt.date(2023, 1, 1)}


def test_figures_of_each_kind():
    assert figures("一档 350元/人·年+个人负担、二档 725元", "money") == {Decimal(350), Decimal(725)}
    assert figures("合计 10973 9390", "count") == {Decimal(10973), Decimal(9390)}


# ---- clause boundaries from the notice's structure ------------------------------------------
def test_boundaries_come_from_numbered_items_serial_lines_and_tier_rows():
    text = squeeze(TEXT)
    q = squeeze("2 档 按一档全额资助（380 元） 特困人员")
    assert crossing(text, TEXT, q) == len(squeeze("2 档 按一档全额资助（380 元）"))
    assert crossing(text, TEXT, squeeze("特困人员 1 档 100%（380 元）")) is None
    # an item's own marker may open the quote
    assert crossing(text, TEXT, squeeze("（二）集中参保缴费期")) is None
    table = "序号\n\t1\n\t三教村\n\t1589\n\n\t2\n\t千丘村\n\t1778\n\n\t合计\n\t10973\n"
    t = squeeze(table)
    assert crossing(t, table, "三教村1589") is None
    assert crossing(t, table, "15892千丘村") is not None
    assert len(boundaries(table)) == 3


def test_the_real_policies_cite_within_one_clause_and_state_their_figures(capsys):
    from yibao.cli import main
    main(["check", "--strict"])
    out = capsys.readouterr().out
    assert "[W402]" not in out and "[W403]" not in out and "[E403]" not in out, out


@pytest.mark.parametrize("tail", ['note "n" derived "d"', 'derived "d" note "n"'])
def test_derived_and_note_in_either_order_parse_and_print_back(tail):
    from yibao.language.from_tree import parse_module
    from yibao.language.printer import print_module
    from yibao.base.source import SourceFile
    m = parse_module(SourceFile("<t>", f'let a = 670 元 §一 of 渝医保发〔2025〕42号 "达到700元/人·年" {tail}\n'))
    c = m.items[0].citation
    assert (c.note, c.derived, c.document) == ("n", "d", "渝医保发〔2025〕42号")
    assert parse_module(SourceFile("<t>", print_module(m))) == m


def test_derived_twice_is_a_syntax_error():
    from yibao.base.diagnostics import PolicyError
    from yibao.language.from_tree import parse_module
    from yibao.base.source import SourceFile
    with pytest.raises(PolicyError):
        parse_module(SourceFile("<t>", 'let a = 1 元 §一 "q" derived "x" derived "y"\n'))


def test_a_quote_at_the_very_start_of_the_text_is_checked_for_crossing_too():
    from yibao.check.citations import boundaries, crossing
    raw = "一、甲乙\n二、丙丁"
    text = "".join(raw.split())
    assert boundaries(raw) == (0, 4)
    assert crossing(text, raw, "一、甲乙二、丙") == 4  # at offset 0, crossing into 二、
    assert crossing(text, raw, "甲乙二") == 2
    assert crossing(text, raw, "一、甲乙") is None


DENIES = '§三 "2024 年 6 月 30 日后参保缴费的，不再享受财政补助" derived "x"'


@pytest.mark.parametrize("decision,value,opposite", [
    ("self_borne_fiscal_subsidy", "0 元", True),     # no part to bear: the subsidy granted, the quote denies it
    ("self_borne_fiscal_subsidy", "670 元", False),  # the part borne: what the quote says
    ("assistance", "100 元", True),                  # an amount given
    ("assistance", "0 元", False),                   # nothing given
    ("outpatient_limit", "0 元", False),             # not a decision about what a person pays or gets
])
def test_a_quote_that_states_the_opposite_rule_is_w405(tmp_path, decision, value, opposite):
    _, diags = run(tmp_path, f'decision {decision} : money "d" = {value} {DENIES}\n')
    w405 = [d for d in diags if d.code == "W405"]
    assert len(w405) == opposite, [d.render() for d in diags]
    if opposite:
        assert "不再享受" in w405[0].message and f"{decision} = {value[:-2]}.00 元" in w405[0].message


@pytest.mark.parametrize("heading, quote, figure, ok", [
    ("资助标准（元/人·年）", "1 档 342（90%）", "342", True),   # the heading prints the unit: a bare 342 is 342 元
    (None, "1 档 342（90%）", "342", False),                    # no heading: a bare number is no amount of money
    ("资助参保对象及标准", "1 档 342（90%）", "342", False),      # a heading without the unit
    ("资助标准（元/人·年）", "1 档 342（90%）", "90", False),     # 90 there is a rate, not yuan
    ("资助标准（元/人·年）", "1 档 342 元", "342", True),        # stated with its unit anyway
])
def test_a_table_heading_that_prints_the_unit_lets_a_row_print_the_bare_number(heading, quote, figure, ok):
    assert stated(money(figure), quote, heading) is ok


def test_w405_shows_a_computed_amount_as_a_value(tmp_path):
    _, diags = run(tmp_path, f'decision assistance : money "d" = (if payment_date > 2024-06-30 then 1 元 else 2 元) {DENIES}\n')
    assert [d.message for d in diags if d.code == "W405"] == [
        "the quote says “不再享受” but this rule grants: assistance = a value"]


GRANTS = '§一 "个人缴费标准为一档 380 元/人·年" derived "x"'


@pytest.mark.parametrize("body", [
    f'decision assistance : money "d" = 100 元 {GRANTS}\n',                # a quote with no words that deny
    f'decision assistance : money "d" = unknown "not stated" {DENIES}\n',  # nothing answered, nothing granted
    f'decision outpatient_limit : money "d" = 100 元 {DENIES}\n',          # not what a person pays or gets
    'decision contribution : money "d" = 380 元\n',                         # no quote at all: E402, not W405
])
def test_w405_only_where_a_rule_about_what_a_person_pays_or_gets_grants_against_its_quote(tmp_path, body):
    _, diags = run(tmp_path, body)
    assert "W405" not in [d.code for d in diags]
    assert ("E402" in [d.code for d in diags]) == ("§" not in body)


def test_every_figure_of_a_quote_is_read_past_one_it_skips():
    assert figures("2024 年 9 月 30 日后 90 日内", "days") == {Decimal(90)}  # 30 日 is a day of September
    # a date with no year of its own and no range to take it from, a month 13 or a 30 February is skipped,
    # not the end of the quote
    assert figures("3 月 1 日起；2024 年 13 月 1 日；2024 年 2 月 30 日；2024 年 3 月 1 日", "date") == {dt.date(2024, 3, 1)}


def test_w405_shows_a_date_as_it_reads(tmp_path):
    _, diags = run(tmp_path, f'decision benefit_start : date "d" = 2024-01-01 {DENIES}\n')
    assert [d.message for d in diags if d.code == "W405"] == [
        "the quote says “不再享受” but this rule grants: benefit_start = 2024-01-01"]


def test_a_year_the_quote_opens_with_is_given_to_the_dates_after_it_and_the_nearest_one_wins():
    assert figures("2024 年 1 月 1 日至 2 月 29 日", "date") == {dt.date(2024, 1, 1), dt.date(2024, 2, 29)}
    assert figures("2023 年 12 月 1 日，2024 年 1 月 1 日至 2 月 29 日", "date") == {
        dt.date(2023, 12, 1), dt.date(2024, 1, 1), dt.date(2024, 2, 29)}
    assert figures("2024 年 0 月底", "date") == figures("2024 年 13 月底", "date") == set()
    # the range must run from the nearest year: here 至 is before 2024 年, not after it
    assert figures("2023 年 1 月 1 日至 2024 年，3 月 1 日", "date") == {dt.date(2023, 1, 1)}


def test_a_quote_crosses_at_its_first_boundary_unless_some_occurrence_lies_within_one_clause():
    raw = "一、甲\n二、乙\n三、丙\n"
    assert crossing(squeeze(raw), raw, squeeze("甲二、乙三、丙")) == 1
    raw = "一、甲 1\n11\n乙\n"  # "11" straddles the serial number 11's start, and also is that number
    assert crossing(squeeze(raw), raw, "11") is None


def test_a_figure_inside_a_function_call_must_be_in_the_quote_too(tmp_path):
    _, diags = run(tmp_path, f'decision assistance : money "d" = max(380 元, 7 元) {GRANTS}\n')
    assert [d.message for d in diags if d.code == "W402"] == []  # derived: the quote need not state it
    _, diags = run(tmp_path / "q", 'decision assistance : money "d" = max(380 元, 7 元) §一 "个人缴费标准为一档 380 元/人·年"\n')
    assert [d.message for d in diags if d.code == "W402"] == ["7 元 is not in its quote “个人缴费标准为一档 380 元/人·年”"]
