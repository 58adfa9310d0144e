"""Domains, constraints and invariants checked into the program (check/domains.py): a domain makes its
decisions undecidable where its `excludes` holds, with its `because` written from the case ({decision},
{document}, any name); the first declared that holds gives the reason, and one that holds wins over
one that cannot be decided; a decision built on a guarded one is guarded too; a domain may speak of
the decision it guards; and what cannot be checked is an error naming where."""
from __future__ import annotations

import pytest

from helpers import check
from yibao.run.evaluate import Evaluator

Q = '§一 "个人缴费标准为一档 380 元/人·年"'
BASE = f'decision fee : money "费" = 380 元 {Q}\ndecision later : money "后" = fee + 1 元 {Q}\n'
EARLY = (f'domain 早 for fee\n  {Q}\n  excludes payment_date < 2024-01-01\n'
         f'  because "{{document}}: {{decision}} not before {{payment_date}} / {{tier}}"\n')
LATE = f'domain 晚 for fee, later\n  {Q}\n  excludes payment_date > 2024-06-01\n  because "late {{decision}}"\n'


def errors(diags):
    return [(d.code, d.message, d.span.line, d.span.column) for d in diags if d.code.startswith("E")]


@pytest.fixture(scope="module")
def evaluator(tmp_path_factory):
    program, diags = check(tmp_path_factory.mktemp("d"), BASE + EARLY + LATE)
    assert errors(diags) == []
    return Evaluator(program)


def answer(ev, case, decision):
    result, fail = ev.one(case, [decision])
    return result[decision] if fail is None else str(fail)


def test_a_decision_inside_every_domain_has_its_value(evaluator):
    assert answer(evaluator, {"payment_date": "2024-03-01", "tier": 1}, "fee") == "380.00"
    assert answer(evaluator, {"payment_date": "2024-06-01", "tier": 1}, "later") == "381.00"


def test_the_reason_is_written_from_the_case_and_names_the_decision(evaluator):
    assert answer(evaluator, {"payment_date": "2023-01-01", "tier": 1}, "fee") == \
        "case: 测试〔2024〕1号: fee not before 2023-01-01 / 1"
    assert answer(evaluator, {"payment_date": "2024-06-02", "tier": 1}, "fee") == "case: late fee"
    assert answer(evaluator, {"payment_date": "2024-06-02", "tier": 1}, "later") == "case: late later"


def test_a_decision_built_on_a_guarded_one_carries_its_reason(evaluator):
    # `later` is not in 早, but it adds to `fee`, which 早 guards
    assert answer(evaluator, {"payment_date": "2023-01-01", "tier": 1}, "later") == \
        "case: 测试〔2024〕1号: fee not before 2023-01-01 / 1"


def test_a_placeholder_the_case_does_not_give_is_a_question_mark(evaluator):
    assert answer(evaluator, {"payment_date": "2023-12-01"}, "fee") == "case: 测试〔2024〕1号: fee not before 2023-12-01 / ?"


def test_a_domain_that_cannot_be_decided_matters_only_where_none_holds(evaluator):
    assert answer(evaluator, {"tier": 1}, "fee") == "case: needs `payment_date`, which the case does not give"


def test_the_first_declared_domain_that_holds_gives_the_reason(tmp_path):
    both = LATE.replace("payment_date > 2024-06-01", "payment_date > 2023-06-01")  # holds with 早 in 2023-07
    program, diags = check(tmp_path / "a", BASE + EARLY + both)
    assert answer(Evaluator(program), {"payment_date": "2023-07-01", "tier": 1}, "fee").startswith("case: 测试〔2024〕1号: fee")
    program, diags = check(tmp_path / "b", BASE + both + EARLY)
    assert answer(Evaluator(program), {"payment_date": "2023-07-01", "tier": 1}, "fee") == "case: late fee"


def test_a_domain_may_speak_of_the_decision_it_guards(tmp_path):
    own = f'domain 自 for fee\n  {Q}\n  excludes fee > 100 元 and tier = 二档\n  because "{{decision}} is {{fee}}"\n'
    program, diags = check(tmp_path, BASE + own)
    assert errors(diags) == []
    ev = Evaluator(program)
    assert answer(ev, {"payment_date": "2024-03-01", "tier": 2}, "fee") == "case: fee is 380.00"
    assert answer(ev, {"payment_date": "2024-03-01", "tier": 1}, "fee") == "380.00"
    assert list(program.definitions)[-3:] == ["fee#raw", "fee", "later"]


def test_a_domain_naming_a_decision_the_notice_lacks_is_E213_with_the_nearest(tmp_path):
    _, diags = check(tmp_path, BASE + EARLY.replace("for fee", "for fee, feee"))
    assert errors(diags) == [("E213", "domain `早` names `feee`, which 测试〔2024〕1号 does not define", 12, 1)]
    assert [d.hint for d in diags if d.code == "E213"] == ["did you mean `fee`?"]


