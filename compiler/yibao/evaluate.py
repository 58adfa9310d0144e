"""Evaluating cases in-process with the generated code (the interpreter serves --explain)."""
from __future__ import annotations

import json
import sys
import types

from . import ir
from .cases import CaseDecoder
from .runtime import CaseError, output_value
from .to_python import generate, output_kind

OK, BAD_INPUT, UNDECIDABLE = 0, 2, 3


def load_generated(program: ir.Program) -> types.ModuleType:
    """exec the generated source as a module: the very code `yibao compile` writes out."""
    source = generate(program)
    module = types.ModuleType(f"yibao_generated_{abs(hash(program.document))}")
    module.__file__ = f"<yibao {program.document}>"
    sys.modules[module.__name__] = module  # dataclasses and pickling look modules up by name
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


class Evaluator:
    def __init__(self, program: ir.Program):
        self.program = program
        self.module = load_generated(program)
        self.decode = CaseDecoder(program)
        self.decisions = self.module.DECISIONS
        # the generated module carries its own copy of the runtime, exceptions included
        self.Undecidable, self.MissingFact = self.module.Undecidable, self.module.MissingFact

    def decide(self, c: dict, wanted=None) -> dict:
        """Decoded case → {decision: output value}; with `wanted`, Undecidable propagates."""
        out = {}
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
        from .cli import Fail
        try:
            c = self.decode(raw)
        except CaseError as exc:
            return None, Fail(BAD_INPUT, f"{where}: {exc}")
        try:
            result = self.decide(c, wanted)
        except self.Undecidable as exc:
            return None, Fail(UNDECIDABLE, f"{where}: {_which(wanted, c, self)}{exc.message}")
        if explain:
            from .explain import explanation
            result["explanation"] = explanation(self.program, c, list(result))
        return result, None

    def stream(self, infile, out, wanted, explain, path, fmt="json") -> int:
        """One result line per input line, in order; a bad line gets an error object and a message."""
        status = OK
        dumps = json.dumps
        write = out.write
        decode, decide = self.decode, self.decide
        for number, line in enumerate(infile, 1):
            if not line.strip():
                write("\n")
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                status = max(status, BAD_INPUT)
                self._fail(out, f"{path}:{number}: malformed JSON: {exc.msg} (column {exc.colno})", BAD_INPUT)
                continue
            if explain or wanted:
                result, error = self.one(raw, wanted, explain, where=f"{path}:{number}")
                if error:
                    status = max(status, error.code) if status != BAD_INPUT else status
                    self._fail(out, str(error), error.code)
                    continue
            else:
                try:
                    result = decide(decode(raw))
                except CaseError as exc:
                    status = BAD_INPUT
                    self._fail(out, f"{path}:{number}: {exc}", BAD_INPUT)
                    continue
            write(dumps(result, ensure_ascii=False) + "\n")
        return status

    @staticmethod
    def _fail(out, message: str, code: int):
        print(f"yibao: {message}", file=sys.stderr)
        out.write(json.dumps({"error": message, "exit": code}, ensure_ascii=False) + "\n")


def _which(wanted, c, ev) -> str:
    for name in wanted or ():
        try:
            ev.decisions[name][0](c)
        except (ev.Undecidable, KeyError):
            return f"`{name}` "
    return ""


def json_value(program: ir.Program, name: str, value):
    """A fact's or definition's runtime value as JSON, for explanations."""
    if name in program.facts:
        t = program.facts[name].type
    elif name in program.definitions:
        t = program.definitions[name].type
    else:
        t = None
    return output_value(output_kind(t), value) if t else value
