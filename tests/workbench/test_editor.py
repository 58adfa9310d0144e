"""What the language server asks (workbench/editor.py), without the protocol: buffers checked in
context, names looked up."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from yibao.workbench import editor

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def policies(tmp_path):
    d = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", d)
    return d


def test_a_new_buffer_not_yet_saved_is_checked_against_its_parent(policies):
    path = policies / "draft.policy"
    text = ((policies / "fengyan-2024.policy").read_text(encoding="utf-8")
            .replace("峰岩府发〔2023〕60号 {", "峰岩府发〔2024〕99号 {", 1)
            .replace("override let 集中缴费开始", "let 集中缴费开始", 1))
    snap = editor.check(str(path), {str(path): text}, None, analyses=False)
    assert not path.exists()
    e601 = [d for d in snap.diagnostics if d.code == "E601"]
    assert e601 and "集中缴费开始" in e601[0].message  # the parent's definition changed without `override`
    assert e601[0].span.line == next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("let 集中缴费开始"))


def test_a_library_buffer_gets_what_the_notices_using_it_find(policies):
    path = policies / "lib" / "resident.policy"
    text = path.read_text(encoding="utf-8") + "\nlet 库里的错 = 没有这个名字\n"
    snap = editor.check(str(path), {str(path): text}, None, analyses=False)
    e210 = [d for d in snap.diagnostics if d.code == "E210"]
    assert e210 and e210[0].span.line == len(text.splitlines())
    assert snap.ns is not None and "群体" in snap.ns.enums  # its names can be looked up


def test_the_policy_directory_is_found_from_the_file(policies):
    assert editor.directory_for(policies / "lib" / "resident.policy", None) == policies.resolve()
    assert editor.directory_for(policies / "x.policy", policies / "lib") == policies / "lib"


@pytest.mark.parametrize("line,column,word", [
    ("let 集中缴费开始 = 2023-10-01", 5, "集中缴费开始"),
    ("let 集中缴费开始 = 2023-10-01", 11, "集中缴费开始"),  # just after the word
    ("implements 渝医保发〔2023〕24号", 14, "渝医保发〔2023〕24号"),
    ("let 集中缴费开始 = 2023-10-01", 12, None),
])
def test_word_at(line, column, word):
    found = editor.word_at(line, 1, column)
    assert (found[0] if found else None) == word


def test_an_enum_name_and_a_dot_complete_only_its_members(policies):
    path = policies / "fengyan-2024.policy"
    text = path.read_text(encoding="utf-8")
    snap = editor.check(str(path), {}, None, analyses=False)
    lines = text.splitlines() + ["let x = 群体."]
    items = editor.completions(snap, "\n".join(lines), len(lines), len(lines[-1]) + 1)
    assert {label for label, _, _ in items} == {"普通城乡居民", "大学生", "新生儿"}
