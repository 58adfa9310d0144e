"""The generated calculator's interface: decoding, the decision tables, evaluate(), one function per
decision, and the fused line path (`_line_case`, `_result_json`, `_line_json`) that `yibao eval --cases` and the
module's own command line stream a roll through. The command line itself is calcmain.py, copied in.
"""
from __future__ import annotations

from .names import public_names
from ...ir.kinds import fact_spec, output_kind
from ..common import comment
from .fused import result_json


def interface(g) -> list[str]:
    """g: the backends.python generator (expressions, constants, functions of the notice)."""
    p = g.p
    out = ["# ==== interface " + "=" * 60,
           "# field → (kind, accepted spellings → code, default)",
           "FACTS = {"]
    for name, (kind, aliases, default) in fact_spec(p).items():
        d = "_ABSENT" if default.__class__.__name__ == "_Absent" else g.literal(default, None)
        out.append(f"    {name!r}: ({kind!r}, {aliases!r}, {d}),")
    out += ["}",
            "_decode_facts = _fast_decoder(FACTS)  # a JSON case → runtime values, as decode_case(case, FACTS)",
            "_decode_line = _fast_decoder(FACTS, strict=True)  # the same, raising where decode_case would be needed",
            "", "", "def _constraints(c):",
            '    """The policy\'s constraints on decoded facts (facts that contradict each other): CaseError."""']
    for k in p.constraints:
        out += ["    try:", f"        bad = {g.expr(k.when)}", "    except (KeyError, Undecidable):",
                "        bad = False", "    if bad:  # " + comment(k.name),
                f"        raise CaseError({', '.join(k.facts)!r}, 'contradiction', {{'because': {k.because!r}}})"]
    out += ["    return c", "", "",
            "def decode(case):",
            '    """A case (dict) → runtime values; CaseError if it breaks the interface or a constraint."""',
            "    return _constraints(_decode_facts(case))", ""]
    targets = {}
    out += ["", "# decision → (function, output kind)", "DECISIONS = {"]
    for name in p.decisions:
        fn = g.consts.get(name)
        target = f"lambda c: {fn}" if fn else g.funcs[name]
        if g.bounded and not fn:  # a bounded unknown its bounds do not fix is undecidable
            target = f"lambda c: _resolved({target}(c))"
        targets[name] = target
        out.append(f"    {name!r}: ({target}, {output_kind(p.definitions[name].type)!r}),")
    out += ["}", "", "# decisions that need no fact: decision → value (folded when the module was generated)",
            "CONSTANTS = {"]
    out += [f"    {name!r}: {g.consts[name]}," for name in p.decisions if name in g.consts]
    public = public_names(p.decisions)
    out += ["}", "", "# decision → the name of its function below (a Python keyword or a name the module uses",
            "# gets a trailing `_`)", "FUNCTIONS = {"]
    out += [f"    {name!r}: {public[name]!r}," for name in p.decisions]
    out += ["}", ""]
    out += result_json(g, targets)
    out += [
        "", "",
        "def _line_case(text):",
        '    """A JSONL line → its decoded case where it is an ordinary one, else None: the general path',
        '    (strict_json.loads, decode) then reads it and says what is wrong."""',
        "    raw = _fast_json(text)",
        "    if raw is None:",
        "        return None",
        "    try:",
        "        return _constraints(_decode_line(raw))",
        "    except Exception:  # noqa: BLE001 — whatever it is, the general path names it",
        "        return None",
        "", "",
        "_line_json = _line_cache(_line_case, _kept_json)  # a JSONL line → its result line, or None",
        "", "",
        "def _decisions(case, decisions, value):",
        "    c = decode(case)",
        "    out = {'id': c['id']} if 'id' in c else {}",
        "    if decisions is None:",
        "        for name, (fn, kind) in DECISIONS.items():",
        "            try:",
        "                out[name] = value(kind, fn(c))",
        "            except (Undecidable, KeyError):",
        "                pass",
        "        return out",
        "    for name in [decisions] if isinstance(decisions, str) else decisions:",
        "        error = wanted_error(name, DOCUMENT, DECISIONS)",
        "        if error is not None:",
        "            raise error",
        "        fn, kind = DECISIONS[name]",
        "        out[name] = value(kind, _decide(fn, c))",
        "    return out",
        "", "",
        "def evaluate(case, decisions=None):",
        '    """A case (dict) → {decision: Python value} for every decision the case has the facts for:',
        "    Decimal for money, datetime.date for dates, the code (str) for a choice, as the per-decision",
        "    functions return them. The case's `id`, if it has one, comes first, unchanged.",
        "",
        "    With `decisions` (a name or a list of names), only those, and an undecidable one raises",
        "    Undecidable (as does a name the notice does not state). A bad case raises CaseError.",
        '    """',
        "    return _decisions(case, decisions, _python_value)",
        "", "",
        "def evaluate_json(case, decisions=None):",
        '    """As evaluate(), in the interface\'s JSON shape: money "342.00", dates "2024-01-01"."""',
        "    return _decisions(case, decisions, output_value)",
        ""]
    for name in p.decisions:
        d = p.definitions[name]
        out += ["",
                f"def {public[name]}(case):",
                f"    {(comment(d.description or name) + ': a case (dict) → the decision (Decimal for money, date for dates).')!r}",
                f"    fn, kind = DECISIONS[{name!r}]",
                "    return _python_value(kind, _decide(fn, decode(case)))",
                ""]
    out += ["", f"__all__ = {['DOCUMENT', 'evaluate', 'evaluate_json'] + [public[n] for n in p.decisions]!r}",
            "", "",
            "def main(argv=None):",
            '    """The command line: `python calc.py --help`."""',
            "    import sys",
            "    return _main(sys.modules[__name__], argv)",
            "", "",
            "if __name__ == '__main__':",
            "    raise SystemExit(main())"]
    return out
