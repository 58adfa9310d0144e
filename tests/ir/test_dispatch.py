"""One dispatch over the IR (ir/walk.py): every visitor — the reference interpreter, the Python,
NumPy and JavaScript generators, the analyses' expression compiler — has a handler for every node
and every operator, or says why not; a new construct fails here naming each visitor that lacks it."""
from __future__ import annotations

import importlib
import pkgutil
import typing

import pytest

import yibao
from yibao.ir import nodes as ir
from yibao.ir import walk
from yibao.ir.interpret import _OPS


def _import_everything():
    """Every module of the compiler, so that every visitor class is defined (and registered)."""
    for info in pkgutil.walk_packages(yibao.__path__, "yibao."):
        if not info.name.startswith("yibao._policies"):
            importlib.import_module(info.name)
    return list(walk.VISITORS)


VISITORS = _import_everything()


def test_the_visitors_are_the_interpreter_the_generators_and_the_analyses():
    names = {f"{v.__module__}.{v.__name__}" for v in VISITORS}
    assert {"yibao.ir.interpret.Interpreter", "yibao.backends.python.generate._Generator",
            "yibao.backends.javascript.generate._Generator", "yibao.backends.numpy.generate._Gen",
            "yibao.analysis.exprcompile._Compiler", "yibao.analysis.compiled.CompiledInterpreter"} <= names


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: f"{v.__module__}.{v.__name__}")
def test_every_visitor_handles_every_node_and_operator(visitor):
    assert walk.missing(visitor) == [], f"{visitor.__module__}.{visitor.__name__} lacks handlers"


def test_the_nodes_are_every_expression_class():
    assert set(walk.NODES) == set(typing.get_args(ir.Expr))


def test_the_operators_are_what_the_interpreter_runs():
    assert walk.OPERATORS == set(_OPS) | {"and", "or"}


def test_every_operator_in_the_notices_is_known():
    from conftest import POLICIES, program
    from yibao.policies.directory import PolicySet
    seen = set()
    for document in PolicySet(POLICIES).notices:
        for d in program(document).definitions.values():
            for e in ir.definition_exprs(d):
                seen |= {x.op for x in ir.subexprs(e) if isinstance(x, ir.Op)}
    assert seen and seen <= walk.OPERATORS, seen - walk.OPERATORS


def test_a_visitor_missing_a_node_or_an_operator_is_named():
    class Partial(walk.Visitor):
        NOT_HANDLED = {"With": "not generated"}

        def x_Const(self, e):
            return e.value
        op_add = op_sub = x_Const

    try:
        lacking = walk.missing(Partial)
        assert "x_Fact" in lacking and "x_With" not in lacking and "x_Const" not in lacking
        assert "op_mul" in lacking and "op_add" not in lacking
        with pytest.raises(TypeError, match="Partial has no handler for Fact"):
            Partial().visit(ir.Fact("tier", ir.INT))
    finally:
        walk.VISITORS.remove(Partial)


def test_a_new_node_fails_every_visitor_until_each_has_a_handler(monkeypatch):
    """As a new construct would: a node class added to NODES is missing from every visitor."""
    class Percentile:
        pass
    monkeypatch.setattr(walk, "NODES", walk.NODES + (Percentile,))
    assert all("x_Percentile" in walk.missing(v) for v in VISITORS)
