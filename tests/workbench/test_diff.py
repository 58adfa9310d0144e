"""`yibao diff OLD NEW`: definitions with both citations, folded values, and the effect on people."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from yibao.cli import main

ROOT = Path(__file__).resolve().parents[2]
DRAFT = ROOT / "examples" / "draft-2027" / "policies" / "draft-2027.policy"


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def resolves(notice: str) -> bool:
    from yibao.policies.directory import PolicySet
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
                 "decision critical_illness_deductible 大病保险起付线: 17833.00 → 19856.00",
                 "student 大学生, tier 1 一档: contribution 应缴费用（资助前） 350.00 → 400.00 (+50.00)",
                 "student 大学生, tier 2 二档: contribution 应缴费用（资助前） 725.00 → 775.00 (+50.00)",
                 "resident 普通城乡居民, tier 1 一档: contribution 应缴费用（资助前） 380.00 → 400.00 (+20.00)",
                 # every decision, not four: the deductible touches everyone
                 "resident 普通城乡居民, tier 1 一档: critical_illness_deductible 大病保险起付线 17833.00 → 19856.00 (+2023.00)",
                 # a window with its label, and the day count against the date it names
                 "payment_window 缴费时段 early_year 年初缴费期 → concentrated 集中缴费期",
                 "benefit_start 待遇享受开始日 2024-02-01 → 2026-01-02 (-30 days vs 2026-02-01)"):
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
    assert "assistance 资助金额 unknown" not in out
    # dibao, 90% of 380
    assert "resident 普通城乡居民, tier 1 一档: assistance 资助金额 undecided → 342.00" in out


def test_same_notice_has_no_changes(capsys):
    code, out, _ = run(capsys, "diff", "渝医保发〔2023〕24号", "渝医保发〔2023〕24号")
    assert code == 0
    assert "definitions (0 change(s))" in out and "effect on people (0 change(s))" in out


def test_no_no_op_lines_and_day_counts_agree_with_dates(capsys):
    """Issue 13: `fiscal_subsidy_standard: unknown → unknown` and `2026-01-01 → 2026-02-01 (-334 days)`."""
    import datetime as dt
    import re
    code, out, _ = run(capsys, "diff", "渝医保发〔2023〕24号", "渝医保发〔2025〕42号", "--format", "json")
    assert code == 0
    data = json.loads(out)
    for c in data["changes"]:
        assert not ("from" in c and c["from"] == c["to"]), c
    for e in data["effects"]:
        assert e["from"] != e["to"], e
        m = re.fullmatch(r"([+-]\d+) days vs (\d{4}-\d\d-\d\d)", e["change"] or "")
        if e["decision"] in ("benefit_start", "benefit_end") and e["change"]:
            assert m, e
            moved = dt.date.fromisoformat(m[2])
            assert moved + dt.timedelta(days=int(m[1])) == dt.date.fromisoformat(e["to"])
            assert moved.replace(year=moved.year - 2) == dt.date.fromisoformat(e["from"])
    decisions = {e["decision"] for e in data["effects"]}
    assert {"critical_illness_deductible", "payment_window", "benefit_days"} <= decisions
    rule = next(c for c in data["changes"] if c["name"] == "cesarean_benefit")
    assert rule.get("formula_changed") and "from" not in rule  # not `unknown → unknown`
    code, text, _ = run(capsys, "diff", "渝医保发〔2023〕24号", "渝医保发〔2025〕42号")
    assert "unknown → unknown" not in text and "how it is worked out changed" in text
    assert "window concentrated→late" not in text
