"""The checker's figure and declaration checks, each reached (check/checker.py): a parameter's year
given twice or derived from itself, a data row of the wrong width, a total of a column the table does
not have, a printed total or figure that is wrong or in the wrong unit, and a name (a definition or
a domain) declared twice, overriding nothing, or changed though inherited."""
from __future__ import annotations

import re
import shutil

import pytest

from conftest import POLICIES
from helpers import check

Q = '§一 "个人缴费标准为一档 380 元/人·年"'


def found(diags):
    """(code, message, line, column) of each diagnostic, sorted; lines count from the header's 10."""
    return sorted((d.code, d.message, d.span.line, d.span.column) for d in diags)


# ---- parameters by year ----
def test_a_parameter_year_given_twice_is_E202_at_the_second(tmp_path):
    program, diags = check(tmp_path, f'parameter p : money by year "p" {{\n  2024 = 380 元 {Q}\n  2024 = 380 元 {Q}\n}}\n'
                                     f'let x = p[2024] {Q}\n')
    assert program is None
    assert [(d.code, d.message, d.span.line, d.span.column, d.label) for d in diags] == [
        ("E202", "p[2024] is given twice", 12, 3, "second value")]


def test_a_parameter_year_derived_from_another_is_folded_whatever_their_order(tmp_path):
    program, diags = check(tmp_path, f'parameter p : money by year "p" {{\n  2025 = p[2024] + 0 元 {Q} derived "same"\n'
                                     f'  2024 = 380 元 {Q}\n  2026 = p[2025] - 0 元 {Q} derived "same"\n}}\n')
    assert diags == []
    assert program.params["p"].values == {2024: 38000, 2025: 38000, 2026: 38000}


def test_a_parameter_year_derived_from_itself_is_E205(tmp_path):
    program, diags = check(tmp_path, f'parameter p : money by year "p" {{\n  2024 = p[2025] {Q} derived "x"\n'
                                     f'  2025 = p[2024] {Q} derived "x"\n}}\n')
    assert program is None
    assert [(d.code, d.message, d.span.line, d.span.column) for d in diags] == [
        ("E205", "p[2024] is derived from itself", 11, 3)]  # at the year's line, where its value is given


# ---- data tables ----
def table(rows: str, total: str, types: str = "a: text, b: count") -> str:
    return f'data d ({types}) {Q}\n{{\n{rows}  {total}\n}}\n'


def test_a_data_row_of_the_wrong_width_is_E503_and_the_total_counts_the_other_rows(tmp_path):
    program, diags = check(tmp_path, table('  "x", 380\n  "y"\n  "z", 380, 1\n', f"total b printed 380 {Q}"))
    assert program is None
    assert found(diags) == [("E503", "a row of `d` has 1 values for 2 columns", 13, 3),
                            ("E503", "a row of `d` has 3 values for 2 columns", 14, 3)]


def test_a_printed_total_the_rows_do_not_add_up_to_is_E401_and_one_they_do_passes(tmp_path):
    program, diags = check(tmp_path / "good", table('  "x", 190\n  "y", 190\n', f"total b printed 380 {Q}"))
    assert diags == [] and program.data["d"].rows == (("x", 190), ("y", 190))
    program, diags = check(tmp_path / "bad", table('  "x", 190\n  "y", 191\n', f"total b printed 380 {Q}"))
    assert program is None
    assert found(diags) == [("E401", "the column b adds up to 381, the notice prints 380", 14, 19)]


def test_a_printed_money_total_is_checked_in_fen(tmp_path):
    _, diags = check(tmp_path, table('  "x", 190 元\n  "y", 190.01 元\n', f"total b printed 380 元 {Q}",
                                     "a: text, b: money"))
    assert found(diags) == [("E401", "the column b adds up to 380.01, the notice prints 380.00", 14, 19)]


def test_a_total_of_a_column_the_table_lacks_is_E204(tmp_path):
    program, diags = check(tmp_path, table('  "x", 380\n', f"total c printed 380 {Q}"))
    assert program is None
    assert found(diags) == [("E204", "`d` has no column `c`", 13, 3)]


def test_a_total_printed_in_the_wrong_unit_is_E301(tmp_path):
    _, diags = check(tmp_path, table('  "x", 380 元\n', f"total b printed 380 天 {Q}", "a: text, b: money"))
    assert ("E301", "the printed figure is days, the value is money", 13, 19) in found(diags)
    assert "E401" not in [d.code for d in diags]  # a figure of another kind is not compared


