"""The conformance suite: every figure the notices print, as an executable case.

Each case in conformance/cases/*.yaml runs through the reference interpreter and through the
generated module; both must give the literal expected values. A case's `values` name values of the
notice that are not decisions (lets, parameters by year, data-table cells, the header), checked the
same way (yibao.run.named). Afterwards every rule and table row of every policy must have been
exercised by at least one case.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, evaluator, program
from yibao.run import conformance

CASES_DIR = ROOT / "conformance" / "cases"
SCHEMA = conformance.schema()  # the shipped schema: `_conformance` links to conformance/


def _files():
    return sorted(CASES_DIR.glob("*.yaml"))


def _cases():
    """Read as `yibao test` reads them (yibao.run.conformance), so the two cannot drift apart."""
    for f in _files():
        data = conformance.read(f, SCHEMA)
        for case in data.cases:
            yield pytest.param(data.notice, case.data, id=f"{data.notice}#{case.number}: {case.name[:70]}")


FIRED: dict[str, set] = defaultdict(set)  # notice → rule and row ids some case exercised


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.stem)
def test_case_file_fits_the_schema(path: Path):
    import yaml
    jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), SCHEMA)


def test_the_shipped_cases_are_these():
    assert [p.name for p in conformance.shipped_files()] == [p.name for p in _files()]


@pytest.mark.parametrize("notice,case", list(_cases()))
def test_case(notice, case):
    """Through the interpreter and the generated module, as `yibao test` runs it."""
    outcome = conformance.check_case(program(notice), evaluator(notice), case)
    assert not outcome.failures, "\n".join(f"{x.decision}: expected {x.expected}, got {x.got}"
                                            for x in outcome.failures)
    FIRED[notice] |= outcome.fired


def test_every_rule_and_row_is_exercised():
    """Runs after the cases (pytest keeps file order): a rule no case reaches fails the suite."""
    notices = sorted({conformance.read(f, SCHEMA).notice for f in _files()})
    uncovered = []
    for notice in notices:
        prog = program(notice)
        own = [d for d in prog.definitions.values() if d.document == notice]
        ids = [r.id for d in own for r in (d.rules or ())] + [r.id for d in own if d.table for r in d.table.rows]
        uncovered += [f"{notice}: {i}" for i in ids if i not in FIRED[notice]]
    assert not uncovered, "rules and rows no conformance case exercises:\n  " + "\n  ".join(uncovered)
