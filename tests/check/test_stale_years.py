"""Issue 10 · a notice of another coverage year that inherits dated words without restating them is
warned (an error under --strict); a draft's `unknown "TODO …"` values are warnings too."""
from __future__ import annotations

import shutil
from pathlib import Path

from conftest import POLICIES
from yibao.cli import main
from yibao.policies.directory import PolicySet

DRAFT = """notice 草案〔2026〕9号 {
  title "2027 草案"
  number unknown "a draft"
  status draft
  issuers unknown "not decided"
  issued unknown
  coverage 2027
  jurisdiction "重庆市"
  implements 渝医保发〔2025〕42号
}
use 居民医保
"""


def draft_set(tmp_path: Path, body: str = "") -> tuple[PolicySet, Path]:
    d = tmp_path / "policies"
    shutil.copytree(POLICIES, d)
    (d / "texts" / "草案〔2026〕9号.txt").write_text("一、集中参保缴费期至2027年2月底。", encoding="utf-8")
    f = d / "draft.policy"
    f.write_text(DRAFT + body, encoding="utf-8")
    return PolicySet(d), f


def stale(diags) -> set[str]:
    return {d.message.split("`")[1] for d in diags if d.code == "W610"}


def test_a_2027_draft_is_warned_of_the_2026_dates_it_inherits(tmp_path):
    ps, f = draft_set(tmp_path)
    program, diags = ps.check(str(f))
    assert program is not None  # warnings only
    assert {"集中缴费截止", "年前缴费截止", "年初缴费开始", "集中缴费开始", "benefit_end",
            "critical_illness_deductible", "payment_window"} <= stale(diags)
    assert all(d.span.file.path == str(f) for d in diags if d.code == "W610")  # the line that must change
    assert "居民一档标准" in stale(diags)  # its words say 2026年度


def test_restating_a_value_silences_its_warning(tmp_path):
    ps, f = draft_set(tmp_path, 'override let 集中缴费截止 = 2027-02-28 §一 "集中参保缴费期至2027年2月底"\n')
    _, diags = ps.check(str(f))
    assert "集中缴费截止" not in stale(diags) and "年前缴费截止" in stale(diags)


def test_same_year_children_are_not_warned():
    _, diags = PolicySet(POLICIES).check("九龙坡医保发〔2023〕46号")
    assert not [d for d in diags if d.code == "W610"]


def test_todo_values_fail_the_strict_check_only(tmp_path, capsys):
    ps, f = draft_set(tmp_path, 'override let 集中缴费截止 = unknown "TODO: the last day of 2027\'s window" '
                                '§一 "集中参保缴费期至2027年2月底"\n')
    _, diags = ps.check(str(f))
    assert [d.code for d in diags if d.code == "W611"] == ["W611"]
    assert main(["--policies", str(f.parent), "check", str(f)]) == 0
    assert main(["--policies", str(f.parent), "check", "--strict", str(f)]) == 1
