"""Stage 1: source → Lark tree → AST. Syntax errors are diagnostics with a position and a caret."""
from __future__ import annotations

import datetime as dt

import pytest

from conftest import POLICIES
from yibao.language import ast as A
from yibao.base.diagnostics import PolicyError
from yibao.language.from_tree import parse_text


def test_every_policy_in_the_repository_parses():
    files = sorted(POLICIES.rglob("*.policy"))
    assert files
    for f in files:
        module = parse_text(f.read_text(encoding="utf-8"), str(f))
        assert module.items, f


def test_a_notice_header_becomes_a_header_node():
    m = parse_text('notice 渝医保发〔2023〕24号 { title "t" issuers "a", "b" issued unknown "not printed" '
                   'coverage 2024 jurisdiction "重庆市" implements 渝医保发〔2022〕25号 external }')
    h = m.header
    assert h.document == "渝医保发〔2023〕24号"
    assert h.issuers == ("a", "b")
    assert isinstance(h.issued, A.UnknownLit) and h.issued.reason == "not printed"
    assert (h.coverage, h.implements, h.implements_external) == (2024, "渝医保发〔2022〕25号", True)


def test_money_rates_and_periods_keep_their_units():
    m = parse_text('let a = 90% of 380 元 + 0.5 元\nlet b = 2024-02-29 + 90 days\nlet c = 3 个月')
    a, b, c = m.items
    assert a.value.expr == A.Binary("+", A.Binary("of", A.NumberLit("90", "%"), A.NumberLit("380", "元")),
                                    A.NumberLit("0.5", "元"))
    assert b.value.expr == A.Binary("+", A.DateLit(dt.date(2024, 2, 29)), A.NumberLit("90", "days"))
    assert c.value.expr == A.NumberLit("3", "个月")


def test_chinese_and_ascii_identifiers_and_comments():
    m = parse_text("# 注释\nlet 一档标准 = 380 元 # trailing\nlet tier_one = 一档标准")
    assert [i.name for i in m.items] == ["一档标准", "tier_one"]


def test_string_escapes_are_decoded():
    m = parse_text(r'let a = 1 元 §一 "引号\"和\\反斜杠\n换行"')
    assert m.items[0].citation.quote == '引号"和\\反斜杠\n换行'


def test_rules_with_labels_overrides_and_otherwise():
    m = parse_text('decision d : money { rule 甲 §一 "q" when true then 1 元\n'
                   ' rule 乙 overrides 甲 §二 "q" when false then 2 元\n rule §三 "q" otherwise 0 元 }')
    rules = m.items[0].rules
    assert [(r.kind, r.label, r.overrides) for r in rules] == [
        ("when", "甲", ()), ("when", "乙", ("甲",)), ("otherwise", None, ())]


@pytest.mark.parametrize("source,code,line,column", [
    ("let a = 380 元 §一 “弯引号”", "E101", 1, 18),
    ("decision d : money {\n  rule §一 \"q\" when true then 1 元\n", "E102", 2, 33),
    ("let a = = 1", "E103", 1, 9),
    ("let d = 2023-02-30", "E105", 1, 9),
    ("notice 测试〔2024〕1号 { coverage 2024.5 }", "E106", 1, 30),
])
def test_syntax_errors_name_the_position(source, code, line, column):
    with pytest.raises(PolicyError) as exc:
        parse_text(source, "x.policy")
    d = exc.value.diagnostics[0]
    assert (d.code, d.span.line, d.span.column) == (code, line, column)
    assert d.render().startswith(f"x.policy:{line}:{column}: error[{code}]")


@pytest.mark.parametrize("source,code,line,column,words", [
    # a unit misspelt, in a definition and deep in a rule with a guard
    ("let a = 380 元\nlet b = 755 圆", "E103", 2, 13, ["`圆` is not a unit", "个月"]),
    ("decision d : money {\n  rule r overrides q §一 \"q\" when true then 755 圆\n}", "E103", 2, 48, ["not a unit"]),
    # a clause without §: before the quote of a definition, and as a rule's label
    ("let a = 380 元 一 \"q\"", "E103", 1, 15, ["without `§`", "write `§一`"]),
    ("decision d : money {\n  rule 三（一） \"q\" when true then 1 元\n}", "E101", 2, 9, ["without `§`", "write `§三（…`"]),
    # a quote not closed on its line
    ("let a = 380 元 §一 \"q\nlet b = 1 元", "E101", 1, 18, ["not closed"]),
    # Chinese punctuation where ASCII is meant
    ("let a = max(1 元，2 元)", "E101", 1, 16, ["Chinese `，`", "write `,`"]),
    ("let a = max（1 元, 2 元)", "E101", 1, 12, ["write `(`"]),
    ("fact x ： money", "E101", 1, 8, ["write `:`"]),
    # a curly quote glued to the clause swallows the quote: the end comes too early
    ("let a = 380 元 §一“q”", "E102", 1, 15, ["curly quote", "straight quotes"]),
])
def test_common_slips_are_named(source, code, line, column, words):
    with pytest.raises(PolicyError) as exc:
        parse_text(source, "x.policy")
    d = exc.value.diagnostics[0]
    text = d.render()
    assert (d.code, d.span.line, d.span.column) == (code, line, column), text
    assert text.startswith(f"x.policy:{line}:{column}: error[{code}]")
    assert "^" in text.splitlines()[3]
    for w in words:
        assert w in text, text
