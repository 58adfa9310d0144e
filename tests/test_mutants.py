"""Tests that kill mutants the rest of the suite let live: each plants the mistake a check exists to
catch (in a copy of the policies) and asserts `yibao check` reports it, with its code, position, exit
code and, for an invariant, its counterexample; and the cache's compiler fingerprint follows every
compiler file, the grammar too (in a copy of the package: the tree is left as it was)."""
from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from yibao.base import cache
from yibao.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def policies(tmp_path):
    d = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", d)
    return d


def plant(path: Path, old: str, new: str) -> int:
    """Replace the one `old` in the policy with `new`; the line `new` starts on."""
    s = path.read_text(encoding="utf-8")
    assert s.count(old) == 1, old
    path.write_text(s.replace(old, new), encoding="utf-8")
    return s[:s.index(old)].count("\n") + 1


def check(capsys, d: Path, name: str) -> tuple[int, str]:
    code = main(["--policies", str(d), "check", str(d / name)])
    out = capsys.readouterr()
    return code, out.out + out.err


def errors(out: str) -> list[tuple[int, int, str]]:
    """(line, column, code) of every error `yibao check` printed."""
    return [(int(m[1]), int(m[2]), m[3]) for m in re.finditer(r"\.policy:(\d+):(\d+): error\[(E\d+)\]", out)]


def line_col(path: Path, needle: str) -> tuple[int, int]:
    for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in text:
            return i, text.index(needle) + 1
    raise AssertionError(needle)


# ---- invariants (analysis/invariants.py): each of the library's money invariants, broken ----------------------------
CQ = "chongqing-2024.policy"


def invariant_failure(out: str, name: str) -> dict:
    m = re.search(rf"error\[E701\]: invariant `{name}` fails for (\{{.*?\}}): (.*)", out)
    assert m, out
    return {"case": json.loads(m[1]), "what": m[2]}


def test_assistance_above_the_contribution_breaks_资助不超应缴(capsys, policies):
    line = plant(policies / CQ, "    when identities = {} then 0 元", "    when identities = {} then 400 元")
    code, out = check(capsys, policies, CQ)
    assert code == 1
    failure = invariant_failure(out, "资助不超应缴")
    assert failure["case"] == {"payment_date": "2023-10-12", "tier": 1}  # a resident: 380 元 owed, 400 元 given
    assert failure["what"] == "contribution = 380.00, assistance = 400.00"
    assert [e for e in errors(out) if e[2] == "E701"] == [(24, 3, "E701")]  # the table row that gave 380 元
    assert "invariant `实缴不为负`" not in out and line  # amount_due keeps its floor at 0


def test_a_negative_amount_due_breaks_实缴不为负(capsys, policies):
    plant(policies / CQ, 'decision amount_due : money "个人实缴金额" = max(contribution - assistance, 0 元)',
          'decision amount_due : money "个人实缴金额" = contribution - assistance - 360 元')
    code, out = check(capsys, policies, CQ)
    assert code == 1
    failure = invariant_failure(out, "实缴不为负")
    assert failure["what"] == "amount_due = -10.00"  # a student: 350 元 − 0 − 360 元
    assert failure["case"]["group"] == "student" and failure["case"]["tier"] == 1
    assert "invariant `资助不超应缴`" not in out


def test_tier_2_below_tier_1_breaks_二档不低于一档(capsys, policies):
    plant(policies / CQ, "let 大学生二档标准 = 725 元", "let 大学生二档标准 = 325 元")
    code, out = check(capsys, policies, CQ)
    assert code == 1
    failure = invariant_failure(out, "二档不低于一档")
    assert failure["what"] == "contribution = 325.00"
    assert failure["case"]["group"] == "student" and failure["case"]["tier"] == 2
    row = line_col(policies / CQ, "  大学生, 二档 => 大学生二档标准")
    assert [e for e in errors(out) if e[2] == "E701"] == [(row[0], 3, "E701")]


# ---- check/: a domain's citation, a data table's printed total, an inherited domain changed -----------------------
def test_a_domain_citing_words_not_in_the_notice_is_E403(capsys, policies):
    plant(policies / CQ, '§一 "参加我市 2024 年度居民医保个人缴费标准为一档 380 元/人·年"\n  excludes payment_date > end of year',
          '§一 "参加我市 2099 年度居民医保个人缴费标准"\n  excludes payment_date > end of year')
    code, out = check(capsys, policies, CQ)
    assert code == 1
    where = line_col(policies / CQ, '§一 "参加我市 2099 年度')
    assert errors(out) == [(*where, "E403")], out
    assert "the quote is not in the text of 渝医保发〔2023〕24号" in out


