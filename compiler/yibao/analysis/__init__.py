"""Findings with counterexamples, beyond types: table gaps and overlaps (tables), rules that never
fire or shadow others (rules), invariants tried over case spaces (invariants), and the engines
they share: case generation, casespace, casefacts, exprcompile, and the interpreter served by the
generated module (compiled)."""
