"""parse(print(ast)) == ast, for the real policies and for generated expressions."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from conftest import POLICIES
from yibao.language import ast as A
from yibao.language.from_tree import parse_text
from yibao.language.printer import print_module


def test_every_policy_round_trips():
    for f in sorted(POLICIES.rglob("*.policy")):
        m = parse_text(f.read_text(encoding="utf-8"), str(f))
        text = print_module(m)
        assert parse_text(text) == m, f
        assert print_module(parse_text(text)) == text  # printing is a fixed point


names = st.sampled_from(["tier", "一档标准", "payment_date", "低保对象", "x_1", "集中缴费截止"])
units = st.sampled_from([None, "元", "%", "days", "个月"])
numbers = st.builds(lambda n, u: A.NumberLit(str(n), u), st.integers(0, 10 ** 6), units)
atoms = st.one_of(
    numbers,
    st.builds(A.DateLit, st.dates()),
    st.builds(A.StringLit, st.text(max_size=8)),
    st.builds(A.BoolLit, st.booleans()),
    st.builds(A.UnknownLit, st.one_of(st.none(), st.text(max_size=8))),
    st.builds(A.Name, names),
    st.builds(A.SetLit, st.lists(names, max_size=3).map(tuple)),
)


def _extend(children):
    return st.one_of(
        st.builds(A.Binary, st.sampled_from(["+", "-", "*", "of", "and", "or", "=", "!=", "<", "<=", ">", ">="]),
                  children, children),
        st.builds(A.Unary, st.sampled_from(["not", "-"]), children),
        st.builds(A.If, children, children, children),
        st.builds(A.InRange, children, children, children),
        st.builds(A.MemberOf, children, children),
        st.builds(A.Overlaps, children, children),
        st.builds(A.DateIdiom, st.sampled_from(["day_after", "first_of_next_month", "year_start", "year_end"]), children),
        st.builds(A.Call, st.sampled_from(["max", "min", "months"]), st.lists(children, min_size=1, max_size=3).map(tuple)),
        st.builds(A.Index, st.builds(A.Name, names), children),
    )


exprs = st.recursive(atoms, _extend, max_leaves=12)


def _nonchaining(e) -> bool:
    """Comparisons do not chain in the grammar: a comparison directly inside one needs no test."""
    return True


@settings(max_examples=300, deadline=None)
@given(exprs)
def test_expressions_round_trip(e):
    m = A.Module((A.Definition("let", False, "v", None, None, A.Value(e), None, None),))
    assert parse_text(print_module(m)) == m
