"""Properties every encoded notice must have, over cases generated from the interface's fields.

For each notice in policies/ (hypothesis, 200 examples a property, no deadline):

- amount_due = max(contribution − assistance, 0) ≥ 0 wherever the three decide;
- several identities give the best single identity's assistance (the maximum over the singletons);
  where a singleton's assistance is undecidable, so is the set's;
- benefit_start ≤ benefit_end where both decide, for every payment: a wait that would end after
  the benefit end leaves both undecidable (the notices' domains), never a start after the end;
- tier 2 never costs less than tier 1 for the same other facts: the contribution always, and the
  amount due without assistance identities (with them it may: 九龙坡 and 峰岩 pay 三属 and 在乡复员军人
  in full in tier 2 only, so tier 2 costs them 0 and tier 1 380);
- the reference interpreter and the generated module agree on every decision, undecidability
  included.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import evaluator, policy_set, program
from helpers import decide
from yibao.ir.interpret import Interpreter
from yibao.runtime.core import Undecidable, output_value
from yibao.ir.kinds import output_kind

NOTICES = sorted(policy_set().notices)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
UNDECIDED = ("undecidable",)


def _codes(notice: str, enum: str) -> list:
    return program(notice).enums[enum].codes()


@st.composite
def cases(draw, notice: str, latest: dt.date | None = None, max_lapsed: int = 6, identities=None):
    """A JSON case in interface.md's fields, dated around the notice's coverage year."""
    year = program(notice).coverage
    payment = draw(st.dates(dt.date(year - 1, 8, 1), latest or dt.date(year + 1, 1, 31)))
    case = {
        "group": draw(st.sampled_from(_codes(notice, "群体"))),
        "tier": draw(st.sampled_from(_codes(notice, "档次"))),
        "payment_date": payment.isoformat(),
    }
    if identities is None:
        identities = draw(st.lists(st.sampled_from(_codes(notice, "资助身份")), max_size=3, unique=True))
    case["identities"] = list(identities)
    if case["group"] == "newborn" or draw(st.booleans()):
        case["birth_date"] = (payment - dt.timedelta(days=draw(st.integers(0, 200)))).isoformat()
    lapsed = draw(st.integers(0, max_lapsed))
    case["lapsed_years"] = lapsed
    case["continuous"] = lapsed == 0 and draw(st.booleans() | st.just(True))
    # consistent facts (the library's constraints): after a lapse the streak is this year alone
    streak = st.integers(1, 12) if case["continuous"] else st.just(1)
    for name, strategy in (("continuous_years", streak),
                           ("employee_insurance_gap_months", st.integers(0, 12)),
                           ("inpatient_reimbursement",
                            st.decimals(0, 3000, places=2, allow_nan=False).map(str))):
        if draw(st.booleans()):
            case[name] = draw(strategy)
    # zero claims last year says the person was insured last year: never beside a lapse or a streak of one
    insured_last_year = lapsed == 0 and case.get("continuous_years", 2) >= 2
    case["zero_claim_last_year"] = insured_last_year and draw(st.booleans())
    case["freshman"] = draw(st.booleans())
    case["graduating"] = draw(st.booleans())
    return case


def interpreted(notice: str, raw: dict) -> dict:
    """decision → output value, or UNDECIDED, by the reference interpreter."""
    prog, ev = program(notice), evaluator(notice)
    c = ev.decode(raw)
    interp, memo, out = Interpreter(prog), {}, {}
    for name in prog.decisions:
        try:
            out[name] = output_value(output_kind(prog.definitions[name].type), interp.decide(name, dict(c), memo))
        except Undecidable:
            out[name] = UNDECIDED
    return out


def generated(notice: str, raw: dict) -> dict:
    """decision → output value, or UNDECIDED, by the generated module."""
    ev = evaluator(notice)
    c = ev.decode(raw)
    out = {}
    for name, (fn, kind) in ev.decisions.items():
        try:
            out[name] = output_value(kind, decide(ev.module, fn, dict(c)))
        except ev.Undecidable:
            out[name] = UNDECIDED
    return out


def money(v) -> Decimal | None:
    return None if v == UNDECIDED else Decimal(v)


def _states(notice: str, *names: str) -> bool:
    return all(n in program(notice).decisions for n in names)


@pytest.mark.parametrize("notice", NOTICES)
@SETTINGS
@given(data=st.data())
def test_interpreter_and_generated_module_agree(notice, data):
    raw = data.draw(cases(notice))
    assert interpreted(notice, raw) == generated(notice, raw), raw


@pytest.mark.parametrize("notice", NOTICES)
@SETTINGS
@given(data=st.data())
def test_amount_due_is_contribution_less_assistance_never_negative(notice, data):
    if not _states(notice, "amount_due", "contribution", "assistance"):
        pytest.skip(f"{notice} does not state the money decisions")
    raw = data.draw(cases(notice))
    out = interpreted(notice, raw)
    due, contribution, assistance = (money(out[n]) for n in ("amount_due", "contribution", "assistance"))
    if None in (contribution, assistance):
        assert due is None, raw
        return
    assert due == max(contribution - assistance, Decimal(0)), raw
    assert due >= 0


@pytest.mark.parametrize("notice", NOTICES)
@SETTINGS
@given(data=st.data())
def test_several_identities_give_the_best_single_one(notice, data):
    if not _states(notice, "assistance"):
        pytest.skip(f"{notice} does not state assistance")
    ids = data.draw(st.lists(st.sampled_from(_codes(notice, "资助身份")), min_size=2, max_size=4, unique=True))
    raw = data.draw(cases(notice, identities=ids))
    together = money(interpreted(notice, raw)["assistance"])
    alone = [money(interpreted(notice, {**raw, "identities": [i]})["assistance"]) for i in ids]
    if None in alone:
        assert together is None, raw
    else:
        assert together == max(alone), (raw, alone)


@pytest.mark.parametrize("notice", NOTICES)
@SETTINGS
@given(data=st.data())
def test_benefits_start_no_later_than_they_end(notice, data):
    year = program(notice).coverage
    assert year  # every notice states its coverage year
    raw = data.draw(cases(notice, latest=dt.date(year + 1, 1, 31)))
    out = interpreted(notice, raw)
    start, end = out.get("benefit_start", UNDECIDED), out.get("benefit_end", UNDECIDED)
    if UNDECIDED not in (start, end):
        assert start <= end, raw


@pytest.mark.parametrize("notice", NOTICES)
@SETTINGS
@given(data=st.data())
def test_tier_2_never_costs_less_than_tier_1(notice, data):
    raw = data.draw(cases(notice))
    one = interpreted(notice, {**raw, "tier": 1})
    two = interpreted(notice, {**raw, "tier": 2})
    c1, c2 = money(one["contribution"]), money(two["contribution"])
    if None not in (c1, c2):
        assert c2 >= c1, raw
    plain = {**raw, "identities": []}
    d1 = money(interpreted(notice, {**plain, "tier": 1})["amount_due"])
    d2 = money(interpreted(notice, {**plain, "tier": 2})["amount_due"])
    if None not in (d1, d2):
        assert d2 >= d1, plain
