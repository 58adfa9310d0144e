"""Issue 10 · inherited rules keep the words of the notice that states them: built-in notice facts
(issue_date, coverage_year) are that notice's unless the child overrides the definition by name, and
`DOC.name` names a definition as an implemented notice states it."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from conftest import POLICIES
from yibao.ir.interpret import Interpreter
from yibao.policies.directory import PolicySet

HEAD = """notice 测试〔2024〕{n}号 {{
  title "测试"
  issuers "测试局"
  issued {issued}
  coverage {coverage}
  jurisdiction "测试区"
  implements {impl}
}}
use 居民医保
"""
C = '§一 "本通知用于测试"'
PARENT = HEAD.format(n=1, issued="2024-01-01", coverage=2024, impl="none") + f"""
let 开始 = issue_date {C}
decision 窗口开始 : date = 开始 {C}
decision 年度 : int = coverage_year {C}
"""


def notices(tmp_path: Path, child_body: str) -> PolicySet:
    d = tmp_path / "policies"
    (d / "lib").mkdir(parents=True)
    shutil.copy(POLICIES / "lib" / "resident.policy", d / "lib")
    shutil.copytree(POLICIES / "texts", d / "texts")
    for n in (1, 2):
        (d / "texts" / f"测试〔2024〕{n}号.txt").write_text("一、本通知用于测试。", encoding="utf-8")
    (d / "parent.policy").write_text(PARENT, encoding="utf-8")
    child = HEAD.format(n=2, issued="2024-03-15", coverage=2025, impl="测试〔2024〕1号") + child_body
    (d / "child.policy").write_text(child, encoding="utf-8")
    return PolicySet(d)


def decide(ps, name):
    program = ps.load("测试〔2024〕2号")
    return Interpreter(program).decide(name, {})


def test_an_inherited_rule_reads_the_issue_date_of_the_notice_that_states_it(tmp_path):
    ps = notices(tmp_path, "")
    assert decide(ps, "窗口开始") == dt.date(2024, 1, 1)
    assert decide(ps, "年度") == 2024


def test_overriding_the_definition_by_name_makes_the_words_the_childs(tmp_path):
    ps = notices(tmp_path, f"override let 开始 = issue_date {C}\n")
    assert decide(ps, "窗口开始") == dt.date(2024, 3, 15)


def test_a_qualified_reference_names_the_parents_definition(tmp_path):
    ps = notices(tmp_path, f"override let 开始 = 2024-06-01 {C}\n"
                           f"decision 原开始 : date = 测试〔2024〕1号.开始 {C}\n"
                           f"decision 最早 : date = min(开始, 测试〔2024〕1号.开始) {C}\n")
    assert decide(ps, "原开始") == dt.date(2024, 1, 1)
    assert decide(ps, "窗口开始") == dt.date(2024, 6, 1)  # the child's override still applies
    assert decide(ps, "最早") == dt.date(2024, 1, 1)
    program = ps.load("测试〔2024〕2号")
    assert "测试〔2024〕1号.开始" not in program.decisions


def test_a_qualified_reference_runs_in_generated_code(tmp_path):
    from yibao.run.evaluate import Evaluator
    ps = notices(tmp_path, f"override let 开始 = 2024-06-01 {C}\n"
                           f"decision 原开始 : date = 测试〔2024〕1号.开始 {C}\n")
    ev = Evaluator(ps.load("测试〔2024〕2号"))
    assert ev.decide({}, ["原开始", "窗口开始"]) == {"原开始": "2024-01-01", "窗口开始": "2024-06-01"}


def test_a_qualified_reference_must_name_an_ancestor_and_its_definition(tmp_path):
    ps = notices(tmp_path, f"decision a : date = 测试〔2024〕9号.开始 {C}\n"
                           f"decision b : date = 测试〔2024〕1号.结束 {C}\n")
    _, diags = ps.check(str(tmp_path / "policies" / "child.policy"))
    assert sorted(d.code for d in diags if d.severity == "error") == ["E611", "E612"]
