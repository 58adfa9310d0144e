"""`yibao test [FILE.yaml ...]`: conformance cases, written as data, run against the notices yibao knows.

A case file is the project's own YAML format (conformance/schema.json): one notice, cases each named
by a sentence, with an input and the literal values it must give (`expected` decisions, `values` of
the notice, `unknown` ones it leaves open) and the clause they come from. Each expected decision is
checked through the reference interpreter and through the generated module, as
tests/test_conformance.py checks them (it reads and runs the cases with this module). With no files,
the cases shipped with yibao run (`_conformance`, a link to the repository's conformance/, packed
into the wheel as `_policies` is).
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..base.exits import BAD_INPUT, OK, POLICY_ERROR, Fail

SHIPPED = Path(__file__).resolve().parent.parent / "_conformance"
EXAMPLES = """examples:
  yibao test                                      # the conformance cases shipped with yibao
  yibao test conformance/cases/九龙坡医保发〔2023〕46号.yaml
  yibao test --policies my-policies my-cases.yaml  # your own notice and its cases

A case file holds one notice and its cases (the schema: conformance/schema.json):
  notice: "九龙坡医保发〔2023〕46号"
  cases:
    - name: "A dibao resident in tier 1 paying on 2023-10-20 owes 38.00."
      input: {tier: 1, identities: ["dibao"], payment_date: "2023-10-20"}
      expected: {amount_due: "38.00"}
      source: {document: "九龙坡医保发〔2023〕46号", clause: "附件", quote: "城乡低保对象1档90%（342元）"}

