"""The analyses' column engine (casespace.py) gives, for every case of the spaces the analyses try,
what the reference interpreter with the generated decisions gives case by case: the same value, or
an exception of the same kind (the analyses ask no more of an exception). Every policy, every rule
guard and value, every invariant's expressions."""
from __future__ import annotations

import pytest

from yibao.ir import nodes as ir
from yibao.runtime import core as rt
from yibao.analysis.compiled import CompiledInterpreter
from yibao.analysis.casespace import Engine
from yibao.analysis.invariants import _spaces_where, _year_dates
from yibao.ir.nodes import facts_read
from yibao.analysis.rules import CaseGenerator

from conftest import policy_set

def _notices():
    ps = policy_set()
    out = []
    for path in sorted(ps.modules):
        m = ps.modules[path]
        if m.header is not None:
            out.append(path)
    return out


def _kind(exc):
    if isinstance(exc, rt.OutsideDomain):
        return "outside"
    if isinstance(exc, rt.Undecidable):
        return "undecidable"
    return type(exc).__name__


def _reference(interp, e, case):
    try:
        return ("value", interp.eval_expr(e, dict(case), {}))
    except Exception as exc:  # noqa: BLE001 (its kind is compared)
        return ("raises", _kind(exc))


def _engine(o):
    return ("value", o.value) if o.exc is None else ("raises", _kind(o.exc))


def _same(a, b) -> bool:
    return a == b and (a[0] != "value" or type(a[1]) is type(b[1]))


def _compare(program, engine, space, exprs, step: int = 5) -> int:
    interp = CompiledInterpreter(program)
    compared = 0
    for e in exprs:
        col = engine.atom(space, e) if isinstance(e, ir.Ref) else engine.column(space, e)
        assert len(col) == len(space)
        for i in range(0, len(space), step):
            want, got = _reference(interp, e, space.case(i)), _engine(col[i])
            assert _same(want, got), (program.document, e, space.case(i), want, got)
            compared += 1
    return compared


@pytest.mark.parametrize("path", _notices())
def test_columns_equal_the_reference_case_by_case(path):
    program, _ = policy_set().check(path)
    engine = Engine(program)
    gen = CaseGenerator(program)
    compared = 0
    for d in program.definitions.values():
        if not d.rules:
            continue
        guards = [r.guard for r in d.rules if r.guard is not None]
        space = engine.space(*gen.combinations(facts_read(program, guards)))
        compared += _compare(program, engine, space, guards + [r.value for r in d.rules])
    gen = CaseGenerator(program, extra_dates=_year_dates(program))
    for inv in program.invariants:
        exprs = [e for e in (inv.when, inv.holds) if e is not None] + [ir.Ref(n, ir.ANY) for n in inv.undecided]
        for space in _spaces_where(gen, facts_read(program, exprs), engine, inv):
            compared += _compare(program, engine, space, exprs, step=11)
    assert compared > 500  # the spaces are not empty


def test_with_on_a_fixed_value_is_the_changed_case():
    # `contribution with tier = 一档`: evaluated on the space with the fact fixed, as on each changed case
    path = next(p for p in _notices() if "chongqing-2024" in p)
    program, _ = policy_set().check(path)
    inv = next(i for i in program.invariants if i.holds is not None and
               any(isinstance(x, ir.With) for x in ir.subexprs(i.holds)))
    with_node = next(x for x in ir.subexprs(inv.holds) if isinstance(x, ir.With))
    engine = Engine(program)
    gen = CaseGenerator(program, extra_dates=_year_dates(program))
    space = next(_spaces_where(gen, facts_read(program, [inv.when, inv.holds]), engine, inv))
    assert engine._with(space, with_node) is not None  # the fast way is the one taken
    assert _compare(program, engine, space, [with_node], step=1) == len(space)
