"""The reference interpreter with a program's decisions served by its generated module, with the
same answers (the generated module is tested equal to the interpreter): the analyses' reference
for one case (casespace.py evaluates whole spaces and is tested equal to it; the invariant prover
shrinks and explains a counterexample with it)."""
from __future__ import annotations

from ..ir import nodes as ir
from ..runtime import core as rt
from ..ir.interpret import Interpreter


class CompiledInterpreter(Interpreter):
    """The interpreter, with decisions served by the generated module (memoised in the case dict)."""

    def __init__(self, program: ir.Program):
        super().__init__(program)
        module = program.__dict__.get("_generated")
        if module is None:  # generated once per checked program, for every analysis (the driver
            from ..backends.targets import target  # hands in the cached one: policies/warm.analyze)
            module = program.__dict__["_generated"] = target("python").load(program)
        self.functions = {name: fn for name, (fn, _) in module.DECISIONS.items()}
        self.module = module  # it carries its own copy of the runtime's exceptions

    def _ref(self, name, case, memo):
        fn = self.functions.get(name)
        if fn is None:
            return super()._ref(name, case, memo)
        if name not in memo:
            c = memo.get("@case")
            if c is None:  # one copy per case: the generated functions memoise in it
                c = memo["@case"] = dict(case)
            try:
                memo[name] = fn(c)
            except KeyError as exc:
                raise rt.MissingFact(exc.args[0]) from None
            except self.module.OutsideDomain as exc:
                raise rt.OutsideDomain(exc) from None  # its message, written only if read
            except self.module.Undecidable as exc:
                raise rt.Undecidable(exc.message) from None
        return memo[name]
