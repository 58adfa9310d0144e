"""The conformance suite: every figure the notices print, as an executable case.

Each case in conformance/cases/*.yaml runs through the reference interpreter and through the
generated module; both must give the literal expected values. A case's `values` name values of the
notice that are not decisions (lets, parameters by year, data-table cells, the header), checked the
same way (yibao.run.named). Afterwards every rule and table row of every policy must have been
exercised by at least one case.
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import ROOT, evaluator, program
from helpers import decide
from yibao.run import named
from yibao.ir.interpret import Interpreter
from yibao.runtime.core import Undecidable, output_value
from yibao.ir.kinds import output_kind

CASES_DIR = ROOT / "conformance" / "cases"
SCHEMA = json.loads((ROOT / "conformance" / "schema.json").read_text(encoding="utf-8"))


def _files():
    return sorted(CASES_DIR.glob("*.yaml"))


def _cases():
    for f in _files():
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        for i, case in enumerate(data["cases"]):
            yield pytest.param(data["notice"], case, id=f"{data['notice']}#{i + 1}: {case['name'][:70]}")


FIRED: dict[str, set] = defaultdict(set)  # notice → rule and row ids some case exercised


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.stem)
def test_case_file_fits_the_schema(path: Path):
    jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), SCHEMA)


@pytest.mark.parametrize("notice,case", list(_cases()))
def test_case(notice, case):
    prog = program(notice)
    ev = evaluator(notice)
    c = ev.decode(case.get("input", {}))
    interp = Interpreter(prog, trace=True)
    memo: dict = {}
    for name, want in case.get("expected", {}).items():
        assert name in prog.decisions, f"{notice} does not state {name}"
        kind = output_kind(prog.definitions[name].type)
        got_interp = output_value(kind, interp.decide(name, dict(c), memo))
        fn, kind2 = ev.decisions[name]
        got_compiled = output_value(kind2, fn(dict(c)))
        assert (got_interp, got_compiled) == (str(want), str(want)), (
            f"{name}: interpreter {got_interp}, generated {got_compiled}, expected {want}")
    for name, want in case.get("values", {}).items():
        assert not (problem := named.mismatch(prog, ev.module, name, want, c)), problem
    for name in case.get("unknown", []):
        if not named.is_decision(name):  # a named value the notice leaves open
            assert not (problem := named.known(prog, ev.module, name, c)), problem
            continue
        if name not in prog.decisions:
            continue  # a decision the notice does not state: exit 3 as well
        with pytest.raises(Undecidable):
            interp.decide(name, dict(c), {})
        fn, _ = ev.decisions[name]
        with pytest.raises(ev.Undecidable):
            decide(ev.module, fn, dict(c))
    for entry in interp.trace.values():
        for rule_id, _, _ in entry["fired"]:
            FIRED[notice].add(rule_id)


def test_every_rule_and_row_is_exercised():
    """Runs after the cases (pytest keeps file order): a rule no case reaches fails the suite."""
    notices = sorted({yaml.safe_load(f.read_text(encoding="utf-8"))["notice"] for f in _files()})
    uncovered = []
    for notice in notices:
        prog = program(notice)
        own = [d for d in prog.definitions.values() if d.document == notice]
        ids = [r.id for d in own for r in (d.rules or ())] + [r.id for d in own if d.table for r in d.table.rows]
        uncovered += [f"{notice}: {i}" for i in ids if i not in FIRED[notice]]
    assert not uncovered, "rules and rows no conformance case exercises:\n  " + "\n  ".join(uncovered)
