"""Issue 10 · `yibao check FILE` checks the file in the context of its parent and libraries, and
reports a finding at the line that must change, with a note at the other location."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import POLICIES
from yibao.cli import main

HEAD = """notice 测试〔2024〕{n}号 {{
  title "测试"
  issuers "测试局"
  issued 2024-01-01
  coverage 2024
  jurisdiction "测试区"
  implements {impl}
}}
use 居民医保
"""
PARENT = HEAD.format(n=1, impl="none") + """let 标准 = 380 元 §一 "个人缴费标准为一档 380 元"
decision 资助 : money = 90% of 标准 printed 342 §一 "低保对象按照个人缴费标准的 90%给予资助（342 元）"
"""
CHILD = HEAD.format(n=2, impl="测试〔2024〕1号") + """override let 标准 = 400 元 §一 "个人缴费标准为一档 400 元"
"""


def tree(tmp_path: Path, child: str = CHILD) -> Path:
    d = tmp_path / "policies"
    (d / "lib").mkdir(parents=True)
    shutil.copy(POLICIES / "lib" / "resident.policy", d / "lib")
    shutil.copytree(POLICIES / "texts", d / "texts")
    (d / "texts" / "测试〔2024〕1号.txt").write_text(
        "一、个人缴费标准为一档 380 元。低保对象按照个人缴费标准的 90%给予资助（342 元）。", encoding="utf-8")
    (d / "texts" / "测试〔2024〕2号.txt").write_text("一、个人缴费标准为一档 400 元。", encoding="utf-8")
    (d / "parent.policy").write_text(PARENT, encoding="utf-8")
    (d / "child.policy").write_text(child, encoding="utf-8")
    return d


def check_json(capsys, d: Path, *paths) -> tuple[int, dict]:
    code = main(["--policies", str(d), "check", "--format", "json", *map(str, paths)])
    return code, json.loads(capsys.readouterr().out)


def test_checking_the_child_alone_finds_the_figure_its_override_breaks(tmp_path, capsys):
    d = tree(tmp_path)
    code, report = check_json(capsys, d, d / "child.policy")
    (diag,) = report["files"][str(d / "child.policy")]
    assert code == 1
    assert (diag["code"], diag["line"]) == ("E401", 10)  # the override, the line that must change
    assert any("parent.policy:11" in n for n in diag["notes"])  # the parent's printed figure


def test_checking_the_directory_reports_it_at_the_child_too(tmp_path, capsys):
    d = tree(tmp_path)
    code, report = check_json(capsys, d, d)
    assert code == 1
    assert report["files"][str(d / "parent.policy")] == []
    assert [x["code"] for x in report["files"][str(d / "child.policy")]] == ["E401"]


def test_a_parent_error_of_its_own_stays_the_parents(tmp_path, capsys):
    d = tree(tmp_path, child=CHILD.replace("= 400 元", "= 380 元"))  # the parent breaks on its own
    (d / "parent.policy").write_text(PARENT.replace("printed 342", "printed 343"), encoding="utf-8")
    code, report = check_json(capsys, d, d)
    errors = {f: [x for x in xs if x["severity"] == "error"] for f, xs in report["files"].items()}
    assert [x["line"] for x in errors[str(d / "parent.policy")]] == [11]
    assert errors[str(d / "child.policy")] == []


def test_eval_reports_the_error_at_the_child_too(tmp_path, capsys):
    d = tree(tmp_path)
    code = main(["--policies", str(d), "eval", "测试〔2024〕2号", "--case", str(d / "parent.policy")])
    err = capsys.readouterr().err
    assert code == 1 and "child.policy:10:1: error[E401]" in err
