"""The audit of 2026-11, kept: the five policies as they stood (tests/data/audit-2026-11), checked
with today's library and checker, show each class of finding with a counterexample; the fixed
policies in policies/ show none (test_analysis.test_real_policies_are_clean)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from yibao.cli import main

ROOT = Path(__file__).resolve().parent.parent
AUDITED = ROOT / "tests" / "data" / "audit-2026-11"


@pytest.fixture(scope="module")
def findings(tmp_path_factory) -> list[dict]:
    d = tmp_path_factory.mktemp("audit") / "policies"
    shutil.copytree(ROOT / "policies" / "lib", d / "lib")
    shutil.copytree(ROOT / "policies" / "texts", d / "texts")
    for f in AUDITED.glob("*.policy"):
        shutil.copy(f, d / f.name)
    return strict_findings(d)


def strict_findings(d: Path) -> list[dict]:
    """`yibao check --strict` of the policy directory d, which must fail: its findings, each with its file's name."""
    import contextlib
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--policies", str(d), "check", "--strict", "--format", "json", str(d)])
    assert code == 1
    report = json.loads(out.getvalue())
    return [{**x, "file": Path(f).name} for f, xs in report["files"].items() for x in xs]


def _find(findings, code, file, *words):
    hits = [f for f in findings if f["code"] == code and f["file"] == file and all(w in f["message"] for w in words)]
    assert hits, f"no {code} in {file} with {words}:\n" + "\n".join(
        f"{f['file']}: {f['code']} {f['message'][:160]}" for f in findings)
    return hits[0]


@pytest.mark.parametrize("file,case", [
    ("chongqing-2026.policy", '"payment_date": "2026-12-30"'),  # 42号: a wait past the year's end
    ("fengyan-2024.policy", "benefit_start = 2025-"),            # 峰岩: 2024-10-05 starts 2025-01-04
    ("jiulongpo-2024.policy", "benefit_start = 2025-"),          # 九龙坡: a student or newborn paying late
    ("tongnan-2023.policy", '"group": "newborn"'),               # 潼南: a newborn paying in 2024
])
def test_coverage_that_starts_after_it_ends(findings, file, case):
    f = _find(findings, "E701", file, "待遇起止有序", case)
    assert f["line"] > 0 and f["column"] > 0  # at the rule that gave the start


@pytest.mark.parametrize("file", ["jiulongpo-2024.policy", "fengyan-2024.policy", "tongnan-2023.policy"])
def test_charging_after_the_last_day_to_pay(findings, file):
    _find(findings, "E701", file, "截止后无答", "answers where it must not")


@pytest.mark.parametrize("file,day", [("chongqing-2024.policy", "2022-"), ("chongqing-2026.policy", "2024-")])
def test_rules_with_no_earliest_day(findings, file, day):
    # the freshman rule under the 2024 notice; a 2024 payment under 42号, whose window opens in 2025
    _find(findings, "E701", file, "上年前无答", day)


@pytest.mark.parametrize("file", ["chongqing-2024.policy", "chongqing-2026.policy", "tongnan-2023.policy"])
def test_answers_for_another_coverage_year(findings, file):
    _find(findings, "E701", file, "年度后无答")


def test_quotes_that_do_not_state_their_rule(findings):
    # the tier-1 zero rows for 三属 and 老复员军人 cite tier-2 clauses; 0 is not in their quotes
    _find(findings, "W402", "jiulongpo-2024.policy", "0 元")
    _find(findings, "W402", "fengyan-2024.policy", "0 元")


def test_a_quote_spanning_two_table_rows(findings):
    f = _find(findings, "W403", "jiulongpo-2024.policy")
    assert f["line"] > 0


def test_the_fixed_policies_keep_none_of_it(capsys):
    code = main(["check", "--strict", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["errors"] == 0 and report["warnings"] == 0
