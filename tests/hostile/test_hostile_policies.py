"""Issue 14's reproducers for policies: every hostile policy gives a diagnostic naming file:line:col
(exit 1), or checks and then runs the same in the interpreter, `yibao eval` and the compiled module."""
from __future__ import annotations

import json

import pytest

from helpers import HEADER, TEXT
from hostile import CITE, CQ2024, GOOD_CASE, all_policies, compiled, decision, no_traceback, policy_dir, process, run, yibao
from yibao.policies.directory import PolicySet

NOTICE = "测试〔2024〕1号"


def check(directory, path="t.policy"):
    return PolicySet(directory).check(str(directory / path))


def codes(diags):
    return [d.code for d in diags if d.severity == "error"]


# ---- 1. look-alike names ---------------------------------------------------------------------------
def test_names_equal_under_nfkc_are_an_error(tmp_path):
    d = policy_dir(tmp_path, f"let Ａ档标准 = 342 元 {CITE}\nlet A档标准 = 380 元 {CITE}\n" + decision("x", "Ａ档标准"))
    program, diags = check(d)
    assert program is None and "E216" in codes(diags)
    assert any("`Ａ档标准`" in d.message and "`A档标准`" in d.message for d in diags)


def test_names_that_differ_in_case_are_still_two_names(tmp_path):
    d = policy_dir(tmp_path, f"let ab = 342 元 {CITE}\nlet AB = 380 元 {CITE}\n" + decision("x", "ab")
                   + decision("y", "AB"))
    program, diags = check(d)
    assert program is not None, [x.render() for x in diags]
    assert not [x for x in diags if x.code == "E216"]
    code, out, _ = run("--policies", d, "eval", NOTICE, "--case", "-", stdin=b"{}")
    assert code == 0 and json.loads(out) == {"x": "342.00", "y": "380.00"}, out


# ---- 3. duplicate documents and libraries ---------------------------------------------------------------
def test_a_stale_copy_of_a_notice_is_an_error_naming_both_files(tmp_path):
    d = all_policies(tmp_path)
    stale = (d / "chongqing-2024.policy").read_text(encoding="utf-8").replace("380 元", "999 元", 1)
    (d / "old").mkdir()
    (d / "old" / "copy.policy").write_text(stale, encoding="utf-8")
    program, diags = PolicySet(d).check(CQ2024)
    assert program is None and "E606" in codes(diags)
    assert any("copy.policy" in " ".join(x.notes) + x.render() for x in diags)
    code, out, err = run("--policies", d, "eval", CQ2024, "--case", "-", stdin=GOOD_CASE)
    assert code == 1 and out == "" and "999" not in out


def test_two_libraries_of_one_name_are_an_error(tmp_path):
    d = all_policies(tmp_path)
    lib = (d / "lib" / "resident.policy").read_text(encoding="utf-8")
    (d / "lib" / "again.policy").write_text(lib, encoding="utf-8")
    program, diags = PolicySet(d).check(CQ2024)
    assert program is None and "E606" in codes(diags)


# ---- 8. names that are Python's or the calculator's own -----------------------------------------------------
TAKEN = ["class", "def", "None", "lambda", "async", "decode", "pct", "DECISIONS", "evaluate", "print", "money_out",
         "__builtins__", "__name__", "main", "loads", "JSONError", "FUNCTIONS", "match", "_d_x", "json", "sys"]


def test_decisions_named_like_keywords_and_the_runtime_compile_and_run(tmp_path):
    d = policy_dir(tmp_path, "".join(decision(n, f"{380 + i} 元") for i, n in enumerate(TAKEN)))
    program, diags = check(d)
    assert program is not None, [x.render() for x in diags]
    calc = compiled(tmp_path, d)
    want = {n: f"{380 + i}.00" for i, n in enumerate(TAKEN)}
    r = process(["-I", calc], stdin=b"{}\n")
    assert r.returncode == 0 and json.loads(r.stdout) == want, r.stderr
    code, out, _ = run("--policies", d, "eval", NOTICE, "--case", "-", stdin=b"{}")
    assert code == 0 and json.loads(out) == want
    script = ("import sys, json; sys.path.insert(0, sys.argv[1]); import calc; "
              "print(json.dumps({n: str(getattr(calc, calc.FUNCTIONS[n])({})) for n in calc.DECISIONS}))")
    r = process(["-I", "-c", script, tmp_path])
    assert r.returncode == 0 and json.loads(r.stdout) == want, r.stderr


