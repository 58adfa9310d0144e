"""The second reading of 2026-12 (issue 20), kept: the five policies and their library as they stood
when it was filed (tests/data/audit-2026-12), checked with today's checker, fail `check --strict`
with a counterexample for each class of wrong answer it found, though every one of them passed
then. Nothing of the fixed library helps: the checks are the contract's own (interface.md).

1. a newborn who paid before birth is answered;  2. a start before the payment (峰岩's students);
3. benefits answered for payments that buy nothing;  4. month waits a day early at a month's end;
5. guesses: the zero-claim increase for a person not insured last year."""
from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest

from test_audit import _find, strict_findings
from yibao.cli import main

ROOT = Path(__file__).resolve().parent.parent
AUDITED = ROOT / "tests" / "data" / "audit-2026-12"


@pytest.fixture(scope="module")
def findings(tmp_path_factory) -> list[dict]:
    d = tmp_path_factory.mktemp("audit") / "policies"
    shutil.copytree(AUDITED, d)
    shutil.copytree(ROOT / "policies" / "texts", d / "texts")
    return strict_findings(d)


def _case(finding) -> dict:
    """The counterexample a finding prints: `fails for {…}:`."""
    text = finding["message"].split(" fails for ", 1)[1]
    return json.JSONDecoder().raw_decode(text)[0]


def test_class_1_a_payment_before_the_birth_is_answered(findings):
    # the library let every notice take such a case; 潼南 even starts benefits before the birth
    case = _case(_find(findings, "E701", "resident.policy", "接口_出生前缴费"))
    assert case["payment_date"] < case["birth_date"]
    case = _case(_find(findings, "E701", "tongnan-2023.policy", "接口_待遇不早于出生"))
    assert case["payment_date"] < case["birth_date"]


@pytest.mark.parametrize("file", ["fengyan-2024.policy", "chongqing-2024.policy"])
def test_class_2_a_student_s_benefits_start_before_the_payment_buys_them(findings, file):
    f = _find(findings, "E701", file, "接口_待遇不早于缴费", '"group": "student"')
    start = f["message"].rsplit("benefit_start = ", 1)[1][:10]
    assert start <= _case(f)["payment_date"]
    assert f["line"] > 0  # at the rule that gave the start


@pytest.mark.parametrize("file,decision,notice", [
    ("chongqing-2024.policy", "cesarean_benefit", "渝医保发〔2023〕24号"),
    ("chongqing-2024.policy", "cesarean_benefit", "九龙坡医保发〔2023〕46号"),
    ("chongqing-2024.policy", "cesarean_benefit", "峰岩府发〔2023〕60号"),
    ("chongqing-2026.policy", "cesarean_benefit", "渝医保发〔2025〕42号"),
    ("chongqing-2026.policy", "critical_illness_limit_increase", "渝医保发〔2025〕42号"),
])
def test_class_3_a_person_level_decision_no_domain_names(findings, file, decision, notice):
    _find(findings, "E214", file, f"`{decision}`", notice)


def test_class_4_months_counted_from_the_day_after_payment(findings):
    hits = [f for f in findings if f["code"] == "W320" and f["file"] == "chongqing-2026.policy"]
    assert len(hits) == 2  # 年初未连续 and 中途: (day after payment_date) + 待遇等待期
    assert all("2026-07-01" in f["message"] for f in hits)


def test_class_5_the_zero_claim_increase_for_a_person_not_insured_last_year(findings):
    case = _case(_find(findings, "E701", "resident.policy", "接口_零报销却未参保"))
    assert case["zero_claim_last_year"] is True and case["continuous_years"] < 2


def test_the_fixed_policies_prove_every_contract_invariant():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["check", "--strict", "--format", "json"])
    report = json.loads(out.getvalue())
    assert code == 0 and report["errors"] == 0
    contract = [e for settled in report["invariants"].values() for e in settled if e["invariant"].startswith("接口_")]
    assert len(contract) == 5 * 6
    assert {e["status"] for e in contract} == {"proved"}
