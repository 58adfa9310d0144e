"""--explain: for each decision, the rules that fired, the values they used, and the clause and
quote each implements (from the reference interpreter's trace)."""
from __future__ import annotations

from ..ir import nodes as ir
from ..ir.interpret import Interpreter
from ..runtime.core import Undecidable


def explanation(program: ir.Program, case: dict, decisions: list[str]) -> dict:
    from ..ir.kinds import json_value
    interp = Interpreter(program, trace=True)
    memo: dict = {}
    out = {}
    for name in decisions:
        try:
            interp.decide(name, case, memo)
        except Undecidable:
            continue
    for name in decisions:
        steps = []
        for dep in _closure(interp.trace, name, program.domains):
            entry = interp.trace[dep]
            for rule_id, cite, document in entry["fired"]:
                # the notice whose words these are: a citation `of` another notice keeps it
                step = {"definition": ir.public_name(dep), "rule": rule_id,
                        "document": cite.document if cite and cite.document else document}
                if cite:
                    step.update(clause=cite.clause, quote=cite.quote)
                    if cite.note:
                        step["note"] = cite.note
                    if cite.derived:
                        step["derived"] = cite.derived
                step["uses"] = {ir.public_name(k): json_value(program, k, v) for k, v in entry["uses"].items()
                                if k != ir.public_name(dep) + ir.RAW}
                steps.append(step)
        out[name] = steps
    return out


def _closure(trace: dict, name: str, guarded: dict) -> list[str]:
    """The decision and the definitions it used, the decision first. A decision a domain guards is
    explained by its own value (its raw definition); the domain's checks found it in the domain."""
    order, todo = [], [name]
    while todo:
        n = todo.pop(0)
        if n in guarded:
            todo.insert(0, guarded[n])
            continue
        if n in order or n not in trace:
            continue
        order.append(n)
        todo += [k for k in trace[n]["uses"] if k in trace]
    return order


def as_text(result: dict) -> str:
    lines = []
    expl = result.get("explanation", {})
    for name, value in result.items():
        if name == "explanation":
            continue
        lines.append(f"{name} = {value}")
        for step in expl.get(name, []):
            if step["definition"] != name and not step["uses"]:
                continue  # a constant: its own line would only repeat the figure
            cite = f"§{step['clause']} of {step['document']}: “{step['quote']}”" if "clause" in step else step["document"]
            uses = ", ".join(f"{k}={v}" for k, v in step["uses"].items())
            lines.append(f"  {step['rule']}  [{cite}]" + (f"\n    using {uses}" if uses else ""))
            if "note" in step:
                lines.append(f"    note: {step['note']}")
            if "derived" in step:
                lines.append(f"    derived: {step['derived']}")
    return "\n".join(lines)
