"""The JSON Schema of a case, generated from the policy's fact declarations, and case decoding.

The schema is the contract (interface.md): it is what `yibao schema` prints and what the Web API's
OpenAPI document holds. A case is decoded, and a bad one told what is wrong, by the generated
calculator's decoder (runtime/core.decode_case), in the catalogue's words (runtime/messages.py) as
every front end says them; tests check that the schema accepts exactly what the decoder accepts.
"""
from __future__ import annotations

import jsonschema

from ..ir import nodes as ir
from ..runtime.core import _DATE, MAX_INT, MAX_MONEY_YUAN, CaseError, _show

# ASCII digits, not negative, below 10^15 yuan (runtime.MAX_MONEY_YUAN)
_MONEY = {"anyOf": [{"type": "number", "minimum": 0, "exclusiveMaximum": MAX_MONEY_YUAN},
                    {"type": "string", "pattern": r"^[0-9]+(\.[0-9]{1,2})?$"}]}


def case_schema(program: ir.Program) -> dict:
    props, least = {}, _least(program)
    for name, f in program.facts.items():
        t = f.type
        if isinstance(t, tuple):
            codes = list(program.enums[t[1]].aliases())
            item = {"enum": codes}
            s = item if t[0] == "enum" else {"type": "array", "items": item, "uniqueItems": False}
        elif t == ir.MONEY:
            s = dict(_MONEY)
        elif t == ir.DATE:
            s = {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
        elif t == ir.BOOL:
            s = {"type": "boolean"}
        elif t == ir.INT:
            s = {"type": "integer", "minimum": least.get(name, 0 if f.non_negative else -MAX_INT),
                 "maximum": MAX_INT}
        else:
            s = {}
        if f.description:
            s = {**s, "description": f.description}
        if f.default is not ir.NO_DEFAULT:
            s["default"] = _json_default(f.default)
        props[name] = s
    if "id" not in props:  # interface.md: not a fact; passed through unchanged to the result
        props["id"] = {"description": "passed through unchanged to the result, to join results to cases",
                       "anyOf": [{"type": "string"}, {"type": "integer", "minimum": -MAX_INT, "maximum": MAX_INT}]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"A case for {program.document}",
        "type": "object",
        "properties": props,
        "additionalProperties": False,
    }


def _least(program: ir.Program) -> dict:
    """Whole-number facts a constraint bounds from below, {fact: least value accepted}: a constraint
    `when F is given and F = 0` (or `F < c`, `F <= c`) rejects exactly the values under a bound, and
    the schema's minimum says so, so that it accepts what validation accepts (issue 24)."""
    least = {}
    for c in program.constraints:
        parts = c.when.args if isinstance(c.when, ir.Op) and c.when.op == "and" else (c.when,)
        tests = [p for p in parts if not isinstance(p, ir.Given)]
        if len(tests) != 1 or not isinstance(t := tests[0], ir.Op) or t.op not in ("eq", "lt", "le"):
            continue
        fact, bound = t.args
        if not (isinstance(fact, ir.Fact) and isinstance(bound, ir.Const) and isinstance(bound.value, int)):
            continue
        if any(p.fact != fact.name for p in parts if isinstance(p, ir.Given)):
            continue
        info = program.facts.get(fact.name)
        floor = least.get(fact.name, 0 if info is not None and info.non_negative else None)
        if floor is None or (t.op == "eq" and bound.value != floor):  # `= c` bounds only at the floor
            continue
        least[fact.name] = max(floor, bound.value + (0 if t.op == "lt" else 1))
    return least


def _json_default(v):
    if isinstance(v, frozenset):
        return sorted(v, key=str)
    return v


def validator(program: ir.Program):
    schema = case_schema(program)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_errors(program: ir.Program, raw, v=None) -> list[CaseError]:
    """Every way a decoded JSON value breaks the case schema, each naming its field."""
    v = v or validator(program)
    errors = []
    for err in sorted(v.iter_errors(raw), key=lambda e: list(map(str, e.absolute_path))):
        path = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p)
                       for i, p in enumerate(err.absolute_path))
        if err.validator == "additionalProperties":
            extra = sorted(set(raw) - set(program.facts) - {"id"}) if isinstance(raw, dict) else []
            for f in extra:
                errors.append(CaseError(f, "unknown field; the fields are " + ", ".join(program.facts)))
            continue
        message = _one_line(err.message)
        if err.validator == "enum":
            fact = program.facts.get(err.absolute_path[0]) if err.absolute_path else None
            codes = program.enums[fact.type[1]].codes() if fact and isinstance(fact.type, tuple) else []
            message = (f"{_show(err.instance)} is not one of " + ", ".join(map(repr, codes))
                       + " (or their Chinese labels)") if codes else f"{_show(err.instance)} is not a known code"
        elif err.validator == "format":
            message = (f"{_show(err.instance)} is not a day that exists" if _DATE.fullmatch(str(err.instance))
                       else f"expected a date YYYY-MM-DD, got {_show(err.instance)}")
        errors.append(CaseError(path, message))
    return errors


def _one_line(message: str, limit: int = 200) -> str:
    """jsonschema's message echoes the value: one line, cut short, whatever the value holds."""
    text = " ".join(message.split()).encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 1] + "…"