FY = "fengyan-2024.policy"


def test_a_village_row_off_by_one_breaks_the_printed_total_E401(capsys, policies):
    plant(policies / FY, '"三教村", 1589, 1363', '"三教村", 1589, 1364')
    code, out = check(capsys, policies, FY)
    assert code == 1
    line, _ = line_col(policies / FY, "total 任务数 printed 9390")
    col = line_col(policies / FY, "total 任务数 printed 9390")[1] + len("total 任务数 printed ")
    assert errors(out) == [(line, col, "E401")], out
    assert "the column 任务数 adds up to 9391, the notice prints 9390" in out


def test_redeclaring_an_inherited_domain_without_override_is_E601(capsys, policies):
    plant(policies / FY, "domain 缴费截止 for",
          'domain 参保年度 for contribution\n  §四 "在2024年7月至12月底期间参保缴费的"\n'
          '  excludes payment_date > 年度参保截止\n  because "{document}: not this year"\n\ndomain 缴费截止 for')
    code, out = check(capsys, policies, FY)
    assert code == 1
    where = line_col(policies / FY, "domain 参保年度 for contribution")
    assert errors(out) == [(*where, "E601")], out
    assert "domain `参保年度` is inherited from 渝医保发〔2023〕24号; changing it must say `override`" in out
    # with `override` it is the township's own domain: no E601 (the municipal one it replaced is gone, so
    # the invariant 年度后无答 now fails, which is another matter)
    plant(policies / FY, "domain 参保年度 for contribution", "override domain 参保年度 for contribution")
    code, out = check(capsys, policies, FY)
    assert "E601" not in [c for *_, c in errors(out)] and "error[E601]" not in out, out


# ---- base/cache.py: the compiler fingerprint -----------------------------------------------------------------------
@pytest.fixture
def package(tmp_path, monkeypatch):
    """A copy of the package as the repository lays it out (compiler/yibao, the grammar a symlink into
    grammar/), with cache.py's fingerprint taken of the copy."""
    src = Path(cache.__file__).resolve().parent.parent
    copy = tmp_path / "compiler" / "yibao"
    shutil.copytree(src, copy, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(src.parent.parent / "grammar", tmp_path / "grammar")
    lark = copy / "language" / "yibao.lark"
    assert lark.is_symlink() and lark.resolve() == (tmp_path / "grammar" / "yibao.lark").resolve()
    monkeypatch.setattr(cache, "__file__", str(copy / "base" / "cache.py"))
    monkeypatch.setattr(cache, "_FINGERPRINT", None)
    return copy


def fingerprint() -> bytes:
    cache._FINGERPRINT = None  # recomputed, not the memo
    return cache._compiler_fingerprint()


def touch(path: Path, edit: bool):
    """An edit (one byte more) or a save with no change (a newer modification time)."""
    st = path.stat()
    if edit:
        path.write_bytes(path.read_bytes() + b"\n")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


@pytest.mark.parametrize("edit", [True, False], ids=["edited", "saved"])
def test_the_fingerprint_follows_the_grammar(package, edit):
    before = fingerprint()
    assert before == fingerprint()  # the same files: the same fingerprint
    touch(package.parent.parent / "grammar" / "yibao.lark", edit)  # the file the symlink names
    after = fingerprint()
    assert after != before


def test_the_fingerprint_follows_every_compiler_file(package):
    files = sorted(p for p in package.rglob("*") if p.suffix in (".py", ".lark")
                   and not any(part.startswith("_") for part in p.relative_to(package).parts[:-1]))
    assert package / "language" / "yibao.lark" in files and package / "base" / "cache.py" in files
    assert len(files) > 50
    seen = {fingerprint()}
    for f in files:
        touch(f, edit=False)
        now = fingerprint()
        assert now not in seen, f"a newer {f.relative_to(package)} leaves the fingerprint as it was"
        seen.add(now)


def test_a_grammar_change_is_a_new_cache_key(package):
    before = cache.key(b"the same policy")
    cache._FINGERPRINT = None
    assert cache.key(b"the same policy") == before
    touch(package / "language" / "yibao.lark", edit=True)
    cache._FINGERPRINT = None
    assert cache.key(b"the same policy") != before
