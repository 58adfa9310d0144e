"""The command line as interface.md fixes it: outputs, exit codes, and errors that name the field."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from conftest import ROOT
from yibao.cli import main

N = "渝医保发〔2023〕24号"


def run(capsys, monkeypatch, *argv, stdin: str = ""):
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8"))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_eval_one_case_prints_every_decision_it_has_facts_for(capsys, monkeypatch):
    code, out, err = run(capsys, monkeypatch, "eval", N, "--case", "-",
                         stdin='{"group": "student", "tier": 2, "payment_date": "2023-11-01"}')
    result = json.loads(out)
    assert code == 0
    assert (result["contribution"], result["benefit_start"], result["benefit_end"]) == ("725.00", "2024-01-01", "2024-12-31")
    assert "cesarean_benefit" not in result  # needs inpatient_reimbursement, which the case does not give


def test_a_policy_file_path_works_as_the_notice(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, "eval", "policies/chongqing-2024.policy", "--case", "-",
                       "--decision", "contribution", stdin='{"tier": 1, "payment_date": "2023-11-01"}')
    assert (code, json.loads(out)) == (0, {"contribution": "380.00"})


@pytest.mark.parametrize("case,field", [
    ('{"tier": 3}', "tier"),
    ('{"tier": 1, "colour": "red"}', "colour"),
    ('{"tier": "1"}', "tier"),
    ('{"payment_date": "2024-02-30"}', "payment_date"),
    ('{"identities": ["dibao", "king"]}', "identities[1]"),
    ('{"lapsed_years": -1}', "lapsed_years"),
    ('{"inpatient_reimbursement": "12.345"}', "inpatient_reimbursement"),
])
def test_a_bad_case_exits_2_naming_the_field(capsys, monkeypatch, case, field):
    code, out, err = run(capsys, monkeypatch, "eval", N, "--case", "-", stdin=case)
    assert code == 2 and out == ""
    assert f"field `{field}`" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_chinese_labels_are_accepted_for_codes(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, "eval", N, "--case", "-", "--decision", "contribution",
                       stdin='{"group": "在渝高校大学生（含全日制研究生）", "tier": "一档", "payment_date": "2023-11-01"}')
    assert (code, json.loads(out)) == (0, {"contribution": "350.00"})


def test_malformed_json_exits_2_with_the_position(capsys, monkeypatch):
    code, _, err = run(capsys, monkeypatch, "eval", N, "--case", "-", stdin='{"tier": 1,}')
    assert code == 2 and "<stdin>:1:12: malformed JSON" in err


def test_cases_stream_one_result_per_line_and_name_the_bad_line(capsys, monkeypatch):
    lines = ['{"tier": 1, "payment_date": "2023-11-01"}', '{"tier": 7}', '{"tier": 2, "payment_date": "2024-01-15"}']
    code, out, err = run(capsys, monkeypatch, "eval", N, "--cases", "-", "--decision", "contribution",
                         stdin="\n".join(lines) + "\n")
    results = [json.loads(l) for l in out.splitlines()]
    assert code == 2
    assert results[0] == {"contribution": "380.00"} and results[2] == {"contribution": "755.00"}
    assert results[1]["exit"] == 2 and "<stdin>:2: field `tier`" in err


def test_a_decision_the_notice_does_not_state_exits_3(capsys, monkeypatch):
    code, _, err = run(capsys, monkeypatch, "eval", N, "--case", "-", "--decision", "outpatient_limit", stdin="{}")
    assert code == 3 and "does not state `outpatient_limit`" in err


def test_a_decision_missing_a_fact_exits_3_naming_it(capsys, monkeypatch):
    code, _, err = run(capsys, monkeypatch, "eval", N, "--case", "-", "--decision", "benefit_start", stdin='{"tier": 1}')
    assert code == 3 and "`payment_date`" in err


def test_an_unknown_fact_exits_3_saying_what_is_unknown(capsys, monkeypatch):
    code, _, err = run(capsys, monkeypatch, "eval", N, "--case", "-", "--decision", "assistance",
                       stdin='{"tier": 1, "identities": ["dibao"], "payment_date": "2023-11-01"}')
    assert code == 3 and "assistance standards" in err


def test_an_unknown_notice_exits_2(capsys, monkeypatch):
    code, _, err = run(capsys, monkeypatch, "eval", "渝医保发〔2099〕1号", "--case", "-", stdin="{}")
    assert code == 2 and "no policy for notice" in err


def test_explain_cites_the_clause_and_quote(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, "eval", N, "--case", "-", "--explain", "--decision", "benefit_start",
                       stdin='{"tier": 1, "payment_date": "2024-01-15"}')
    step = json.loads(out)["explanation"]["benefit_start"][0]
    assert code == 0
    assert (step["rule"], step["clause"], step["quote"]) == ("benefit_start#年初", "一", "自完清费用的次月 1 日起享受居民医保待遇")
    assert step["uses"]["payment_date"] == "2024-01-15"


def test_check_passes_on_the_repository_policies(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, "check")
    assert code == 0, out


def test_no_traceback_reaches_the_user_for_a_broken_policy(tmp_path):
    bad = tmp_path / "bad.policy"
    bad.write_text("notice 测试〔2024〕1号 { title \"t\" }\ndecision x : money = 1 元 + §", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "yibao.cli", "check", str(bad)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 1 and "Traceback" not in r.stderr + r.stdout
    assert f"{bad}:2:" in r.stdout + r.stderr


@pytest.mark.parametrize("case,fields", [
    ('{"tier": 1, "payment_date": "2026-01-15", "continuous": true, "lapsed_years": 2}', ("continuous", "lapsed_years")),
    ('{"tier": 1, "payment_date": "2026-01-15", "lapsed_years": 2, "continuous_years": 6}', ("lapsed_years", "continuous_years")),
    ('{"tier": 1, "payment_date": "2026-01-15", "continuous": false, "continuous_years": 3}', ("continuous", "continuous_years")),
    ('{"tier": 1, "payment_date": "2026-01-15", "continuous_years": 0}', ("continuous_years",)),
])
def test_contradictory_facts_are_bad_input_naming_the_fields(capsys, monkeypatch, case, fields):
    code, out, err = run(capsys, monkeypatch, "eval", "渝医保发〔2025〕42号", "--case", "-", stdin=case)
    assert code == 2 and out == ""
    assert all(f"`{f}`" in err or f in err.split(":")[2] for f in fields), err


def test_a_lapse_without_continuous_means_not_continuous(capsys, monkeypatch):
    # interface.md: lapsed_years > 0 implies not continuous; the default `true` does not contradict it
    code, out, _ = run(capsys, monkeypatch, "eval", "渝医保发〔2025〕42号", "--case", "-", "--decision", "benefit_start",
                       stdin='{"tier": 1, "payment_date": "2026-01-15", "lapsed_years": 2}')
    assert (code, json.loads(out)) == (0, {"benefit_start": "2026-05-16"})  # 2026-01-16 + 4 months


def test_outside_the_notice_exits_3_with_the_reason_in_its_terms(capsys, monkeypatch):
    code, out, err = run(capsys, monkeypatch, "eval", "九龙坡医保发〔2023〕46号", "--case", "-", "--decision", "contribution",
                         stdin='{"tier": 1, "payment_date": "2024-10-01"}')
    assert code == 3 and out == ""
    assert "九龙坡医保发〔2023〕46号 closes payments on 2024-09-30: a payment on 2024-10-01 has no contribution" in err
