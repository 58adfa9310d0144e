"""`yibao eval --explain`: per decision, the rules that fired, the values used, clause and quote."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from yibao.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, monkeypatch, case: dict, *argv):
    import io
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(case, ensure_ascii=False)))
    code = main(["eval", *argv, "--case", "-", "--explain"])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_explanation(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, {"group": "student", "tier": 1, "payment_date": "2023-11-01"},
                       "渝医保发〔2023〕24号")
    assert code == 0
    result = json.loads(out)
    expl = result["explanation"]
    assert set(expl) == set(result) - {"explanation"}
    first = expl["contribution"][0]
    assert first["definition"] == "contribution" and first["document"] == "渝医保发〔2023〕24号"
    assert first["uses"] == {"个人缴费标准": "350.00", "self_borne_fiscal_subsidy": "0.00"}
    row = next(s for s in expl["contribution"] if s["definition"] == "个人缴费标准")
    assert row["rule"] == "个人缴费标准[大学生, 一档]" and "350" in row["quote"] and row["clause"] == "一"
    window = expl["payment_window"][0]
    assert window["rule"] == "payment_window#集中" and window["uses"]["payment_date"] == "2023-11-01"


def test_text_explanation(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, {"group": "student", "tier": 1, "payment_date": "2023-11-01"},
                       "渝医保发〔2023〕24号", "--format", "text")
    assert code == 0
    assert "contribution = 350.00" in out
    assert "§一 of 渝医保发〔2023〕24号: “在渝高校大学生（含全日制研究生）参加居民医保个人缴费标准为一档 350 元/人·年”" in out
    assert "using group=student, tier=1" in out


def test_jiulongpo_dibao_assistance_cites_90_percent(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch,
                       {"group": "resident", "tier": 1, "identities": ["dibao"], "payment_date": "2023-11-01"},
                       "九龙坡医保发〔2023〕46号", "--decision", "assistance")
    assert code == 0
    result = json.loads(out)
    assert result["assistance"] == "342.00"
    steps = result["explanation"]["assistance"]
    assert any("90%" in s.get("quote", "") and s["document"] == "九龙坡医保发〔2023〕46号" for s in steps), steps
    code, text, _ = run(capsys, monkeypatch,
                        {"group": "resident", "tier": 1, "identities": ["dibao"], "payment_date": "2023-11-01"},
                        "九龙坡医保发〔2023〕46号", "--decision", "assistance", "--format", "text")
    assert code == 0 and "assistance = 342.00" in text and "90%" in text


@pytest.mark.parametrize("notice, words", [
    ("九龙坡医保发〔2023〕46号", "从 2024 年 1 月 1 日至 12 月 31 日享受居民医保待遇"),
    ("峰岩府发〔2023〕60号", "自2024年1月1日起享受居民医保待遇"),
])
def test_district_concentrated_start_cites_its_own_words(capsys, monkeypatch, notice, words):
    """The municipal notice leaves a resident's start to its 2024 年度 (a derived reading); the
    district and township notices state it, so the rule that fires quotes them."""
    code, out, _ = run(capsys, monkeypatch, {"group": "resident", "tier": 1, "payment_date": "2023-11-01"},
                       notice, "--decision", "benefit_start")
    assert code == 0
    result = json.loads(out)
    assert result["benefit_start"] == "2024-01-01"
    fired = result["explanation"]["benefit_start"][0]
    assert fired["document"] == notice and words in fired["quote"], fired


def test_municipal_concentrated_start_is_marked_derived(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, {"group": "resident", "tier": 1, "payment_date": "2023-11-01"},
                       "渝医保发〔2023〕24号", "--decision", "benefit_start")
    assert code == 0
    fired = json.loads(out)["explanation"]["benefit_start"][0]
    assert fired["document"] == "渝医保发〔2023〕24号" and "2024 年度" in fired.get("derived", ""), fired


def test_a_citation_of_another_notice_keeps_its_notice(capsys, monkeypatch, tmp_path):
    """24号's fiscal standard rests on words of 渝医保发〔2025〕42号 (`§一 of …`): --explain and the
    JavaScript module's explain() name that notice, not the one that states the decision."""
    case = {"tier": 1, "payment_date": "2023-11-01"}
    code, out, _ = run(capsys, monkeypatch, case, "渝医保发〔2023〕24号", "--decision", "fiscal_subsidy_standard")
    step = json.loads(out)["explanation"]["fiscal_subsidy_standard"][0]
    assert code == 0 and step["document"] == "渝医保发〔2025〕42号" and "达到700元" in step["quote"]

    import shutil
    import subprocess
    from conftest import program
    from yibao.backends.targets import source
    calc = tmp_path / "calc.mjs"
    calc.write_text(source("js", program("渝医保发〔2023〕24号")), encoding="utf-8")
    script = (f"import('{calc.as_uri()}').then((m) => console.log(JSON.stringify("
              f"m.explain({json.dumps(case)}).steps.fiscal_subsidy_standard[0].document)))")
    done = subprocess.run([shutil.which("node"), "-e", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == '"渝医保发〔2025〕42号"', done.stderr


@pytest.mark.parametrize("case,decision,words", [
    # 九龙坡: a student paying late keeps the subsidy; the 0 is the municipal standard's, not 五（一）'s
    ({"group": "student", "tier": 1, "payment_date": "2024-07-10"}, "self_borne_fiscal_subsidy", "个人缴费标准为一档 380 元"),
    # 九龙坡: a concentrated payer's cover ends by 五（一）'s concentrated sentence, not the late payers'
    ({"tier": 1, "payment_date": "2023-11-01"}, "benefit_end", "普通城乡居民在集中参保缴费期完成参保缴费的"),
    ({"tier": 1, "payment_date": "2024-05-01"}, "benefit_end", "从完成参保缴费日起 90 日后至 2024 年 12 月 31 日"),
])
def test_an_answer_cites_the_words_that_produced_it(capsys, monkeypatch, case, decision, words):
    code, out, _ = run(capsys, monkeypatch, case, "九龙坡医保发〔2023〕46号", "--decision", decision)
    first = json.loads(out)["explanation"][decision][0]
    assert code == 0 and words in first["quote"] and "不再享受" not in first["quote"], first


def test_tongnan_640_rests_on_words_that_print_it(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, {"tier": 1, "payment_date": "2023-03-01"}, "潼医保发〔2022〕36号",
                       "--decision", "fiscal_subsidy_standard")
    step = json.loads(out)["explanation"]["fiscal_subsidy_standard"][0]
    assert code == 0 and "640" in step["quote"] and step["document"] == "渝医保发〔2023〕24号", step
