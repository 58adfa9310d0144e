"""Evaluating cases in-process with the generated code (the interpreter serves --explain)."""
from __future__ import annotations

import json
import sys

from ..runtime import strict_json
from ..base.exits import BAD_INPUT, OK, UNDECIDABLE, Fail
from ..runtime.core import CaseError, case_id, output_value, wanted_error
from ..runtime.messages import error_entry

TYPE_CHECKING = False  # (typing itself is not imported: a warm `yibao eval` never needs it)
if TYPE_CHECKING:
    import types

    from ..ir import nodes as ir


def load_generated(program: ir.Program) -> types.ModuleType:
    """The generated calculator as a module (its code from the cache when the notice's sources are
    unchanged: warm.py)."""
    from ..policies import warm
    return warm.module(program)


class CaseFail(Fail):
    """A case's error: `str()` the line for standard error (where: field: message, in the asked
    language); `entry` the error line every front end writes (messages.error_entry)."""

    def __init__(self, code: int, where: str, exc, lang: str, ident=None):
        self.entry = error_entry(where, exc, lang, ident)
        super().__init__(code, self.entry["error"], field=self.entry["field"])
        self.proper, self.api_code, self.ident = self.entry["message"], self.entry["code"], ident


class Evaluator:
    def __init__(self, program: ir.Program, lang: str = "en"):
        self.program, self.lang = program, lang
        self.module = load_generated(program)
        self.decisions = self.module.DECISIONS
        # the generated module carries its own copy of the runtime, exceptions included
        self.Undecidable, self.MissingFact = self.module.Undecidable, self.module.MissingFact

    def check_wanted(self, wanted, lang: str | None = None):
        """Fail(2) where a decision asked for is no decision of the interface (with the closest names),
        Fail(3) where the notice does not state it."""
        for name in wanted or ():
            error = wanted_error(name, self.program.document, self.program.decisions)
            if error is not None:
                raise CaseFail(BAD_INPUT if isinstance(error, CaseError) else UNDECIDABLE, "", error, lang or self.lang)

    def decode(self, raw) -> dict:
        """A JSON case → runtime values, by the generated decoder (the words of every front end); its
        CaseError (the module's own copy of the class) raised as runtime.core's, for callers here."""
        try:
            return self.module.decode(raw)
        except self.module.CaseError as exc:
            raise CaseError(exc.field, exc.key, exc.params) from None

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

    def one(self, raw, wanted=None, explain=False, where="case", lang: str | None = None):
        """(result, None) or (None, a CaseFail to raise with its exit code); messages in `lang`
        (default: the Evaluator's)."""
        lang = lang or self.lang
        try:
            c = self.decode(raw)
        except CaseError as exc:
            return None, CaseFail(BAD_INPUT, where, exc, lang, case_id(raw))
        try:
            result = self.decide(c, wanted)
        except self.Undecidable as exc:  # (an OutsideDomain's reason names the decision itself)
            return None, CaseFail(UNDECIDABLE, where, exc, lang, c.get("id"))
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
            return self._fail(CaseFail(BAD_INPUT, f"{path}:{number}", exc, self.lang)), BAD_INPUT
        if not (explain or wanted):
            try:
                c = self.decode(raw)
            except CaseError as exc:
                return self._fail(CaseFail(BAD_INPUT, f"{path}:{number}", exc, self.lang, case_id(raw))), BAD_INPUT
            return self.module._result_json(c), OK
        result, error = self.one(raw, wanted, explain, where=f"{path}:{number}")
        if error:
            return self._fail(error), error.code
        return json.dumps(result, ensure_ascii=False), OK

    @staticmethod
    def _fail(error: CaseFail) -> str:
        if sys.stderr is not None:  # closed (`2>&-`): print would fall back to standard output
            print(f"yibao: {error}", file=sys.stderr)
        return json.dumps(error.entry, ensure_ascii=False)