# ---- printed figures ----
def test_a_figure_printed_in_the_wrong_unit_is_E301(tmp_path):
    program, diags = check(tmp_path, f"let a = 380 元 printed 380 天 {Q}\n")
    assert program is None
    assert ("E301", "the printed figure is days, the value is money", 10, 23) in found(diags)
    assert "E401" not in [d.code for d in diags]
    program, diags = check(tmp_path / "right", f"let a = 380 元 printed 380 元 {Q}\n")
    assert diags == []


def test_a_printed_figure_of_a_value_that_depends_on_the_case_is_E404(tmp_path):
    _, diags = check(tmp_path, f"let a : money = (if tier = 一档 then 380 元 else 755 元) printed 380 元 {Q}\n")
    assert [(d.code, d.message) for d in diags if d.code.startswith("E")] == [
        ("E404", "a printed figure needs a value that does not depend on the case")]


# ---- names declared twice, overriding nothing, or changed though inherited ----
def test_a_definition_given_twice_in_one_notice_is_E202_naming_the_first(tmp_path):
    _, diags = check(tmp_path, f"let a = 380 元 {Q}\nlet a = 380 元 {Q}\n")
    assert found(diags) == [("E202", "`a` is defined twice", 11, 1)]
    assert diags[0].notes[0].endswith("t.policy:10:1")


def test_override_of_a_name_nothing_defines_is_E602(tmp_path):
    _, diags = check(tmp_path, f"override let zz = 380 元 {Q}\n")
    assert found(diags) == [("E602", "`override` of `zz`, which no implemented notice defines", 10, 1)]


def test_changing_a_library_definition_without_override_is_E601_and_with_it_is_not(tmp_path):
    _, diags = check(tmp_path, f"let 农村低收入人口 = 380 元 {Q}\n")
    assert found(diags) == [("E601", "`农村低收入人口` is inherited from 居民医保; changing it must say `override`", 10, 1)]
    assert diags[0].notes[0].startswith("居民医保 defines it at ") and diags[0].notes[0].endswith("resident.policy:48:1")
    _, diags = check(tmp_path / "o", f"override let 农村低收入人口 = 380 元 {Q}\n")
    assert "E601" not in [d.code for d in diags] and "E602" not in [d.code for d in diags]


@pytest.fixture
def fengyan(tmp_path):
    d = tmp_path / "policies"
    shutil.copytree(POLICIES, d)
    return d / "fengyan-2024.policy"


def check_file(path):
    from yibao.policies.directory import PolicySet
    return PolicySet(path.parent).check(str(path))


def line_of(path, needle: str, nth: int = 1) -> int:
    hits = [i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in text]
    return hits[nth - 1]


DOMAIN = "domain 缴费截止 for"


def plant_before(path, anchor: str, text: str):
    s = path.read_text(encoding="utf-8")
    assert s.count(anchor) == 1
    path.write_text(s.replace(anchor, text + anchor), encoding="utf-8")


def test_an_inherited_domain_declared_twice_in_one_notice_is_E202(fengyan):
    plant_before(fengyan, DOMAIN, 'domain 缴费截止 for contribution\n  §四 "在2024年7月至12月底期间参保缴费的"\n'
                                  '  excludes payment_date > 年度参保截止\n  because "{document}: not this year"\n\n')
    _, diags = check_file(fengyan)
    assert found(diags) == [("E202", "domain `缴费截止` is declared twice", line_of(fengyan, DOMAIN, 2), 1)]


def test_override_of_a_domain_no_parent_declares_is_E602_with_the_nearest_name(fengyan):
    plant_before(fengyan, DOMAIN, 'override domain 参保年 for contribution\n  §四 "在2024年7月至12月底期间参保缴费的"\n'
                                  '  excludes payment_date > 年度参保截止\n  because "{document}: not this year"\n\n')
    _, diags = check_file(fengyan)
    assert found(diags) == [("E602", "`override` of domain `参保年`, which no implemented notice declares",
                             line_of(fengyan, "override domain 参保年 "), 1)]
    assert "参保年度" in diags[0].hint


def test_two_facts_of_one_name_are_E202(tmp_path):
    _, diags = check(tmp_path, 'fact zz : bool "z"\nfact zz : bool "z"\n')
    assert found(diags) == [("E202", "fact `zz` is declared twice", 11, 1)]