def test_excludes_that_is_not_a_condition_is_a_type_error(tmp_path):
    _, diags = check(tmp_path, BASE + EARLY.replace("payment_date < 2024-01-01", "380 元"))
    assert errors(diags) == [("E301", "expected bool after `excludes`, got money", 14, 12)]


def test_a_constraint_reading_a_decision_is_E314(tmp_path):
    _, diags = check(tmp_path, BASE + 'constraint c when fee > 1 元\n  because "x"\n')
    assert errors(diags) == [("E314", "constraint `c` reads `fee`: a constraint compares facts only", 12, 19)]


def test_a_constraint_on_facts_refuses_the_case_naming_its_reason(tmp_path):
    program, diags = check(tmp_path, BASE + 'constraint c when tier = 二档 and payment_date < 2024-02-01\n  because "too early for 二档"\n')
    assert errors(diags) == []
    c = next(c for c in program.constraints if c.name == "c")
    assert sorted(c.facts) == ["payment_date", "tier"]
    ev = Evaluator(program)
    assert "too early for 二档" in answer(ev, {"payment_date": "2024-01-01", "tier": 2}, "fee")
    assert answer(ev, {"payment_date": "2024-03-01", "tier": 2}, "fee") == "380.00"


def test_an_invariant_applies_only_to_a_notice_defining_what_it_names(tmp_path):
    program, _ = check(tmp_path, BASE + 'invariant 自有 "mine"\n  holds later > fee\n')
    names = [i.name for i in program.invariants]
    assert "自有" in names
    # the library's invariants name contribution, assistance …, which this notice does not define
    assert "资助不超应缴" not in names and "待遇起止有序" not in names


def test_a_constraint_reading_decisions_is_one_error_naming_one_of_them(tmp_path):
    _, diags = check(tmp_path, BASE + 'constraint c when tier = 二档 and fee > 1 元 and later > 1 元\n  because "x"\n')
    # one error, naming the decision the IR walk meets first (ir.subexprs: the right operand's, here)
    assert [d.message for d in diags if d.code == "E314"] == ["constraint `c` reads `later`: a constraint compares facts only"]


def test_a_decision_a_domain_reads_comes_before_the_decision_it_guards(tmp_path):
    body = (f'decision fee : money "费" = 380 元 {Q}\ndecision cap : money "顶" = 500 元 {Q}\n'
            f'domain 顶 for fee\n  {Q}\n  excludes cap < 400 元 and tier = 二档\n  because "capped"\n')
    program, diags = check(tmp_path, body)
    assert errors(diags) == []
    order = list(program.definitions)
    assert order.index("cap") < order.index("fee") and order.index("fee#raw") < order.index("fee")
    assert answer(Evaluator(program), {"payment_date": "2024-03-01", "tier": 2}, "fee") == "380.00"


def test_every_unknown_decision_of_a_domain_is_its_own_E213(tmp_path):
    # one unknown name does not hide the next: each is checked (a `break` after the first would)
    _, diags = check(tmp_path, BASE + EARLY.replace("for fee", "for feee, fee, laterr"))
    assert [d.message for d in diags if d.code == "E213"] == [
        "domain `早` names `feee`, which 测试〔2024〕1号 does not define",
        "domain `早` names `laterr`, which 测试〔2024〕1号 does not define"]


def test_an_invariant_may_change_a_fact_with_with_and_a_rule_may_not(tmp_path):
    program, diags = check(tmp_path, BASE + 'invariant 早缴 "earlier payment, same fee"\n'
                                            '  holds (fee with payment_date = 2024-01-02) = fee\n')
    assert errors(diags) == [] and "早缴" in [i.name for i in program.invariants]
    _, diags = check(tmp_path / "rule", BASE + f'decision f2 : money "f2" = (fee with payment_date = 2024-01-02) {Q}\n')
    assert [d.code for d in diags if d.code.startswith("E")] == ["E311"]


def _dependency_order_of(refs: dict) -> list:
    from yibao.check.domains import _dependency_order
    from yibao.ir import nodes as ir
    defs = {name: ir.Definition(name, "let", ir.MONEY, None, "测试", None,
                                expr=ir.Op("max", tuple(ir.Ref(r, ir.MONEY) for r in reads), ir.MONEY) if reads
                                else ir.Const(1, ir.MONEY))
            for name, reads in refs.items()}
    return list(_dependency_order(defs))


def test_the_dependency_order_puts_what_is_read_first_and_survives_a_cycle_and_a_foreign_name():
    assert _dependency_order_of({"c": ["b", "a"], "b": ["a"], "a": []}) == ["a", "b", "c"]
    # a cycle (the checker reports it elsewhere) ends the walk; a name that is not a definition is skipped
    assert _dependency_order_of({"x": ["y"], "y": ["x"]}) == ["y", "x"]
    assert _dependency_order_of({"x": ["outside"]}) == ["x"]
