"""`yibao notices`, `yibao --version` and an example in every command's --help (issue 12)."""
from __future__ import annotations

import json

import pytest

from conftest import POLICIES, ROOT
from yibao import __version__
from yibao.cli import build_parser, main
from yibao.policies.directory import PolicySet


def run(capsys, monkeypatch, *argv):
    monkeypatch.chdir(ROOT)
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys, monkeypatch):
    with pytest.raises(SystemExit) as exit_:
        run(capsys, monkeypatch, "--version")
    assert exit_.value.code == 0 and capsys.readouterr().out.strip() == f"yibao {__version__}"


def test_notices_as_json_give_every_notice_with_its_header(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, "notices", "--format", "json")
    rows = {r["document"]: r for r in json.loads(out)}
    assert code == 0 and set(rows) == set(PolicySet(POLICIES).notices)
    jlp = rows["九龙坡医保发〔2023〕46号"]
    assert (jlp["jurisdiction"], jlp["coverage_year"], jlp["implements"], jlp["implements_external"]) == \
        ("重庆市九龙坡区", 2024, "渝医保发〔2023〕24号", False)
    assert rows["渝医保发〔2023〕24号"]["implements"] is None
    assert rows["潼医保发〔2022〕36号"]["implements_external"] is True


def test_notices_as_a_table_align_chinese_columns(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, "notices")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["document", "jurisdiction", "coverage_year", "implements", "title"]
    assert len(lines) == 1 + len(PolicySet(POLICIES).notices)
    # the coverage column starts at the same display column on every line (CJK counts two)
    from yibao.policies.catalog import _width
    starts = {_width(line[:line.index(year)]) for line in lines[1:] for year in ("2023", "2024", "2026")
              if f"  {year}  " in line}
    assert len(starts) == 1
    assert "渝医保发〔2022〕25号 (external)" in out


@pytest.mark.parametrize("command", ["eval", "compile", "check", "schema", "diff", "new", "notices", "lsp"])
def test_every_command_s_help_has_an_example(command, capsys):
    parser = build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args([command, "--help"])
    out = capsys.readouterr().out
    assert "example" in out and f"yibao {command}" in out.split("example", 1)[1]


def test_the_top_level_help_says_where_policies_are_found(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "$YIBAO_POLICIES" in out and "installed with yibao" in out
    assert "diff" in out and "new" in out  # the commands other modules register are listed too
