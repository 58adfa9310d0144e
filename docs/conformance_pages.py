"""A notice's conformance cases, run in-process for its page: each through the reference interpreter
and the generated calculator, as a pass/fail table (a mixin of the hooks' page context, which holds
the policy set `ps`, the cases files read as `cases`, and `memo`: results of this build only, so that
`mkdocs serve` reruns the cases of a changed policy)."""
from __future__ import annotations

import json

from markdown_cells import _cell, _code


class Conformance:
    def case_summary(self, doc: str) -> str:
        results = self.run_cases(doc)
        if results is None:
            return "no cases"
        if isinstance(results, str):
            return results
        passed = sum(ok for *_, ok, _ in results)
        return f"{passed}/{len(results)} pass"

    # ---- conformance ----

    def run_cases(self, doc: str):
        """[(name, input, expected, unknown, ok, message)], None without a cases file, str if it cannot run."""
        if doc in self.memo:
            return self.memo[doc]
        entry = self.cases.get(doc)
        if entry is None:
            result = None
        elif isinstance(entry[1], Exception):
            result = f"the cases file does not load: {entry[1]}"
        else:
            result = self._run(doc, entry[1])
        self.memo[doc] = result
        return result

    def _run(self, doc, cases):
        from yibao.run import named
        from yibao.run.evaluate import Evaluator
        from yibao.ir.interpret import Interpreter
        from yibao.runtime.core import Undecidable, output_value
        from yibao.backends.python.generate import output_kind
        try:
            program = self.ps.load(doc)
            ev = Evaluator(program)
        except Exception as exc:
            return f"the notice does not check: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
        out = []
        for case in cases:
            problems = []
            try:
                c = ev.decode(case.get("input", {}))
                interp = Interpreter(program)
                for name, want in (case.get("expected") or {}).items():
                    if name not in program.decisions:
                        problems.append(f"{doc} does not state `{name}`")
                        continue
                    kind = output_kind(program.definitions[name].type)
                    try:
                        got_i = output_value(kind, interp.decide(name, dict(c), {}))
                    except Undecidable as exc:
                        got_i = f"undecidable ({exc})"
                    fn, kind2 = ev.decisions[name]
                    try:
                        got_c = output_value(kind2, fn(dict(c)))
                    except (ev.Undecidable, KeyError) as exc:
                        got_c = f"undecidable ({exc})"
                    if (got_i, got_c) != (str(want), str(want)):
                        problems.append(f"`{name}`: expected {want}, interpreter {got_i}, compiled {got_c}")
                for name, want in (case.get("values") or {}).items():
                    if problem := named.mismatch(program, ev.module, name, want, c):
                        problems.append(problem)
                for name in case.get("unknown") or []:
                    if not named.is_decision(name):
                        if problem := named.known(program, ev.module, name, c):
                            problems.append(problem)
                        continue
                    if name not in program.decisions:
                        continue
                    try:
                        v = interp.decide(name, dict(c), {})
                        problems.append(f"`{name}` should be undecidable, got {v}")
                    except Undecidable:
                        pass
            except Exception as exc:
                problems.append(f"{type(exc).__name__}: {exc}")
            out.append((case.get("name", ""), case.get("input", {}),
                        {**(case.get("expected") or {}),  # named values beside the decisions; a set as its codes
                         **{k: ", ".join(v) if isinstance(v, list) else v for k, v in (case.get("values") or {}).items()}},
                        case.get("unknown") or [], not problems, "; ".join(problems)))
        return out

    # ---- conformance ----
    def conformance(self, doc) -> list[str]:
        out = ["## Conformance cases", ""]
        results = self.run_cases(doc)
        if results is None:
            return out + [f"No cases yet: `conformance/cases/{doc}.yaml` does not exist.", ""]
        if isinstance(results, str):
            return out + [f"!!! danger \"The cases cannot run\"\n\n    {results}", ""]
        passed = sum(r[4] for r in results)
        out += [f"`conformance/cases/{doc}.yaml`, run when this page was built through both the "
                f"interpreter and the generated calculator: **{passed} of {len(results)} pass**.", "",
                "| | case | input | expected | undecidable |", "|---|---|---|---|---|"]
        for name, inp, expected, unknown, ok, message in results:
            mark = "✅" if ok else "❌"
            exp = "<br>".join(f"`{k}`: {_cell(v)}" for k, v in expected.items())
            unk = ", ".join(f"`{u}`" for u in unknown)
            text = _cell(name) + ("" if ok else f"<br>**fails:** {_cell(message)}")
            out.append(f"| {mark} | {text} | {_code(json.dumps(inp, ensure_ascii=False, default=str))} | {exp} | {unk} |")
        return out + [""]