exit codes: 0 every case passes · 1 a case fails (or a policy is wrong) · 2 a case file is bad
"""


@dataclass
class Case:
    data: dict
    line: int  # where the case starts in its file (1-based)
    number: int  # its place in the file (1-based)

    @property
    def name(self) -> str:
        return self.data["name"]


@dataclass
class CaseFile:
    path: str
    notice: str
    cases: list[Case]


@dataclass
class Failure:
    decision: str  # the decision or named value at fault ("input" where the case is not a case)
    expected: str
    got: str


@dataclass
class Outcome:
    failures: list[Failure] = field(default_factory=list)
    fired: set = field(default_factory=set)  # rule and row ids the interpreter fired (coverage)


def schema() -> dict:
    return json.loads((SHIPPED / "schema.json").read_text(encoding="utf-8"))


def shipped_files() -> list[Path]:
    return sorted((SHIPPED / "cases").glob("*.yaml"))


def read(path, case_schema: dict | None = None) -> CaseFile:
    """A case file, checked against the schema; Fail(2) naming the file and line where it is bad."""
    import jsonschema
    import yaml
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise Fail(BAD_INPUT, f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise Fail(BAD_INPUT, f"{where}: not YAML: {problem}") from None
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(case_schema or schema()).iter_errors(data))
    if error is not None:
        at = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
        raise Fail(BAD_INPUT, f"{path}:{_line(node, list(error.absolute_path))}: "
                   f"{at or 'the file'}: {error.message} (see conformance/schema.json)", field=at or None)
    starts = [item.start_mark.line + 1 for item in _child(node, "cases").value]
    return CaseFile(str(path), data["notice"], [Case(c, line, i + 1) for i, (c, line)
                                                 in enumerate(zip(data["cases"], starts))])


def _child(node, key):
    if node.tag.endswith(":map"):
        return next((v for k, v in node.value if k.value == key), None)
    if node.tag.endswith(":seq") and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None


def _line(node, path: list) -> int:
    """The line of the deepest node of `path` the YAML has (1-based)."""
    line = node.start_mark.line + 1 if node is not None else 1
    for key in path:
        node = _child(node, key) if node is not None else None
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def check_case(program, ev, case: dict) -> Outcome:
    """Every way `case` can fail under the checked program and its generated module (ev: an
    Evaluator); none where it passes."""
    from ..ir.interpret import Interpreter
    from ..ir.kinds import output_kind
    from ..runtime.core import CaseError, Undecidable, output_value
    from . import named
    out = Outcome()
    try:
        c = ev.decode(case.get("input", {}))
    except CaseError as exc:
        out.failures.append(Failure("input", "a case", f"bad input: {exc}"))
        return out
    interp = Interpreter(program, trace=True)
    memo: dict = {}

    def both(name):
        """(the interpreter's value, the generated module's), each as output or `undecidable: …`."""
        kind = output_kind(program.definitions[name].type)
        got = []
        for answer, undecidable in ((lambda: interp.decide(name, dict(c), memo), Undecidable),
                                    (lambda: decide(ev.module, ev.decisions[name][0], dict(c)), ev.Undecidable)):
            try:
                got.append(output_value(kind, answer()))
            except undecidable as exc:
                got.append(f"undecidable: {exc}")
        return got

    for name, want in case.get("expected", {}).items():
        if name not in program.decisions:
            out.failures.append(Failure(name, str(want), f"{program.document} does not state `{name}`"))
            continue
        got_interp, got_module = both(name)
        if (got_interp, got_module) != (str(want), str(want)):
            out.failures.append(Failure(name, str(want), _pair(got_interp, got_module)))
    for name, want in case.get("values", {}).items():
        try:
            problem = named.mismatch(program, ev.module, name, want, c)
        except (named.NotNamed, Undecidable, ev.Undecidable) as exc:
            problem = f"{type(exc).__name__}: {exc}"
        if problem:
            out.failures.append(Failure(name, _show(want), problem))
    for name in case.get("unknown", []):
        if not named.is_decision(name):  # a named value the notice leaves open
            try:
                problem = named.known(program, ev.module, name, c)
            except named.NotNamed as exc:
                problem = str(exc)
            if problem:
                out.failures.append(Failure(name, "unknown", problem))
            continue
        if name not in program.decisions:
            continue  # a decision the notice does not state: exit 3 as well
        got = both(name)
        if not all(g.startswith("undecidable: ") for g in got):
            out.failures.append(Failure(name, "undecidable", _pair(*got)))
    for entry in (interp.trace or {}).values():
        out.fired.update(rule_id for rule_id, _, _ in entry["fired"])
    return out


def decide(module, fn, c: dict):
    """A generated module's decision function on a decoded case, with its one KeyError made what the
    module's `_decide` makes it: a KeyError naming a fact the case does not give is its MissingFact (an
    Undecidable). Any other KeyError (a table or a dict the code gets wrong) propagates: a bug, not
    undecidable."""
    try:
        return fn(c)
    except KeyError as exc:
        fact = exc.args[0] if len(exc.args) == 1 else None
        if isinstance(fact, str) and fact in module.FACTS and fact not in c:
            raise module.MissingFact(fact) from None
        raise


def _pair(interpreted: str, generated: str) -> str:
    return interpreted if interpreted == generated else f"{interpreted} (interpreter), {generated} (generated)"


def _show(v) -> str:
    return json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else str(v)


def _source(case: dict) -> str:
    s = case.get("source") or {}
    return f"{s.get('document', '')} {s.get('clause', '')}: 「{s.get('quote', '')}」".strip()


def run(paths: list, policies=None, out=None) -> int:
    """Every case of every file; a report of each failure and a summary line. 0 all pass, 1 not."""
    out = out or sys.stdout  # (looked up now: a caller may have replaced it)
    from ..policies.directory import load_notice, policy_set
    from .evaluate import Evaluator
    files = [Path(p) for p in paths] or shipped_files()
    if not files:
        raise Fail(BAD_INPUT, f"no case files: none given, and none shipped in {SHIPPED}")
    shape = schema()
    read_files = [read(p, shape) for p in files]  # every file is checked before any case runs
    ps = policy_set(policies)
    loaded: dict = {}
    passed = failed = 0
    for f in read_files:
        if f.notice not in loaded:
            try:
                program = load_notice(ps, f.notice)
            except Fail as exc:
                raise Fail(exc.code, f"{f.path}: {exc}") from None
            loaded[f.notice] = (program, Evaluator(program))
        program, ev = loaded[f.notice]
        for case in f.cases:
            outcome = check_case(program, ev, case.data)
            if not outcome.failures:
                passed += 1
                continue
            failed += 1
            out.write(f"FAIL {f.path}:{case.line}: case {case.number} of {f.notice}: {case.name}\n")
            for x in outcome.failures:
                out.write(f"  decision: {x.decision}\n  expected: {x.expected}\n  got:      {x.got}\n")
            out.write(f"  source:   {_source(case.data)}\n")
    total = passed + failed
    out.write(f"yibao test: {total} case{'s' * (total != 1)} in {len(read_files)} file"
              f"{'s' * (len(read_files) != 1)}: {passed} passed, {failed} failed\n")
    return OK if not failed else POLICY_ERROR


def add_parser(sub) -> None:
    t = sub.add_parser("test", help="run conformance cases (YAML) against the notices",
                       formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EXAMPLES,
                       description="Run conformance cases written as data against the notices yibao knows: each\n"
                       "case's input through the notice, its expected decisions and named values compared\n"
                       "with what the notice gives (through the interpreter and the generated calculator).\n"
                       "With no FILE, the cases shipped with yibao run.")
    t.add_argument("files", nargs="*", metavar="FILE.yaml", help="case files (default: the shipped cases)")
    t.set_defaults(run=lambda args: run(args.files, args.policies))