def test_a_nul_character_in_a_policy_is_an_error_naming_the_file(tmp_path):
    d = policy_dir(tmp_path, decision("x").replace('"x"', '"a\x00b"'))
    program, diags = check(d)
    assert program is None and codes(diags) == ["E109"] and "t.policy" in diags[0].render()


# ---- 9. depth ------------------------------------------------------------------------------------------------
def _chain(n):
    return f"let a0 = 1 元 {CITE}\n" + "".join(f"let a{i} = a{i - 1} + 1 元 {CITE}\n" for i in range(1, n)) \
        + decision("x", f"a{n - 1}")


def _reverse_chain(n):
    return decision("x", f"a{n - 1}") + "".join(f"let a{i} = a{i - 1} + 1 元 {CITE}\n"
                                                for i in reversed(range(1, n))) + f"let a0 = 1 元 {CITE}\n"


F = "inpatient_reimbursement"
DEEP = {
    "chain of 150 lets": _chain(150),
    "chain of 1000 lets": _chain(1000),
    "150 lets used before they are declared": _reverse_chain(150),
    "210-term sum": decision("x", " + ".join([F] * 210)),
    "300 nested minus": decision("x", "-" * 300 + F),
    "300 nested ifs": decision("x", "if true then " * 300 + F + " else 1 元" * 300),
    "100000 nested minus": decision("x", "-" * 100000 + F),
    "60 lets of 90 nested minus": decision("x", "a59") + "".join(
        f"let a{i} = {'-' * 90}a{i - 1} {CITE}\n" for i in reversed(range(1, 60))) + f"let a0 = 1 元 {CITE}\n",
}


@pytest.mark.parametrize("body", DEEP.values(), ids=DEEP.keys())
def test_too_deep_is_a_diagnostic_not_a_recursion_error(tmp_path, body):
    program, diags = check(policy_dir(tmp_path, body))
    assert program is None and "E110" in codes(diags)
    assert all(d.span is not None for d in diags if d.code == "E110")


def test_deep_but_within_the_limits_runs_everywhere_alike(tmp_path):
    d = policy_dir(tmp_path, _chain(60) + decision("y", " + ".join([F] * 90)))
    program, diags = check(d)
    assert program is not None, [x.render() for x in diags]
    code, out, _ = run("--policies", d, "eval", NOTICE, "--case", "-", stdin=b'{"inpatient_reimbursement": 1}')
    assert code == 0 and json.loads(out) == {"x": "60.00", "y": "90.00"}


# ---- 10. checker crashes ----------------------------------------------------------------------------------------
def test_a_fact_default_computed_from_a_decision_is_a_diagnostic(tmp_path):
    program, diags = check(policy_dir(tmp_path, decision("contribution") + "fact xx : money = contribution\n"))
    assert program is None and "E302" in codes(diags)


def test_a_fraction_in_an_integer_column_is_a_diagnostic(tmp_path):
    body = f'data 表 (名: text, 数: count) {CITE} {{\n  "甲", 0.5\n  "乙", 2\n  total 数 printed 2 {CITE}\n}}\n'
    d = policy_dir(tmp_path, body)
    program, diags = check(d)
    assert program is None and codes(diags) == ["E305"], [x.render() for x in diags]
    lines = (d / "t.policy").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if '"甲", 0.5' in text)
    e305 = next(x for x in diags if x.code == "E305")
    assert (e305.span.line, e305.span.column) == (line, lines[line - 1].index("0.5") + 1)
    assert "0.5 needs a unit" in e305.message


def test_ten_million_days_after_payment_checks_and_is_undecidable_when_evaluated(tmp_path):
    d = policy_dir(tmp_path, f'decision y : date "y" = payment_date + 10000000 days {CITE}\n')
    program, diags = check(d)
    assert program is not None
    code, _, err = run("--policies", d, "eval", NOTICE, "--case", "-", "--decision", "y",
                       stdin=b'{"payment_date": "2024-03-01"}')
    assert code == 3 and "9999-12-31" in err and no_traceback(err)


# ---- 11. files that cannot be read --------------------------------------------------------------------------------
@pytest.mark.parametrize("damage", [lambda b: b[:40] + b"\xff" + b[40:], lambda b: b + "档".encode()[:2]],
                         ids=["not UTF-8", "cut inside a character"])
def test_an_unreadable_policy_is_an_error_of_that_file_only(tmp_path, damage):
    d = all_policies(tmp_path)
    bad = d / "fengyan-2024.policy"
    bad.write_bytes(damage(bad.read_bytes()))
    code, out, err = run("--policies", d, "check")
    assert code == 1 and "fengyan-2024.policy:" in out + err and "E109" in out + err and no_traceback(out, err)
    code, out, _ = run("--policies", d, "eval", CQ2024, "--case", "-", stdin=GOOD_CASE)
    assert code == 0 and json.loads(out)["contribution"] == "380.00"


