"""`yibao check` finds planted mistakes, each with where it is and (for the analyses) a counterexample."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from yibao.cli import main

ROOT = Path(__file__).resolve().parents[2]
POLICY = "chongqing-2024.policy"


@pytest.fixture
def policies(tmp_path):
    d = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", d)
    return d


def edit(d: Path, old: str, new: str):
    p = d / POLICY
    s = p.read_text(encoding="utf-8")
    assert old in s, old
    p.write_text(s.replace(old, new, 1), encoding="utf-8")


def check(capsys, d, *extra):
    code = main(["--policies", str(d), "check", str(d / POLICY), *extra])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_real_policies_are_clean(capsys):
    # how long it takes is measured in the benchmarks, not asserted here (shared, noisy machines)
    code = main(["check", "--strict"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "0 error(s), 0 warning(s)" in out


def test_wrong_printed_figure(capsys, policies):
    edit(policies, "let 居民一档标准 = 380 元 §一", "let 居民一档标准 = 380 元 printed 390 §一")
    code, out = check(capsys, policies)
    assert code == 1
    line = next(i for i, l in enumerate((policies / POLICY).read_text(encoding="utf-8").splitlines(), 1)
                if "printed 390" in l)
    assert re.search(rf"{re.escape(POLICY)}:{line}:\d+: error\[E401\]", out), out
    assert "the notice prints 390" in out


def test_deleted_table_row_has_a_counterexample(capsys, policies):
    edit(policies, '  大学生, 二档 => 大学生二档标准 §一 "在渝高校大学生（含全日制研究生）参加居民医保个人缴费标准为一档 350 元/人·年、二档 725 元/人·年"\n', "")
    code, out = check(capsys, policies)
    assert code == 1
    assert "error[E501]" in out
    m = re.search(r"decides nothing for (\{.*?\})", out)
    assert m and json.loads(m.group(1)) == {"group": "student", "tier": 2}


def test_overlapping_rules(capsys, policies):
    edit(policies, "    when payment_date > 年初缴费截止 then 中途缴费\n}",
         "    when payment_date > 年初缴费截止 then 中途缴费\n"
         '  rule 重叠 §一 "集中参保缴费期为文件下发之日起至 2023年 12月 31日"\n'
         "    when payment_date in 2023-12-01 .. 2024-01-15 then 中途缴费\n}")
    code, out = check(capsys, policies)
    assert code == 1
    assert "error[E503]" in out
    m = re.search(r"rules `(\S+)` and `重叠` of `payment_window` both apply to (\{.*?\}) and disagree", out)
    assert m, out
    case = json.loads(m.group(2))
    assert "2023-12-01" <= case["payment_date"] <= "2024-01-15"
    # the counterexample really is decided by both: the interpreter agrees with the message
    assert m.group(1) in ("集中", "年初")


def test_override_resolves_an_overlap(capsys, policies):
    edit(policies, "    when payment_date > 年初缴费截止 then 中途缴费\n}",
         "    when payment_date > 年初缴费截止 then 中途缴费\n"
         '  rule 重叠 overrides 集中, 年初 §一 "集中参保缴费期为文件下发之日起至 2023年 12月 31日" derived "a planted rule"\n'
         "    when payment_date in 2023-12-01 .. 2024-01-15 then 中途缴费\n}")
    code, out = check(capsys, policies, "--strict")
    assert code == 0 and "0 error(s), 0 warning(s)" in out, out  # the planted text parses and checks clean
    assert not re.search(r"E503\]: rules `\S+` and `\S+` of `payment_window`", out), out
    assert "error(s)" in out and "rules `集中` and `重叠`" not in out
    # the planted rule is there, an exception to both, and decides where it applies
    from yibao.policies.directory import PolicySet
    from yibao.run.evaluate import Evaluator
    program = PolicySet(policies).load("渝医保发〔2023〕24号")
    rule = next(r for r in program.definitions["payment_window#raw"].rules if r.id == "payment_window#重叠")
    assert set(rule.overrides) == {"集中", "年初"}, rule.overrides
    ev = Evaluator(program)

    def window(day):
        return ev.decide(ev.decode({"tier": 1, "payment_date": day}), ["payment_window"])["payment_window"]
    assert window("2023-12-15") == window("2024-01-10") == window("2024-03-15") != window("2023-11-15")


def test_unreachable_rule_is_a_warning(capsys, policies):
    edit(policies, "    when payment_date > 年初缴费截止 then 中途缴费\n}",
         "    when payment_date > 年初缴费截止 then 中途缴费\n"
         '  rule 从不 §一 "集中参保缴费期为文件下发之日起至 2023年 12月 31日"\n'
         "    when payment_date < 2023-01-01 and payment_date > 2024-06-01 then 停止缴费\n}")
    code, out = check(capsys, policies)
    assert code == 0
    assert "warning[W501]" in out and "`从不`" in out
    code, out = check(capsys, policies, "--strict")
    assert code == 1


def test_shadowed_exception_is_unreachable(capsys, policies):
    # an exception whose guard is narrower than a rule overriding it: never used
    edit(policies, "    when group = 大学生 and payment_date in 集中缴费开始 .. 集中缴费截止 then start of year coverage_year",
         "    when group = 大学生 and payment_date <= 2023-11-30 and payment_date >= 2023-11-01 then start of year coverage_year")
    edit(policies, "    when 新生入学缴费 then day after payment_date",
         "    when group = 大学生 and payment_date <= 集中缴费截止 then day after payment_date")
    code, out = check(capsys, policies, "--strict")
    assert code == 1
    assert re.search(r"W501\]: rule `大学生` of `benefit_start` is never used: wherever it applies, a rule overriding it", out), out


def test_payment_window_gap(capsys, policies):
    edit(policies, "let 年初缴费开始 = 2024-01-01", "let 年初缴费开始 = 2024-01-05")
    code, out = check(capsys, policies)
    assert "warning[W502]" in out
    assert "`payment_window` decides nothing on 2024-01-01" in out
    assert '{"payment_date": "2024-01-01"}' in out
    code, _ = check(capsys, policies, "--strict")
    assert code == 1


def test_inherited_value_changed_without_override(capsys, policies):
    district = next((p for p in policies.glob("*.policy") if "implements 渝医保发〔2023〕24号" in p.read_text(encoding="utf-8")), None)
    if district is None:
        pytest.skip("no district policy yet")
    p = district
    p.write_text(p.read_text(encoding="utf-8") + '\nlet 居民一档标准 = 390 元 §一 of 渝医保发〔2023〕24号 "二档 755元/人·年"\n',
                 encoding="utf-8")
    code = main(["--policies", str(policies), "check", str(p)])
    out = capsys.readouterr()
    assert code == 1
    assert "E601" in out.out + out.err


def test_quote_not_found_and_missing_citation(capsys, policies):
    edit(policies, '二档 755元/人·年"', '二档 999元/人·年"')
    code, out = check(capsys, policies)
    assert code == 1 and "E403" in out
    edit(policies, '二档 999元/人·年"', '二档 755元/人·年"')
    edit(policies, 'let 剖宫产保底 = 600 元 §二 "报销额度低于 600 元的按 600元补足"', "let 剖宫产保底 = 600 元")
    code, out = check(capsys, policies)
    assert code == 1 and "E402" in out


def test_draft_example_checks_clean(capsys):
    draft = ROOT / "examples" / "draft-2027" / "policies"
    code = main(["--policies", str(draft), "check", "--strict"])
    assert code == 0, capsys.readouterr().out


def test_precommit_hook_contract():
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "id: yibao-check" in text and "entry: yibao check --strict" in text
    assert r"files: \.policy$" in text and "pass_filenames: true" in text


def test_a_person_level_decision_dropped_from_every_domain_is_e214(policies, capsys):
    # interface.md: a decision about what a person pays or gets is undecidable outside the domain
    p = policies / POLICY
    s = p.read_text(encoding="utf-8")
    assert s.count(", cesarean_benefit\n") == 3
    p.write_text(s.replace(", cesarean_benefit\n", "\n"), encoding="utf-8")
    code, out = check(capsys, policies)
    assert code == 1
    assert re.search(r"chongqing-2024\.policy:\d+:1: error\[E214\]: `cesarean_benefit` is answered for every "
                     r"payment: no domain of 渝医保发〔2023〕24号 names it", out), out
    assert set(re.findall(r"error\[E214\]: `(\w+)`", out)) == {"cesarean_benefit"}  # the others keep theirs


def test_months_counted_from_the_day_after_a_payment_warn_and_the_civil_code_s_count_does_not(policies, capsys):
    p = policies / "chongqing-2026.policy"
    s = p.read_text(encoding="utf-8")
    right = "then day after (payment_date + 待遇等待期)"
    assert s.count(right) == 2
    code, out = check(capsys, policies, "--strict")
    assert code == 0 and "W320" not in out
    p.write_text(s.replace(right, "then (day after payment_date) + 待遇等待期", 1), encoding="utf-8")
    code = main(["--policies", str(policies), "check", "--strict", str(p)])
    out = capsys.readouterr().out
    assert code == 1 and out.count("warning[W320]") == 1 and "2026-07-01" in out
