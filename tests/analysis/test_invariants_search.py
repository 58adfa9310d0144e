"""The invariants' check (analysis/invariants.py) on a made-up notice, with the solver and without it
(the sampled search alone): an invariant that holds, one that fails (E701 with the smallest case, the
value that breaks it, where it was declared and the rules that fired), one every case of which needs
an unknown (W702), and how each was settled (`statuses`)."""
from __future__ import annotations

import pytest

from helpers import check
from yibao.analysis import invariants

Q = '§一 "个人缴费标准为一档 380 元/人·年"'
BODY = f'''decision fee : money "费" {{
  rule 一 {Q}
    when tier = 一档 then 380 元
  rule 二 {Q}
    when tier = 二档 then 380 元 + 375 元
}}
decision u : money "u" {{
  rule 不知 {Q}
    when tier = 一档 then unknown "not stated"
}}
invariant 正 "never negative"
  holds fee >= 0 元
invariant 坏 "tier two under 500"
  when tier = 二档
  holds fee < 500 元
invariant 未知 "needs u"
  holds u > 0 元
invariant 日 "paid this year"
  when payment_date > 2024-06-30
  holds fee = 380 元
'''


@pytest.fixture
def program(tmp_path):
    p, diags = check(tmp_path, BODY)
    assert p is not None and [d.code for d in diags] == ["W402"]  # 375 元 is not in the quote: a warning
    return p


def found(diags):
    return [(d.code, d.message, d.span.line, d.span.column) for d in diags]


EXPECTED = [
    ("E701", 'invariant `坏` fails for {"tier": 2}: fee = 755.00', 13, 3),
    ("W702", "invariant `未知` could be tried on no case of 测试〔2024〕1号: every case where it applies needs an "
             "unknown, so it is not proved", 25, 1),
    ("E701", 'invariant `日` fails for {"payment_date": "2024-12-30", "tier": 2}: fee = 755.00', 13, 3),
]


def _own(statuses):
    """The policy's own invariants' statuses (interface.md's, `接口_…`, are settled on every notice too)."""
    return [s for s in statuses if not s["invariant"].startswith("接口_")]


def test_with_the_solver(program):
    diags = invariants.prove(program)
    assert found(diags) == EXPECTED
    assert [d.notes[1:] for d in diags if d.code == "E701"] == [
        ("the invariant: tier two under 500", "rules that fired: fee#二 (测试〔2024〕1号)"),
        ("the invariant: paid this year", "rules that fired: fee#二 (测试〔2024〕1号)")]
    assert diags[0].notes[0].startswith("invariant declared at ") and diags[0].notes[0].endswith("t.policy:22:1")
    assert [(s["invariant"], s["status"], s["line"]) for s in _own(invariants.statuses(program))] == [
        ("正", "proved", 20), ("坏", "failed", 22), ("未知", "sampled", 25), ("日", "failed", 27)]
    assert "reason" not in invariants.statuses(program)[0]


def test_without_the_solver_the_sampled_search_finds_the_same(program, monkeypatch):
    monkeypatch.setattr(invariants, "_solve", lambda program, inv: ([], None, "no solver here"))
    assert found(invariants.prove(program)) == EXPECTED
    assert [(s["invariant"], s["status"], s.get("reason")) for s in _own(invariants.statuses(program))] == [
        ("正", "sampled", "no solver here"), ("坏", "failed", "no solver here"),
        ("未知", "sampled", "no solver here"), ("日", "failed", "no solver here")]


def test_a_notice_without_invariants_has_nothing_to_settle(tmp_path):
    p, _ = check(tmp_path, f'decision fee : money "费" = 380 元 {Q}\n')
    p.invariants = []
    assert invariants.prove(p) == [] and invariants.statuses(p) == []


def test_the_coverage_years_edges_are_tried(program):
    import datetime as dt
    assert invariants._year_dates(program)[:3] == [dt.date(2023, 1, 1), dt.date(2024, 1, 1), dt.date(2024, 12, 31)]


@pytest.mark.parametrize("solver", [True, False])
def test_an_undecided_invariant_without_when_checks_every_decision_it_names(tmp_path, monkeypatch, solver):
    # `fee` first: it answers (a failure); `u` after it never does, and must not hide that
    p, _ = check(tmp_path, BODY + 'invariant 都无 "never decided"\n  undecided fee, u\n')
    if not solver:
        monkeypatch.setattr(invariants, "_solve", lambda program, inv: ([], None, "no solver here"))
    assert [f for f in found(invariants.prove(p)) if "都无" in f[1]] == [
        ("E701", 'invariant `都无` fails for {"tier": 1}: `fee` answers where it must not: fee = 380.00', 11, 3)]


def test_a_date_the_invariant_computes_is_tried_too(tmp_path, monkeypatch):
    # the only failing days lie after 2025-01-01, a day the policy never names but the invariant computes
    p, diags = check(tmp_path, f'decision fee : money "费" = 380 元 {Q}\ninvariant 窄 "after next new year"\n'
                               '  when payment_date > start of year (coverage_year + 1)\n  holds fee = 1 元\n')
    assert diags == []
    import datetime as dt
    assert invariants._year_dates(p)[3:] == [dt.date(2025, 1, 1)]
    monkeypatch.setattr(invariants, "_solve", lambda program, inv: ([], None, "no solver here"))
    assert [(d.code, d.message) for d in invariants.prove(p)] == [
        ("E701", 'invariant `窄` fails for {"payment_date": "2025-01-02"}: fee = 380.00')]


# ---- the search's case space: enumerated up to its budget, else a sample with every candidate ----
class _Gen:
    """The parts of analysis.rules.CaseGenerator that the search's combinations read."""

    def __init__(self, domains: dict):
        from types import SimpleNamespace
        self._domains = domains
        self.program = SimpleNamespace(facts={n: SimpleNamespace(type="int") for n in domains})
        self.offsets_days = set()

    def values(self, fact):
        return self._domains[fact]

    def combos(self, key, make):
        return list(make())


def test_a_case_space_of_exactly_the_budget_is_enumerated_not_sampled():
    import itertools
    gen = _Gen({"a": list(range(3)), "b": list(range(4))})
    names, combos = invariants._combinations(gen, ["a", "b"], 12)
    assert names == ("a", "b") and sorted(combos) == list(itertools.product(range(3), range(4)))
    names, combos = invariants._combinations(gen, ["a", "b"], 11)  # one over: a sample of 11
    assert len(combos) == 11


def test_a_sample_holds_every_candidate_of_every_fact_however_many_it_has():
    domains = {"a": list(range(7)), "b": list(range(100)), "c": list(range(13)), "d": list(range(61))}
    combos = invariants._sample(_Gen(domains), tuple(domains), list(domains.values()), 4000)
    assert len(combos) == 4000
    for i, values in enumerate(domains.values()):
        assert {c[i] for c in combos} == set(values)
