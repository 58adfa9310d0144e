"""Evaluating cases in-process with the generated code (the interpreter serves --explain)."""
from __future__ import annotations

import json
import sys

from ..runtime import strict_json
from ..base.exits import BAD_INPUT, OK, UNDECIDABLE, Fail
from ..runtime.core import CaseError, output_value

TYPE_CHECKING = False  # (typing itself is not imported: a warm `yibao eval` never needs it)
if TYPE_CHECKING:
    import types

    from ..ir import nodes as ir


def load_generated(program: ir.Program) -> types.ModuleType:
    """The generated calculator as a module (its code from the cache when the notice's sources are
    unchanged: warm.py)."""
    from ..policies import warm
    return warm.module(program)


class Evaluator:
    def __init__(self, program: ir.Program):
        self.program = program
        self.module = load_generated(program)
        self.decisions = self.module.DECISIONS
        # the generated module carries its own copy of the runtime, exceptions included
        self.Undecidable, self.MissingFact = self.module.Undecidable, self.module.MissingFact
        self._decoder = None

    def check_wanted(self, wanted):
        """Fail(3) where a decision asked for is not one the notice states."""
        missing = [d for d in wanted or () if d not in self.program.decisions]
        if missing:
            raise Fail(UNDECIDABLE, f"{self.program.document} does not state `{missing[0]}`; it states "
                       + ", ".join(self.program.decisions), field="decision")

    def decode(self, raw) -> dict:
        """A JSON case → runtime values: the generated fast decoder; the schema only for a rejected case."""
        try:
            return self.module.decode(raw)
        except self.module.CaseError as exc:
            if self._decoder is None:
                from .cases import CaseDecoder  # jsonschema: loaded only when a case is bad
                self._decoder = CaseDecoder(self.program)
            self._decoder(raw)  # the schema's word where it rejects the case too
            error = CaseError("", str(exc))  # else the facts contradict each other (a constraint)
            error.field = exc.field
            raise error from None

    def decide(self, c: dict, wanted=None) -> dict:
        """Decoded case → {decision: output value}; with `wanted`, Undecidable propagates."""
        out = {"id": c["id"]} if "id" in c else {}  # interface.md: passed through unchanged
        for name in wanted or self.decisions:
            fn, kind = self.decisions[name]
            try:
                value = fn(c)
            except KeyError as exc:
                if wanted:
                    raise self.MissingFact(exc.args[0]) from None
                continue
            except self.Undecidable:
                if wanted:
                    raise
                continue
            out[name] = output_value(kind, value)
        return out

    def one(self, raw, wanted=None, explain=False, where="case"):
        """(result, None) or (None, an error to raise with its exit code)."""
        try:
            c = self.decode(raw)
        except CaseError as exc:
            return None, Fail(BAD_INPUT, f"{where}: {exc}", field=exc.field)
        try:
            result = self.decide(c, wanted)
        except self.module.OutsideDomain as exc:  # the reason names the decision
            return None, Fail(UNDECIDABLE, f"{where}: {exc.message}")
        except self.Undecidable as exc:
            return None, Fail(UNDECIDABLE, f"{where}: {_which(wanted, c, self)}{exc.message}",
                              field=getattr(exc, "fact", None))
        if explain:
            from .explain import explanation
            result["explanation"] = explanation(self.program, c, [k for k in result if k in self.decisions])
        return result, None

    def stream(self, infile, out, wanted, explain, path, fmt="json") -> int:
        """One result line per input line, in order; a bad line gets an error object and a message.

        `infile` is binary: each line is decoded on its own, so a line that is not UTF-8, too long or
        malformed is one error line and the stream goes on. An ordinary line takes the generated
        module's fused path (_line_json); any other, this general one. Lines come in blocks (what one
        read brings) and each block's results are written at once: a caller sending one line and
        waiting gets its answer, since a read never waits for more than has arrived."""
        status = OK
        plain = not (explain or wanted)
        fast = self.module._line_json
        for block in strict_json.blocks(infile):
            done = []
            for number, line in block:
                text = fast(line) if plain and line.__class__ is str else None
                if text is None:
                    text, code = self._general(line, number, wanted, explain, path)
                    status = max(status, code) if status != BAD_INPUT else status
                done.append(text)
            done.append("")
            out.write("\n".join(done))
        return status

    def _general(self, line, number, wanted, explain, path):
        """(result line, exit code) of a line the fused path does not take: its result or its error."""
        try:
            if line.__class__ is strict_json.JSONError:
                raise line
            raw = strict_json.loads(line)
        except strict_json.JSONError as exc:
            if line.__class__ is str and not line.strip():
                return "", OK
            return self._fail(f"{path}:{number}: malformed JSON: {exc}", BAD_INPUT), BAD_INPUT
        if not (explain or wanted):
            try:
                c = self.decode(raw)
            except CaseError as exc:
                return self._fail(f"{path}:{number}: {exc}", BAD_INPUT), BAD_INPUT
            return self.module._result_json(c), OK
        result, error = self.one(raw, wanted, explain, where=f"{path}:{number}")
        if error:
            return self._fail(str(error), error.code), error.code
        return json.dumps(result, ensure_ascii=False), OK

    @staticmethod
    def _fail(message: str, code: int) -> str:
        if sys.stderr is not None:  # closed (`2>&-`): print would fall back to standard output
            print(f"yibao: {message}", file=sys.stderr)
        return json.dumps({"error": message, "exit": code}, ensure_ascii=False)


def _which(wanted, c, ev) -> str:
    for name in wanted or ():
        try:
            ev.decisions[name][0](c)
        except (ev.Undecidable, KeyError):
            return f"`{name}` "
    return ""
