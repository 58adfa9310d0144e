"""Issue 10 · an open vocabulary: a made-up district notice (tests/data/district, invented text)
adds identity codes of its own with `extend enum`, and eval, compile, schema and --explain accept
them for that notice only. No compiler code knows about the district."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import POLICIES, ROOT
from helpers import check, codes
from yibao.cli import main

DISTRICT = ROOT / "tests" / "data" / "district"
D = "示例医保发〔2025〕7号"


def district_policies(tmp_path: Path) -> Path:
    """The repository's policies plus the made-up district notice and its made-up text."""
    d = tmp_path / "policies"
    shutil.copytree(POLICIES, d)
    shutil.copy(DISTRICT / "示例-2026.policy", d / "示例-2026.policy")
    for t in (DISTRICT / "texts").iterdir():
        shutil.copy(t, d / "texts" / t.name)
    return d


def run(capsys, monkeypatch, policies: Path, *argv, stdin: str = ""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["--policies", str(policies), *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def district(tmp_path):
    return district_policies(tmp_path)


def test_the_district_notice_checks_strictly(district, capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, district, "check", "--strict", str(district / "示例-2026.policy"))
    assert code == 0, out


@pytest.mark.parametrize("identities,tier,want", [
    (["stable_poverty_exit"], 1, "150.00"),  # a fixed amount
    (["三、四级残疾人员"], 2, "200.00"),  # 50% of the tier-1 standard, given by its Chinese label
    (["demobilized_retired_veteran"], 1, "400.00"),  # its tier-1 row
    (["最低生活保障对象", "disability_grade3_4"], 1, "360.00"),  # a label the district added to dibao; best of two
])
def test_eval_accepts_the_new_codes_and_labels(district, capsys, monkeypatch, identities, tier, want):
    case = {"tier": tier, "identities": identities, "payment_date": "2026-03-05"}
    code, out, err = run(capsys, monkeypatch, district, "eval", D, "--case", "-", "--decision", "assistance",
                         stdin=json.dumps(case, ensure_ascii=False))
    assert (code, json.loads(out)) == (0, {"assistance": want}), err


def test_a_tier_with_no_figure_is_unknown_naming_why(district, capsys, monkeypatch):
    case = {"tier": 2, "identities": ["demobilized_retired_veteran", "stable_poverty_exit"], "payment_date": "2026-03-05"}
    code, out, err = run(capsys, monkeypatch, district, "eval", D, "--case", "-", "--decision", "assistance",
                         stdin=json.dumps(case))
    assert code == 3 and "tier-2 standard" in err


def test_the_new_codes_belong_to_the_district_only(district, capsys, monkeypatch):
    case = {"tier": 1, "identities": ["stable_poverty_exit"], "payment_date": "2026-03-05"}
    code, _, err = run(capsys, monkeypatch, district, "eval", "渝医保发〔2025〕42号", "--case", "-",
                       stdin=json.dumps(case))
    assert code == 2 and "identities[0]" in err


def test_schema_lists_every_code_the_district_accepts(district, capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, district, "schema", D)
    accepted = json.loads(out)["properties"]["identities"]["items"]["enum"]
    assert code == 0
    assert {"stable_poverty_exit", "disability_grade3_4", "demobilized_retired_veteran", "三、四级残疾人员",
            "最低生活保障对象", "dibao", "destitute"} <= set(accepted)
    code, out, _ = run(capsys, monkeypatch, district, "schema", "渝医保发〔2025〕42号")
    assert "stable_poverty_exit" not in json.loads(out)["properties"]["identities"]["items"]["enum"]


def test_explain_cites_the_district_row(district, capsys, monkeypatch):
    case = {"tier": 1, "identities": ["disability_grade3_4"], "payment_date": "2026-03-05"}
    code, out, _ = run(capsys, monkeypatch, district, "eval", D, "--case", "-", "--decision", "assistance",
                       "--explain", stdin=json.dumps(case))
    steps = json.loads(out)["explanation"]["assistance"]
    assert code == 0
    assert any(s["document"] == D and "三、四级残疾人员" in s.get("quote", "") for s in steps), steps


def test_the_compiled_calculator_accepts_the_new_codes(district, tmp_path, capsys, monkeypatch):
    calc = tmp_path / "calc.py"
    code, _, _ = run(capsys, monkeypatch, district, "compile", D, "-o", str(calc))
    assert code == 0
    case = {"tier": 2, "identities": ["三、四级残疾人员"], "payment_date": "2026-03-05"}
    done = subprocess.run([sys.executable, "-I", str(calc)], input=json.dumps(case, ensure_ascii=False),
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["assistance"] == "200.00"


# ---- the rules of extension ----------------------------------------------------------------------
CITE = '§一 "本通知用于测试"'


def test_redeclaring_an_enum_is_an_error_naming_both_places(tmp_path):
    _, diags = check(tmp_path, 'enum 资助身份 { 特困人员 = "destitute" }\n')
    d = next(d for d in diags if d.code == "E220")
    assert d.span.file.path.endswith("t.policy")
    assert any("resident.policy" in n for n in d.notes)


def test_extending_an_enum_not_in_scope_is_an_error(tmp_path):
    _, diags = check(tmp_path, f'extend enum 身份 {{ 甲 = "a" {CITE} }}\n')
    assert "E221" in codes(diags)


def test_an_extension_cannot_change_a_code_or_reuse_a_label(tmp_path):
    _, diags = check(tmp_path, f'extend enum 资助身份 {{\n  特困人员 = "other" {CITE}\n'
                               f'  新类别 = "new_kind" "城乡低保对象" {CITE}\n}}\n')
    assert codes(diags).count("E222") == 1 and codes(diags).count("E223") == 1


def test_every_addition_is_cited(tmp_path):
    _, diags = check(tmp_path, 'extend enum 资助身份 { 新类别 = "new_kind" }\n')
    assert "E402" in codes(diags)


def test_an_extension_round_trips_through_the_printer():
    from yibao.language.from_tree import parse_text
    from yibao.language.printer import print_module
    m = parse_text((DISTRICT / "示例-2026.policy").read_text(encoding="utf-8"))
    assert parse_text(print_module(m)) == m


def test_the_how_to_shows_the_district_example_as_tested():
    howto = (ROOT / "docs" / "how-to" / "new-notice.md").read_text(encoding="utf-8")
    assert (DISTRICT / "示例-2026.policy").read_text(encoding="utf-8").rstrip() in howto
    assert "made up" in howto