def test_a_parameter_year_derived_from_a_year_not_given_is_unknown_naming_it(tmp_path):
    program, diags = check(tmp_path, f'parameter p : money by year "p" {{\n  2025 = p[2023] + 0 元 {Q} derived "x"\n'
                                     f'  2024 = 380 元 {Q}\n}}\nlet x = p[2025] {Q}\n')
    assert diags == []
    values = program.params["p"].values
    assert values[2024] == 38000 and values[2025].reason == "p for 2023, which no notice here gives"
    assert 2023 not in values


def test_an_extend_of_nothing_is_E603_and_the_items_after_it_are_still_checked(tmp_path):
    _, diags = check(tmp_path, f'extend zz {{\n  rule r {Q}\n    when tier = 一档 then 380 元\n}}\n'
                               f'let a = 380 元 printed 381 元 {Q}\n')
    assert [(c, line) for c, _, line, _ in found(diags) if c.startswith("E")] == [("E401", 14), ("E603", 10)]


# ---- each finding is reported, not only the first (the full mutation run's survivors, issue 25) ----
def test_every_total_is_checked_after_one_of_an_unknown_column_or_a_wrong_type(tmp_path):
    _, diags = check(tmp_path, table('  "x", 380\n', f"total c printed 380 {Q}\n  total b printed 381 {Q}"))
    assert [c for c, *_ in found(diags) if c.startswith("E")] == ["E204", "E401"]
    _, diags = check(tmp_path / "t", table('  "x", 380\n', f"total a printed 1 {Q}\n  total b printed 381 {Q}",
                                           "a: count, b: count"))
    assert "E401" in [d.code for d in diags]  # the second total, after the first's wrongly typed column


def test_every_name_defined_twice_is_E202(tmp_path):
    _, diags = check(tmp_path, f"let a = 380 元 {Q}\nlet a = 380 元 {Q}\nlet b = 380 元 {Q}\nlet b = 380 元 {Q}\n")
    assert found(diags) == [("E202", "`a` is defined twice", 11, 1), ("E202", "`b` is defined twice", 13, 1)]


def test_an_extend_of_an_inherited_definition_not_made_of_rules_is_E603(tmp_path):
    _, diags = check(tmp_path, f'extend 农村低收入人口 {{\n  rule r {Q}\n    when tier = 一档 then 380 元\n}}\n')
    assert [(c, line) for c, _, line, _ in found(diags)] == [("E603", 10)]


def test_E601_on_a_definition_suggests_extend_and_on_a_parameter_does_not(tmp_path):
    _, diags = check(tmp_path, f"let 农村低收入人口 = 380 元 {Q}\n")
    assert diags[0].code == "E601" and diags[0].hint.endswith(", or `extend 农村低收入人口 { rule … }` to add rules")
    _, diags = check(tmp_path / "p", f'parameter 人均财政补助标准 : money by year "p" {{\n  2024 = 380 元 {Q}\n}}\n')
    e601 = [d for d in diags if d.code == "E601"]
    assert e601 and "extend" not in e601[0].hint


def test_an_inherited_domain_declared_again_without_override_is_E601(fengyan):
    plant_before(fengyan, DOMAIN, 'domain 待遇年内 for benefit_start\n  §四 "在2024年7月至12月底期间参保缴费的"\n'
                                  '  excludes payment_date > 年度参保截止\n  because "{document}: not this year"\n\n')
    _, diags = check_file(fengyan)
    assert [(d.code, d.message) for d in diags if d.code == "E601"] == [
        ("E601", "domain `待遇年内` is inherited from 渝医保发〔2023〕24号; changing it must say `override`")]


def test_a_parameter_value_cites_the_notice_that_gives_it(tmp_path):
    program, _ = check(tmp_path, f'parameter p : money by year "p" {{\n  2024 = 380 元 {Q}\n}}\nlet x = p[2024] {Q}\n')
    assert program.params["p"].citations[2024][1] == "测试〔2024〕1号"


def test_a_value_citing_another_notice_cites_that_one_and_its_missing_text_is_W401(tmp_path):
    other = '§二 of 某〔2024〕9号 "个人缴费标准为一档 380 元/人·年"'
    program, diags = check(tmp_path, f'parameter p : money by year "p" {{\n  2024 = 380 元 {other}\n}}\nlet x = p[2024] {Q}\n')
    assert program.params["p"].citations[2024][1] == "某〔2024〕9号"
    assert [(d.code, d.message) for d in diags] == [
        ("W401", "the text of 某〔2024〕9号 is not in the repository; the quote is not verified")]
