"""`yibao diff OLD NEW`: definitions with both citations, folded values, and the effect on people."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from yibao.cli import main

ROOT = Path(__file__).resolve().parent.parent
DRAFT = ROOT / "examples" / "draft-2027" / "policies" / "draft-2027.policy"


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def resolves(notice: str) -> bool:
    from yibao.policies import PolicySet
    try:
        PolicySet(ROOT / "policies").resolve(notice)
        return True
    except ValueError:
        return False


def test_unknown_notice_exits_2(capsys):
    code, out, err = run(capsys, "diff", "渝医保发〔2023〕24号", "渝医保发〔2099〕1号")
    assert code == 2 and err.startswith("yibao: no policy for notice")


def test_municipal_2024_to_2026(capsys):
    if not resolves("渝医保发〔2025〕42号"):
        pytest.skip("the 2026 policy is not encoded yet")
    code, out, _ = run(capsys, "diff", "渝医保发〔2023〕24号", "渝医保发〔2025〕42号")
    assert code == 0
    for text in ("居民一档标准: 380.00 → 400.00", "居民二档标准: 755.00 → 775.00",
                 "大学生一档标准: 350.00 → 400.00", "大学生二档标准: 725.00 → 775.00",
                 "critical_illness_deductible: 17833.00 → 19856.00",
                 "student tier 1: contribution 350.00 → 400.00 (+50.00)",
                 "student tier 2: contribution 725.00 → 775.00 (+50.00)",
                 "resident tier 1: contribution 380.00 → 400.00 (+20.00)"):
        assert text in out, text
    assert "rule added: decision benefit_start" in out  # the new waiting rules
    assert "old: §一 of 渝医保发〔2023〕24号" in out and "new: §一 of 渝医保发〔2025〕42号" in out


def test_json_and_markdown(capsys):
    code, out, _ = run(capsys, "diff", "渝医保发〔2023〕24号", str(DRAFT), "--format", "json")
    assert code == 0
    data = json.loads(out)
    change = next(c for c in data["changes"] if c["name"] == "居民一档标准")
    assert (change["from"], change["to"]) == ("380.00", "420.00")
    assert change["old"]["document"] == "渝医保发〔2023〕24号" and "380" in change["old"]["quote"]
    assert change["new"]["document"] == "草案〔2026〕1号" and "420" in change["new"]["quote"]
    row = next(c for c in data["changes"] if c.get("row") == "大学生, 一档")
    assert (row["what"], row["from"], row["to"]) == ("row changed", "350.00", "420.00")
    assert any(c.get("rule") == "特困" and c["what"] == "rule added" for c in data["changes"])
    # (a student paying before the draft's window opens has no contribution under it: another row)
    eff = next(e for e in data["effects"] if e["group"] == "student" and e["tier"] == 1
               and e["decision"] == "contribution" and e["to"] != "undecided")
    assert (eff["from"], eff["to"], eff["change"]) == ("350.00", "420.00", "+70.00")
    code, md, _ = run(capsys, "diff", "渝医保发〔2023〕24号", str(DRAFT), "--format", "markdown")
    assert code == 0 and md.startswith("# ") and "## effect on people" in md and "`居民一档标准`" in md


def test_district_against_municipal_shows_overrides(capsys):
    if not resolves("九龙坡医保发〔2023〕46号"):
        pytest.skip("the 九龙坡 policy is not encoded yet")
    code, out, _ = run(capsys, "diff", "渝医保发〔2023〕24号", "九龙坡医保发〔2023〕46号")
    assert code == 0
    assert "implements 渝医保发〔2023〕24号" in out
    assert "(override)" in out
    assert "resident tier 1: assistance unknown" not in out
    assert "resident tier 1: assistance undecided → 342.00" in out  # dibao, 90% of 380


def test_same_notice_has_no_changes(capsys):
    code, out, _ = run(capsys, "diff", "渝医保发〔2023〕24号", "渝医保发〔2023〕24号")
    assert code == 0
    assert "definitions (0 change(s))" in out and "effect on people (0 change(s))" in out
