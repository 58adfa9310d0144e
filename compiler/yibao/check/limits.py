"""How deep evaluating a checked program can go, bounded before anything evaluates it.

The interpreter, the constant folder and the generated code recurse along a definition's expression
and into the definitions it names. Parsing bounds one expression's nesting (from_tree.MAX_NESTING)
and the checker one chain of definitions; this pass bounds the two together: the deepest path of
expression nodes, following each name into its definition. It is iterative, so a program of any
depth gets its diagnostic rather than a RecursionError.
"""
from __future__ import annotations

from ..ir import nodes as ir
from ..base.diagnostics import Diagnostic

# The policies here reach 12. A reference interpreter spends about three Python frames per level,
# and Python allows 1000, less what the caller already uses.
MAX_EVAL_DEPTH = 200


def evaluation_depths(program: ir.Program) -> dict[str, int]:
    """Definition → the deepest path of expression nodes evaluating it can take (definitions are in
    dependency order, so each one's references are already measured)."""
    depths: dict[str, int] = {}
    for name, d in program.definitions.items():
        deepest = 0
        for root in ir.definition_exprs(d):
            stack = [(root, 1)]
            while stack:
                e, depth = stack.pop()
                if e is None:
                    continue
                if isinstance(e, ir.Ref):
                    depth += depths.get(e.name, 0)
                deepest = max(deepest, depth)
                stack.extend((x, depth + 1) for x in ir.children(e))
        depths[name] = deepest
    return depths


def depth_diagnostics(program: ir.Program) -> list[Diagnostic]:
    """E110 on the first definitions (in dependency order) whose evaluation would go too deep."""
    out = []
    for name, depth in evaluation_depths(program).items():
        if depth > MAX_EVAL_DEPTH:
            d = program.definitions[name]
            out.append(Diagnostic(
                "E110", f"evaluating `{name}` goes {depth} levels deep, more than {MAX_EVAL_DEPTH}",
                d.span, "too deep through the definitions it uses",
                hint="a long chain of `let`s each using the last: compute it in fewer steps"))
            break  # every definition that uses it is deeper still: one error says it
    return out


# A notice implementing one implementing another …: the policies here go 2 deep. Each level is checked
# inside the next (its namespace is the child's parent), so the chain is bounded like nesting.
MAX_IMPLEMENTS_DEPTH = 100


def implements_too_deep(checker, header, depth: int) -> bool:
    """E110 at the header of the notice that is `depth` implementations below the one checked, once
    that is past the bound: whether it is."""
    if depth < MAX_IMPLEMENTS_DEPTH:
        return False
    checker.error("E110", f"notices implement one another more than {MAX_IMPLEMENTS_DEPTH} deep", header.span,
                  "too deep a chain of `implements`",
                  hint="a notice implements the municipal or provincial notice it follows, not a long chain")
    return True