def test_an_unreadable_notice_text_is_an_error_of_that_notice_only(tmp_path):
    d = policy_dir(tmp_path, decision("x"))
    (d / "texts" / "峰岩府发〔2023〕60号.txt").write_bytes(b"\xff\xfe\x00")
    assert check(d)[0] is not None  # another notice's text: this one still checks
    (d / "texts" / f"{NOTICE}.txt").write_bytes(TEXT.encode("utf-8")[:-1])
    program, diags = check(d)
    assert program is None and "E109" in codes(diags)


def test_a_directory_named_like_a_policy_is_not_read(tmp_path):
    d = policy_dir(tmp_path, decision("x"))
    (d / "x.policy").mkdir()
    assert check(d)[0] is not None
    code, out, err = run("--policies", d, "check")
    assert code == 0 and no_traceback(out, err)


def test_a_byte_order_mark_before_a_policy_is_accepted(tmp_path):
    d = policy_dir(tmp_path, decision("x"))
    (d / "t.policy").write_bytes(b"\xef\xbb\xbf" + (d / "t.policy").read_bytes())
    assert check(d)[0] is not None


def test_a_policy_over_the_size_limit_is_refused_at_once(tmp_path):
    d = policy_dir(tmp_path, decision("x", '380 元 "' + "注" * 400_000 + '"'))
    program, diags = check(d)
    assert program is None and codes(diags) == ["E109"] and "larger than" in diags[0].message


def test_a_child_of_a_notice_with_a_syntax_error_says_so(tmp_path):
    d = all_policies(tmp_path)
    parent = d / "chongqing-2024.policy"
    parent.write_text(parent.read_text(encoding="utf-8").replace("use 居民医保", "use 居民医保 }}", 1), encoding="utf-8")
    child = next(p for p in d.glob("*.policy") if "implements 渝医保发〔2023〕24号" in p.read_text(encoding="utf-8"))
    program, diags = PolicySet(d).check(str(child))
    assert program is None
    messages = [x.message for x in diags]
    assert any("has errors" in m for m in messages) and not any("is not encoded here" in m for m in messages)


# ---- the cache key: a comment inside a header hides nothing from it ---------------------------------

@pytest.mark.parametrize("gap", [" # a note\n  ", "#\n", "  # }\n\t"])
def test_a_comment_between_use_and_the_library_name_does_not_serve_a_stale_answer(tmp_path, gap):
    d = policy_dir(tmp_path, f"use{gap}测试库\n" + decision("contribution", "基数"))
    lib = d / "lib" / "test.policy"
    lib.write_text(f"library 测试库\nlet 基数 : money = 380 元 {CITE}\n", encoding="utf-8")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    argv = ["--policies", d, "eval", NOTICE, "--case", "-"]
    for _ in range(2):  # cold, then warm
        r = yibao(*argv, stdin=GOOD_CASE, env=env)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["contribution"] == "380.00"
    lib.write_text(f"library 测试库\nlet 基数 : money = 755 元 {CITE}\n", encoding="utf-8")
    r = yibao(*argv, stdin=GOOD_CASE, env=env)
    assert r.returncode == 0 and json.loads(r.stdout)["contribution"] == "755.00", r.stdout + r.stderr


@pytest.mark.parametrize("gap", [" # a note\n  ", "#\n"])
def test_a_comment_between_implements_and_the_parent_does_not_serve_a_stale_answer(tmp_path, gap):
    header = HEADER.replace("implements none", f"implements{gap}测试〔2024〕1号")
    parent = HEADER + decision("contribution")
    d = policy_dir(tmp_path, decision("contribution"))
    child = header.replace("测试〔2024〕1号 {", "测试〔2024〕2号 {", 1)
    (d / "child.policy").write_text(child, encoding="utf-8")
    (d / "texts" / "测试〔2024〕2号.txt").write_text(TEXT, encoding="utf-8")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    argv = ["--policies", d, "eval", "测试〔2024〕2号", "--case", "-"]
    for _ in range(2):
        r = yibao(*argv, stdin=GOOD_CASE, env=env)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["contribution"] == "380.00"
    (d / "t.policy").write_text(parent.replace("= 380 元", "= 755 元"), encoding="utf-8")
    r = yibao(*argv, stdin=GOOD_CASE, env=env)
    assert r.returncode == 0 and json.loads(r.stdout)["contribution"] == "755.00", r.stdout + r.stderr
