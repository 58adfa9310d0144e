"""Facts that contradict each other are bad input (interface.md: exit 2, naming the fields), stated
once as the library's constraints (policies/lib/resident.policy), so every notice rejects them: the
command line, the generated Python module and the generated JavaScript module alike."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT, evaluator, program
from yibao.cli import main

# (notice, case, fields the message names): each contradiction the interface lists.
BAD = [
    # a newborn who paid before birth (the adversarial reading's cases)
    ("九龙坡医保发〔2023〕46号", {"group": "newborn", "tier": 1, "birth_date": "2024-06-01", "payment_date": "2024-01-15"},
     {"birth_date", "payment_date"}),
    ("潼医保发〔2022〕36号", {"group": "newborn", "tier": 1, "birth_date": "2023-08-15", "payment_date": "2023-03-01"},
     {"birth_date", "payment_date"}),
    ("渝医保发〔2025〕42号", {"group": "newborn", "tier": 1, "birth_date": "2026-03-01", "payment_date": "2026-02-27"},
     {"birth_date", "payment_date"}),
    ("峰岩府发〔2023〕60号", {"group": "newborn", "tier": 1, "birth_date": "2024-05-02", "payment_date": "2024-05-01"},
     {"birth_date", "payment_date"}),
    ("渝医保发〔2023〕24号", {"group": "newborn", "tier": 1, "birth_date": "2024-05-02", "payment_date": "2024-05-01"},
     {"birth_date", "payment_date"}),
    # continuous: true with a lapse
    ("渝医保发〔2025〕42号", {"tier": 1, "payment_date": "2026-03-01", "continuous": True, "lapsed_years": 1},
     {"continuous", "lapsed_years"}),
    # zero claims last year for a person not insured last year
    ("渝医保发〔2025〕42号", {"tier": 1, "payment_date": "2025-12-31", "continuous_years": 1, "zero_claim_last_year": True},
     {"zero_claim_last_year", "continuous_years"}),
    ("渝医保发〔2025〕42号", {"tier": 1, "payment_date": "2025-12-31", "lapsed_years": 2, "zero_claim_last_year": True},
     {"zero_claim_last_year", "lapsed_years"}),
]

GOOD = [  # the edges the constraints must leave alone
    ("九龙坡医保发〔2023〕46号", {"group": "newborn", "tier": 1, "birth_date": "2024-06-01", "payment_date": "2024-06-01"}),
    ("渝医保发〔2025〕42号", {"tier": 1, "payment_date": "2025-12-31", "continuous_years": 2, "zero_claim_last_year": True}),
    ("渝医保发〔2025〕42号", {"tier": 1, "payment_date": "2026-03-01", "continuous": False, "lapsed_years": 1}),
]


def _cli(capsys, monkeypatch, notice, case):
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(case).encode("utf-8")), encoding="utf-8"))
    code = main(["eval", notice, "--case", "-"])
    return (code, *capsys.readouterr())


@pytest.mark.parametrize("notice,case,fields", BAD, ids=lambda x: x if isinstance(x, str) else None)
def test_contradictory_facts_exit_2_naming_the_fields(capsys, monkeypatch, notice, case, fields):
    code, out, err = _cli(capsys, monkeypatch, notice, case)
    assert code == 2, (out, err)
    assert out == ""
    assert all(f in err for f in fields), err
    assert "Traceback" not in err


@pytest.mark.parametrize("notice,case", GOOD)
def test_consistent_facts_are_accepted(capsys, monkeypatch, notice, case):
    code, out, err = _cli(capsys, monkeypatch, notice, case)
    assert code == 0, err


@pytest.mark.parametrize("notice,case,fields", BAD, ids=lambda x: x if isinstance(x, str) else None)
def test_the_generated_python_module_rejects_them(notice, case, fields):
    ev = evaluator(notice)
    with pytest.raises(ev.module.CaseError) as exc:
        ev.module.decode(case)
    assert all(f in exc.value.field for f in fields)


def test_the_generated_javascript_module_rejects_them():
    from yibao.backends.targets import source
    node = shutil.which("node")
    if node is None:
        pytest.fail("node (v20) is not installed")
    for notice in sorted({n for n, _, _ in BAD}):
        cases = [(c, f) for n, c, f in BAD if n == notice]
        with tempfile.TemporaryDirectory() as tmp:
            calc = Path(tmp) / "calc.mjs"
            calc.write_text(source("js", program(notice)), encoding="utf-8")
            done = subprocess.run([node, str(ROOT / "tests" / "js" / "driver.mjs"), str(calc)],
                                  input="".join(json.dumps(c) + "\n" for c, _ in cases),
                                  capture_output=True, text=True, encoding="utf-8", timeout=120)
        assert done.returncode == 0, done.stderr
        lines = [json.loads(x) for x in done.stdout.splitlines() if x]
        for (case, fields), got in zip(cases, lines, strict=True):
            assert "case_error" in got, (notice, case, got)
            assert all(f in got["case_error"] for f in fields), (notice, case, got)
