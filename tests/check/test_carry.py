"""Issue 21 · a notice that carries its parent forward (其余条款视为沿用，相应年度顺延一年):
`implements DOC advanced N years` moves the parent's dates, domains and coverage year N years on; the
check lists what moved (W610 each while no clause says so, one I610 note once the header cites it);
`yibao new --coverage 2027` of 渝医保发〔2025〕42号 drafts one that answers 2027 payments."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from conftest import POLICIES
from yibao.check.carry import advance_date
from yibao.cli import main
from yibao.language.from_tree import parse_text
from yibao.language.printer import print_module
from yibao.policies.directory import PolicySet

HEADER = """notice 草案〔2027〕5号 {{
  title "【虚构示例】2027 草案"
  issuers "某局"
  issued unknown "a made-up draft"
  printed unknown "a made-up draft"
  coverage {coverage}
  jurisdiction "重庆市"
  implements 渝医保发〔2025〕42号 advanced {years}{cite}
}}
use 居民医保
"""
CITE = ' §五 "其余条款视为沿用，相应年度顺延一年"'
TEXT = "五、【虚构示例】本通知未尽事项，其余条款视为沿用，相应年度顺延一年。集中参保缴费期至2027年3月31日。"
MOVED = {"集中缴费截止", "年前缴费截止", "年初缴费开始", "通知年度开始", "大病保险起付线施行日"}


def carried(tmp_path: Path, cite: str = "", body: str = "", years: str = "1 year", coverage: int = 2027):
    d = tmp_path / "policies"
    shutil.copytree(POLICIES, d)
    (d / "texts" / "草案〔2027〕5号.txt").write_text(TEXT, encoding="utf-8")
    f = d / "carried.policy"
    f.write_text(HEADER.format(coverage=coverage, years=years, cite=cite) + body, encoding="utf-8")
    return PolicySet(d), f


def run(ps_dir, notice, case, *extra):
    import io
    import sys
    out, old = io.StringIO(), sys.stdout
    sys.stdin, sys.stdout = io.StringIO(json.dumps(case)), out
    try:
        code = main(["--policies", str(ps_dir), "eval", str(notice), "--case", "-", *extra])
    finally:
        sys.stdin, sys.stdout = sys.__stdin__, old
    return code, json.loads(out.getvalue()) if out.getvalue().strip() else None


def test_the_header_prints_back_as_it_parses():
    for cite in ("", CITE, CITE + ' note "a reading"'):
        for years in ("1 year", "2 years"):
            module = parse_text(HEADER.format(coverage=2027, years=years, cite=cite))
            assert module.items[0].advanced == int(years[0])
            assert parse_text(print_module(module)) == module


def test_a_date_moves_to_the_same_day_and_a_months_end_stays_its_end():
    assert advance_date(dt.date(2026, 1, 15), 1) == dt.date(2027, 1, 15)
    assert advance_date(dt.date(2027, 2, 28), 1) == dt.date(2028, 2, 29)  # 2月底
    assert advance_date(dt.date(2028, 2, 29), 1) == dt.date(2029, 2, 28)
    assert advance_date(dt.date(2026, 4, 30), 2) == dt.date(2028, 4, 30)


def test_without_its_clause_each_carried_date_is_a_W610_and_the_draft_answers_its_year(tmp_path):
    ps, f = carried(tmp_path)
    program, diags = ps.check(str(f))
    assert program is not None
    w610 = [d for d in diags if d.code == "W610"]
    assert {d.message.split("`")[1] for d in w610} == MOVED
    assert any("2026-02-28" in d.message and "2027-02-28" in d.message for d in w610)
    assert main(["--policies", str(f.parent), "check", "--strict", str(f)]) == 1
    # a payment of 2027 is answered with the dates moved; one of 2028 is outside the notice
    code, got = run(f.parent, f, {"tier": 1, "payment_date": "2027-01-15"})
    assert code == 0 and got["payment_window"] == "concentrated" and got["benefit_start"] == "2027-02-01"
    assert got["benefit_end"] == "2027-12-31" and got["contribution"] == "400.00"
    code, got = run(f.parent, f, {"tier": 1, "payment_date": "2027-03-15", "lapsed_years": 2,
                                  "continuous": False}, "--decision", "benefit_start")
    assert code == 0 and got == {"benefit_start": "2027-07-16"}  # 3 + 1 months after 03-15
    assert run(f.parent, f, {"tier": 1, "payment_date": "2028-01-05"}, "--decision", "contribution")[0] == 3


def test_the_parent_is_unchanged_by_its_child(tmp_path):
    ps, f = carried(tmp_path)
    ps.check(str(f))
    code, got = run(f.parent, "渝医保发〔2025〕42号", {"tier": 1, "payment_date": "2026-01-15"})
    assert code == 0 and got["benefit_start"] == "2026-02-01" and got["benefit_end"] == "2026-12-31"


def test_citing_the_clause_lists_the_moved_dates_in_one_note_and_passes_strict(tmp_path, capsys):
    ps, f = carried(tmp_path, CITE)
    _, diags = ps.check(str(f))
    assert not [d for d in diags if d.code == "W610"]
    (note,) = [d for d in diags if d.code == "I610"]
    assert note.severity == "info" and len(note.notes) == len(MOVED)
    assert any("`集中缴费截止`: 2026-02-28 → 2027-02-28" in n for n in note.notes)
    assert main(["--policies", str(f.parent), "check", "--strict", str(f)]) == 0, capsys.readouterr().out


def test_what_the_notice_changes_it_states_as_written(tmp_path):
    body = 'override let 集中缴费截止 = 2027-03-31 §五 "集中参保缴费期至2027年3月31日"\n'
    ps, f = carried(tmp_path, "", body)
    _, diags = ps.check(str(f))
    assert {d.message.split("`")[1] for d in diags if d.code == "W610"} == MOVED - {"集中缴费截止"}
    code, got = run(f.parent, f, {"tier": 1, "payment_date": "2027-03-20"}, "--decision", "payment_window")
    assert code == 0 and got == {"payment_window": "concentrated"}


def test_years_that_do_not_add_up_are_E613(tmp_path):
    ps, f = carried(tmp_path, years="2 years")
    program, diags = ps.check(str(f))
    assert program is None and [d.code for d in diags if d.code.startswith("E")] == ["E613"]


def test_an_inherited_domain_of_another_year_is_W610_too(tmp_path):
    ps, f = carried(tmp_path)
    f.write_text(f.read_text(encoding="utf-8").replace(" advanced 1 year", ""), encoding="utf-8")
    _, diags = PolicySet(f.parent.parent / "policies").check(str(f))
    stale = {d.message.split("`")[1] for d in diags if d.code == "W610"}
    assert {"domain 参保年度", "domain 待遇年内"} <= stale  # their `coverage_year` would refuse 2027


@pytest.mark.parametrize("cite", [False, True])
def test_yibao_new_drafts_a_carried_notice_that_answers_2027(tmp_path, capsys, cite):
    d = tmp_path / "policies"
    shutil.copytree(POLICIES, d)
    draft = d / "draft-2027.policy"
    assert main(["--policies", str(d), "new", "--coverage", "2027", "渝医保发〔2025〕42号", "-o", str(draft)]) == 0
    text = draft.read_text(encoding="utf-8")
    assert "implements 渝医保发〔2025〕42号 advanced 1 year\n" in text
    assert main(["--policies", str(d), "new", "--coverage", "2027"]) == 2  # no notice named
    assert "#   居民一档标准: the figure 400 元" in text  # the figures it carries, to restate if changed
    capsys.readouterr()
    assert main(["--policies", str(d), "check", str(draft)]) == 0
    out = capsys.readouterr().out
    assert out.count("warning[W610]") == len(MOVED)
    code, got = run(d, draft, {"tier": 2, "payment_date": "2027-02-10"})
    assert code == 0 and got["contribution"] == "775.00" and got["benefit_start"] == "2027-03-01"
    if cite:  # the new notice's words said it: the dates are a note, the TODOs remain warnings
        (d / "texts" / "草案〔2027〕1号.txt").write_text(TEXT, encoding="utf-8")
        draft.write_text(text.replace("advanced 1 year\n", "advanced 1 year" + CITE + "\n"), encoding="utf-8")
        assert main(["--policies", str(d), "check", str(draft)]) == 0
        out = capsys.readouterr().out
        assert "warning[W610]" not in out and "info[I610]" in out and "warning[W611]" in out


def test_a_parent_s_definition_named_by_its_document_is_as_the_parent_states_it(tmp_path):
    body = ('decision 旧截止 : date = 渝医保发〔2025〕42号.集中缴费截止 §五 "其余条款视为沿用"\n'
            'decision 旧年末 : date = 渝医保发〔2025〕42号.benefit_end §五 "其余条款视为沿用"\n')
    ps, f = carried(tmp_path, CITE, body)
    code, got = run(f.parent, f, {"tier": 1, "payment_date": "2027-01-15"}, "--decision", "旧截止",
                    "--decision", "旧年末", "--decision", "benefit_end")
    assert code == 0 and got == {"旧截止": "2026-02-28", "旧年末": "2026-12-31", "benefit_end": "2027-12-31"}
