"""Bounded unknowns at run time (runtime/bounded.py), operation by operation: arithmetic keeps the
bounds, a result the bounds fix is a plain value again, and a comparison is decided by the bounds
exactly at their edges or raises UnknownValue naming the unknowns."""
from __future__ import annotations

import pytest

from yibao.runtime.bounded import Bounded, _bounded, _max, _min, _resolved
from yibao.runtime.core import UnknownValue


def B(lo, hi, what="w"):
    return Bounded(lo, hi, what)


def bounds(x):
    return (x.lo, x.hi, x.what) if isinstance(x, Bounded) else x


def unknown(fn) -> str:
    with pytest.raises(UnknownValue) as info:
        fn()
    return info.value.what


def test_it_prints_its_bounds_and_what_it_is():
    assert str(B(1, None)) == "unknown (≥ 1): w"
    assert str(B(None, 9)) == "unknown (≤ 9): w"
    assert str(B(1, 9)) == "unknown (≥ 1, ≤ 9): w"
    assert repr(B(1, None, "x")) == "_bounded(1, None, 'x')"


def test_bounds_that_meet_are_the_value():
    assert _bounded(5, 5, "w") == 5 and not isinstance(_bounded(5, 5, "w"), Bounded)
    assert bounds(_bounded(None, None, "w")) == (None, None, "w")
    assert bounds(_bounded(4, 5, "w")) == (4, 5, "w")


def test_it_is_neither_true_nor_false():
    assert unknown(lambda: bool(B(1, 5))) == "w"


def test_adding_and_subtracting_keep_the_bounds():
    assert bounds(B(1, 5, "a") + 10) == (11, 15, "a")
    assert bounds(10 + B(1, 5, "a")) == (11, 15, "a")
    assert bounds(B(1, 5, "a") + B(None, 3, "b")) == (None, 8, "a and b")
    assert bounds(B(1, 5, "a") + B(1, 5, "a")) == (2, 10, "a")  # named once
    assert bounds(-B(1, None)) == (None, -1, "w")
    assert bounds(-B(None, 4)) == (-4, None, "w")
    assert bounds(B(1, 5) - 2) == (-1, 3, "w")
    assert bounds(10 - B(1, 5)) == (5, 9, "w")
    assert bounds(B(1, 5, "a") - B(1, 2, "b")) == (-1, 4, "a and b")


def test_multiplying_keeps_the_bounds_and_turns_them_for_a_negative():
    assert bounds(B(1, 5) * 3) == (3, 15, "w")
    assert bounds(3 * B(1, None)) == (3, None, "w")
    assert bounds(B(1, 5) * -2) == (-10, -2, "w")
    assert bounds(B(None, 5) * -1) == (-5, None, "w")
    assert B(1, 5) * 0 == 0
    from fractions import Fraction
    assert bounds(B(2, 4) * Fraction(-1, 2)) == (-2, -1, "w")  # a negative rate turns the bounds too
    assert bounds(B(2, 4) * Fraction(1, 2)) == (1, 2, "w")
    assert unknown(lambda: B(1, 5, "a") * B(1, 5, "b")) == "a and b"
    assert bounds(B(7, 15) // 2) == (3, 7, "w")
    assert bounds(B(None, 15) // 2) == (None, 7, "w")


@pytest.mark.parametrize("x, other, lt, le", [
    (B(1, 5), 6, True, True), (B(1, 5), 5, None, True), (B(1, 5), 1, False, None), (B(1, 5), 0, False, False),
    (B(5, 9), 5, False, None), (B(6, 9), 5, False, False), (B(None, 4), 5, True, True), (B(1, None), 0, False, False),
    (B(None, None), 3, None, None), (B(1, 5), 3, None, None)])
def test_a_comparison_is_decided_exactly_at_the_edges(x, other, lt, le):
    for got, want in ((lambda: x < other, lt), (lambda: x <= other, le)):
        if want is None:
            assert unknown(got) == "w"
        else:
            assert got() is want


@pytest.mark.parametrize("x, other, gt, ge", [
    (B(1, 5), 0, True, True), (B(1, 5), 1, None, True), (B(1, 5), 5, False, None), (B(1, 5), 6, False, False),
    (B(1, 5), 3, None, None)])
def test_greater_is_the_mirror(x, other, gt, ge):
    for got, want in ((lambda: x > other, gt), (lambda: x >= other, ge)):
        if want is None:
            assert unknown(got) == "w"
        else:
            assert got() is want


def test_equality_is_decided_only_outside_the_bounds():
    x = B(1, 5)
    assert (x == x) is True
    assert (x == 6) is False and (x == 0) is False
    assert (x != 6) is True
    assert unknown(lambda: x == 3) == "w"
    assert unknown(lambda: x == 5) == "w" and unknown(lambda: x == 1) == "w"
    assert unknown(lambda: B(1, 5, "a") == B(4, 9, "b")) == "a and b"
    assert (B(1, 3, "a") == B(4, 9, "b")) is False


def test_max_and_min_keep_the_bounds():
    assert _max(2, 3) == 3 and _min(2, 3) == 2
    assert bounds(_max(B(1, 5), 3)) == (3, 5, "w")
    assert bounds(_max(B(1, None), 3)) == (3, None, "w")
    assert bounds(_max(B(None, 5), 3)) == (3, 5, "w")
    assert bounds(_min(B(1, 5), 3)) == (1, 3, "w")
    assert bounds(_min(B(None, 5), 3)) == (None, 3, "w")
    assert bounds(_min(B(1, None), 3)) == (1, 3, "w")
    assert bounds(_max(B(4, 5, "a"), B(1, 2, "b"))) == (4, 5, "a and b")
    assert bounds(_min(B(4, 5, "a"), B(1, 2, "b"))) == (1, 2, "a and b")
    assert _max(B(1, 5), 5) == 5 and _min(B(5, 9), 5) == 5  # the bounds fix it


def test_a_decision_cannot_be_a_bounded_unknown():
    assert _resolved(3) == 3
    assert unknown(lambda: _resolved(B(1, 5, "资助标准"))) == "资助标准"
