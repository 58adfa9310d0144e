"""The idioms every evaluator shares: exact money and the Civil Code's periods (art. 201–203)."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from yibao.runtime.core import first_of_next_month, money_out, pct, plus_days, plus_months, year_end

D = dt.date


@pytest.mark.parametrize("start,months,expected", [
    (D(2026, 1, 1), 3, D(2026, 4, 1)),     # paid in 2025: the wait counts from 1 January
    (D(2026, 1, 31), 3, D(2026, 4, 30)),   # no 31 April: the month's last day
    (D(2026, 1, 31), 1, D(2026, 2, 28)),
    (D(2024, 1, 31), 1, D(2024, 2, 29)),   # leap year
    (D(2026, 11, 30), 3, D(2027, 2, 28)),  # across the year
    (D(2026, 3, 15), 4, D(2026, 7, 15)),
])
def test_months_end_on_the_same_day_or_the_months_last(start, months, expected):
    assert plus_months(start, months) == expected


def test_ninety_days_after_a_payment_ends_on_d_plus_90_and_benefits_start_the_next_day():
    paid = D(2024, 3, 1)
    assert plus_days(paid, 90) == D(2024, 5, 30)
    assert plus_days(plus_days(paid, 90), 1) == D(2024, 5, 31)


@pytest.mark.parametrize("d,expected", [(D(2024, 1, 15), D(2024, 2, 1)), (D(2024, 2, 29), D(2024, 3, 1)),
                                        (D(2023, 12, 31), D(2024, 1, 1))])
def test_first_day_of_next_month(d, expected):
    assert first_of_next_month(d) == expected


@pytest.mark.parametrize("fen,num,den,expected", [
    (38000, 90, 100, 34200), (38000, 70, 100, 26600), (35000, 70, 100, 24500), (38000, 80, 100, 30400),
    (50, 33, 100, 17), (5, 50, 100, 3), (-5, 50, 100, -3), (1, 1, 3, 0), (2, 1, 3, 1),
])
def test_a_percentage_rounds_half_up_to_the_fen_only_where_not_whole(fen, num, den, expected):
    assert pct(fen, num, den) == expected


@given(st.integers(0, 10 ** 9), st.integers(0, 100))
def test_whole_percentages_of_whole_yuan_are_exact(yuan, p):
    assert pct(yuan * 100, p, 100) == yuan * p


def test_money_prints_with_two_decimals():
    assert [money_out(x) for x in (34200, 5, 0, -1050)] == ["342.00", "0.05", "0.00", "-10.50"]
    assert year_end(2024) == D(2024, 12, 31)


def test_an_id_passes_through_as_a_string_or_a_whole_number():
    from decimal import Decimal
    from yibao.runtime import core
    spec = {"tier": ("int", {}, core._ABSENT)}
    assert core.decode_case({"id": 7}, spec) == {"id": 7}
    assert core.decode_case({"id": "0012"}, spec) == {"id": "0012"}
    assert core.decode_case({"id": Decimal("2.0")}, spec) == {"id": 2}
    for bad in (True, Decimal("2.5"), 10 ** 9 + 1, None, [1]):
        with pytest.raises(core.CaseError, match="field `id`: expected a string or a whole number"):
            core.decode_case({"id": bad}, spec)


def test_a_guarded_value_is_outside_only_where_a_check_holds():
    from yibao.runtime import core

    def outside():
        core._outside(["closed"])

    def unknown():
        raise core.UnknownValue("x")
    assert core._in_domain([(lambda: False, outside)], lambda: 5) == 5
    with pytest.raises(core.OutsideDomain):
        core._in_domain([(lambda: True, outside)], lambda: 5)
    with pytest.raises(core.OutsideDomain):  # a check that holds wins over one that cannot be decided
        core._in_domain([(unknown, outside), (lambda: True, outside)], lambda: 5)
    with pytest.raises(core.UnknownValue):  # where none holds, the undecided one decides
        core._in_domain([(unknown, outside), (lambda: False, outside)], lambda: 5)
    with pytest.raises(KeyError):  # a fact the case does not give is undecided too, the first one kept
        core._in_domain([(lambda: {}["k"], outside), (unknown, outside)], lambda: 5)


def test_a_best_of_entries_one_of_which_is_unknown_is_unknown():
    from yibao.runtime import core
    unknown = core._UnknownEntry("the 2025 standard")
    assert core._best_known([3, 7, 5], 0) == 7 and core._best_known([], 4) == 4
    with pytest.raises(core.UnknownValue, match="the 2025 standard"):
        core._best_known([3, unknown, 9], 0)  # even where a known entry is larger
    with pytest.raises(core.UnknownValue, match="the default"):
        core._best_known([], core._UnknownEntry("the default"))


# ---- messages: values shown in one line, a decision asked for by a wrong name, an id's bound ----
def test_a_value_is_shown_whole_up_to_60_characters_and_cut_to_60_with_an_ellipsis_after():
    from yibao.runtime.core import _show
    assert _show("x" * 58) == repr("x" * 58) and len(_show("x" * 58)) == 60
    assert _show("x" * 59) == "'" + "x" * 58 + "…" and len(_show("x" * 59)) == 60


def test_a_field_name_of_60_printable_characters_is_shown_as_it_is():
    from yibao.runtime.core import CaseError, _show
    assert CaseError("f" * 60, "unknown_field", {}).shown == "f" * 60
    assert CaseError("f" * 61, "unknown_field", {}).shown == _show("f" * 61)  # quoted, and cut


def test_a_decision_asked_for_by_a_name_the_interface_lacks_is_bad_input_with_the_nearest_names():
    from yibao.runtime.core import CaseError, Undecidable, wanted_error
    error = wanted_error("contributon", "测试〔2024〕1号", ["amount_due"])
    assert isinstance(error, CaseError) and "`contribution`" in error.line("en")
    assert isinstance(wanted_error("assistance", "测试〔2024〕1号", ["amount_due"]), Undecidable)
    assert wanted_error("amount_due", "测试〔2024〕1号", ["amount_due"]) is None


def test_an_id_may_be_any_text_or_a_whole_number_up_to_a_billion():
    from yibao.runtime.core import MAX_INT, CaseError, _id_value
    assert _id_value(MAX_INT) == MAX_INT and _id_value(-MAX_INT) == -MAX_INT and _id_value("x" * 200) == "x" * 200
    with pytest.raises(CaseError):
        _id_value(MAX_INT + 1)


def test_a_field_name_that_cannot_be_printed_is_shown_escaped():
    from yibao.runtime.core import CaseError, _show
    assert CaseError("a\nb", "unknown_field", {}).shown == _show("a\nb") == "'a\\nb'"


def test_the_wrong_name_itself_is_in_the_message_text_or_number():
    from yibao.runtime.core import wanted_error
    assert "`contributon` is not a decision" in wanted_error("contributon", "测试〔2024〕1号", []).line("en")
    assert "`5` is not a decision" in wanted_error(5, "测试〔2024〕1号", []).line("en")


def test_a_domains_reason_is_written_from_its_parts_when_read():
    from yibao.runtime.core import OutsideDomain
    assert str(OutsideDomain("as written")) == "as written"
    parts = ["paid ", ("money", lambda: 38000), " on ", ("date", lambda: __import__("datetime").date(2024, 1, 2)), "."]
    e = OutsideDomain(parts)
    assert str(e) == e.message == "paid 380.00 on 2024-01-02." and e.params == {"because": "paid 380.00 on 2024-01-02."}


def test_no_rule_applies_says_where_only_when_told():
    from yibao.runtime.core import NoRuleApplies
    assert NoRuleApplies("fee", "line 3").params == {"name": "fee", "where": " (line 3)"}
    assert NoRuleApplies("fee").params == {"name": "fee", "where": ""}


def test_an_id_before_the_facts_does_not_end_the_decoding():
    from yibao.runtime.core import decode_case
    spec = {"n": ("int", {}, 0), "s": ("set", {1: 1, 2: 2}, frozenset())}
    assert decode_case({"id": 7, "n": 3}, spec) == {"id": 7, "n": 3, "s": frozenset()}


def test_true_is_no_member_of_a_set_whose_codes_are_numbers():
    from yibao.runtime.core import CaseError, decode_case
    with pytest.raises(CaseError):
        decode_case({"s": [True]}, {"s": ("set", {1: 1, 2: 2}, frozenset())})


def test_a_case_id_is_read_only_from_an_object():
    from yibao.runtime.core import case_id
    assert case_id(["id"]) is None and case_id("id") is None and case_id({"id": "a"}) == "a"


def test_values_go_out_in_the_interfaces_form_and_money_to_python_as_decimal():
    from decimal import Decimal
    from fractions import Fraction
    from yibao.runtime.core import _python_value, output_value
    assert output_value("rate", Fraction(9, 10)) == "9/10" and output_value("int", 5) == 5
    assert _python_value("money", 38000) == Decimal("380.00") and _python_value("int", 5) == 5


@pytest.mark.parametrize("fen, text", [(-1, "-0.01"), (-100, "-1.00"), (0, "0.00"), (1, "0.01")])
def test_a_negative_fen_prints_its_sign(fen, text):
    assert money_out(fen) == text


def test_half_a_fen_below_zero_rounds_away_from_zero():
    assert pct(-1, 1, 2) == -1 and pct(1, 1, 2) == 1 and pct(-1, 1, 3) == 0


@pytest.mark.parametrize("start, months, end", [(D(2024, 10, 31), 1, D(2024, 11, 30)), (D(2024, 8, 31), 2, D(2024, 10, 31)),
                                                (D(2024, 3, 31), 3, D(2024, 6, 30)), (D(2024, 8, 31), 1, D(2024, 9, 30))])
def test_every_month_has_its_own_length(start, months, end):
    assert plus_months(start, months) == end


def test_a_fact_the_case_lacks_is_named():
    from yibao.runtime.core import MissingFact, _decide
    with pytest.raises(MissingFact) as info:
        _decide(lambda c: c["birth_date"], {})
    assert "birth_date" in str(info.value)
