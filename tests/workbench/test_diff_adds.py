"""Issue 21 · `yibao diff` knows what a notice adds: new facts, identity codes and domains are listed,
and the generated cases vary them, so an amount only they produce appears under "effect on people"."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import POLICIES, ROOT
from yibao.cli import main

DATA = ROOT / "tests" / "data"
# 【虚构示例】 a notice that adds a fact of its own and a domain on it
ADDING = """notice 示例医保发〔2026〕3号 {
  title "【虚构示例】"
  issuers "示例区医疗保障局（虚构）"
  issued unknown "made up"
  coverage 2026
  jurisdiction "示例区（虚构）"
  implements 渝医保发〔2025〕42号
}
use 居民医保
fact 本区户籍 : bool = true "具有本区户籍"
domain 外区户籍 for contribution, amount_due §一 "本通知适用于具有本区户籍的参保人员"
  excludes not 本区户籍
  because "{document} speaks only of residents registered in the district"
"""


@pytest.fixture(scope="module")
def policies(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("adds") / "policies"
    shutil.copytree(POLICIES, d)
    shutil.copy(DATA / "every-construct" / "示例-2027.policy", d)
    shutil.copy(DATA / "every-construct" / "texts" / "示例医保发〔2026〕9号.txt", d / "texts")
    shutil.copy(DATA / "district" / "示例-2026.policy", d)
    for t in (DATA / "district" / "texts").iterdir():
        shutil.copy(t, d / "texts")
    (d / "adding.policy").write_text(ADDING, encoding="utf-8")
    (d / "texts" / "示例医保发〔2026〕3号.txt").write_text("一、【虚构示例】本通知适用于具有本区户籍的参保人员。", encoding="utf-8")
    return d


def diff(capsys, policies, old, new, fmt="json"):
    capsys.readouterr()
    assert main(["--policies", str(policies), "diff", old, new, "--format", fmt]) == 0
    out = capsys.readouterr().out
    return json.loads(out) if fmt == "json" else out


def test_an_age_threshold_s_amount_appears_under_effect_on_people(capsys, policies):
    data = diff(capsys, policies, "渝医保发〔2025〕42号", "示例医保发〔2026〕9号")
    rows = [e for e in data["effects"] if e["decision"] == "assistance" and e["to"] == "116.00"]
    assert rows and all(e["identities"] == ["low_income_elderly"] for e in rows)
    assert all(f == "birth_date" for e in rows for f, _ in e["facts"])  # only a birth date gives it
    # and the pro-rated contribution of a mid-year payment
    assert any(e["decision"] == "contribution" and e["from"] == "775.00" and e["to"] == "646.00"
               for e in data["effects"])


def test_new_identity_codes_are_listed_and_priced(capsys, policies):
    data = diff(capsys, policies, "渝医保发〔2025〕42号", "示例医保发〔2025〕7号")
    assert {"stable_poverty_exit", "disability_grade3_4", "demobilized_retired_veteran"} <= set(data["adds"]["identities"])
    assert any(e["decision"] == "assistance" and e["to"] == "150.00" and "stable_poverty_exit" in e["identities"]
               for e in data["effects"])
    text = diff(capsys, policies, "渝医保发〔2025〕42号", "示例医保发〔2025〕7号", "text")
    assert "added by the new notice" in text and "+ identity stable_poverty_exit" in text


def test_a_new_fact_and_its_domain_are_listed_and_varied(capsys, policies):
    data = diff(capsys, policies, "渝医保发〔2025〕42号", "示例医保发〔2026〕3号")
    assert data["adds"]["facts"] == ["本区户籍"]
    (domain,) = data["adds"]["domains"]
    assert set(domain["decisions"]) == {"contribution", "amount_due"} and "registered in the district" in domain["reason"]
    refused = [e for e in data["effects"] if e["decision"] == "contribution" and e["to"] == "undecided"]
    assert refused and all(e.get("facts") == [["本区户籍", "false"]] for e in refused)


def test_a_district_s_closing_day_is_listed_as_a_domain_it_adds(capsys, policies):
    adds = diff(capsys, policies, "渝医保发〔2023〕24号", "九龙坡医保发〔2023〕46号")["adds"]
    assert adds["facts"] == [] and adds["identities"] == []
    (domain,) = adds["domains"]
    assert domain["reason"].startswith("{document} closes payments on") and "contribution" in domain["decisions"]
    same = diff(capsys, policies, "九龙坡医保发〔2023〕46号", "九龙坡医保发〔2023〕46号")["adds"]
    assert same["domains"] == [] and same["facts"] == []


def test_a_roll_is_tried_with_each_identity_the_new_notice_adds(capsys, policies, tmp_path):
    roll = tmp_path / "roll.jsonl"
    roll.write_text('{"id": 1, "tier": 1, "payment_date": "2026-01-10"}\n'
                    '{"id": 2, "tier": 2, "payment_date": "2026-03-10", "identities": ["dibao"]}\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["--policies", str(policies), "diff", "渝医保发〔2025〕42号", "示例医保发〔2025〕7号",
                 "--roll", str(roll), "--format", "json"]) == 0
    what_if = {(w["fact"], w["value"]): {e["decision"]: e for e in w["decisions"]}
               for w in json.loads(capsys.readouterr().out)["roll"]["what_if"]}
    stable = what_if[("identities", "stable_poverty_exit")]
    # the person without an identity gets 150 more; the 低保 one, undecided under the old, is decided
    assert stable["assistance"]["changed"] == 1 and stable["assistance"]["total"] == "150.00"
    assert stable["assistance"]["newly_decidable"] == 1 and stable["amount_due"]["total"] == "-150.00"
    veteran = what_if[("identities", "demobilized_retired_veteran")]
    assert veteran["assistance"]["total"] == "400.00" and veteran["assistance"]["newly_decidable"] == 0  # tier 2: 另行通知
