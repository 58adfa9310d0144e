"""Issue 24, item 8: work bounded by the policy's size, not by its enumerations' product. A one-row
`*, *, *` table over three 100-member enumerations took 2.2 GB (60 members) to MemoryError (100) in
check and eval; a chain of 1,200 `implements` ended in "internal error: nested too deeply" (exit 70).
Memory is bounded by the operating system here (RLIMIT_AS), not by a clock."""
from __future__ import annotations

import json
import resource

import pytest

from helpers import HEADER
from hostile import CITE, no_traceback, policy_dir, yibao
from yibao.analysis.tables import key_domains, table_gaps
from yibao.policies.directory import PolicySet

NOTICE = "测试〔2024〕1号"
MEMORY = 1 << 30  # bytes of address space a check or an eval may take here (it needs about 100 MB)
CASE = {"tier": 1, "payment_date": "2024-01-01"}


def _bounded():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def enums(n: int, names="ABC") -> str:
    out = ""
    for e in names:
        out += f"enum E{e} {{\n" + "".join(f'  {e}{i} = "{e.lower()}{i}"\n' for i in range(n)) + "}\n"
        out += f'fact f{e} : E{e} "f{e}"\n'
    return out


def table(rows: str, hit: str = "unique") -> str:
    return f'table T (fA, fB, fC) : money "t"\n  hit {hit}\n{{\n{rows}}}\ndecision d : money "d" = T {CITE}\n'


def test_a_one_row_table_over_three_100_member_enums_checks_and_evaluates_in_bounded_memory(tmp_path):
    d = policy_dir(tmp_path, enums(100) + table(f"  *, *, * => 380 元 {CITE}\n"))
    case = json.dumps({**CASE, "fA": "a7", "fB": "b99", "fC": "c0"}).encode()
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}  # cold: every generator runs
    checked = yibao("--policies", d, "check", d / "t.policy", env=env, preexec_fn=_bounded)
    assert checked.returncode == 0 and no_traceback(checked.stderr), checked.stderr
    for target in ("python", "js", "web"):
        r = yibao("--policies", d, "compile", NOTICE, "--target", target, "-o", tmp_path / f"calc.{target}",
                  env=env, preexec_fn=_bounded)
        assert r.returncode == 0, r.stderr
    r = yibao("--policies", d, "eval", NOTICE, "--case", "-", stdin=case, env=env, preexec_fn=_bounded)
    assert r.returncode == 0 and json.loads(r.stdout) == {"d": "380.00"}, r.stderr
    roll = tmp_path / "roll.jsonl"
    roll.write_bytes(case + b"\n")
    r = yibao("--policies", d, "eval", NOTICE, "--cases", roll, "--output", tmp_path / "out.csv", env=env,
              preexec_fn=_bounded)
    assert r.returncode == 0 and "380.00" in (tmp_path / "out.csv").read_text(), r.stderr


def test_the_table_analysis_tries_one_code_for_all_the_codes_no_row_names(tmp_path):
    """Linear in the enumerations' size: a code no row names stands for all such codes."""
    d = policy_dir(tmp_path, enums(100) + table(f"  A1, *, * => 380 元 {CITE}\n  A2, B3, * => 380 元 {CITE}\n",
                                                 hit="first"))
    program, _ = PolicySet(d).check(str(d / "t.policy"))
    domains = key_domains(program, program.definitions["T"].table)
    assert [len(x) for x in domains] == [3, 2, 1]  # A1, A2 and one other; B3 and one other; one


@pytest.mark.parametrize("rows,code", [
    (f"  A1, *, * => 380 元 {CITE}\n  A2, *, * => 380 元 {CITE}\n", "E501"),  # A0 … A29 but two: no row
    (f"  *, *, * => 380 元 {CITE}\n  A3, B4, * => 380 元 {CITE}\n", "E502"),  # two rows for A3, B4
])
def test_gaps_and_overlaps_are_still_found_past_the_product_enumerated(tmp_path, rows, code):
    d = policy_dir(tmp_path, enums(30) + table(rows))  # 27,000 combinations: past those tried one by one
    program, _ = PolicySet(d).check(str(d / "t.policy"))
    diags = table_gaps(program, program.definitions["T"])
    found = [x for x in diags if x.code == code]
    assert found and '"fA"' in found[0].message, [x.render() for x in diags]


def _chain(tmp_path, n: int):
    d = policy_dir(tmp_path, f'decision d : money "d" = 380 元 {CITE}\n')
    for i in range(2, n + 1):
        (d / f"c{i}.policy").write_text(HEADER.replace("测试〔2024〕1号", f"测试〔2024〕{i}号").replace(
            "implements none", f"implements 测试〔2024〕{i - 1}号"), encoding="utf-8")
    return d


def test_a_chain_of_1200_implements_is_a_positioned_e110_not_an_internal_error(tmp_path):
    d = _chain(tmp_path, 1200)
    checked = yibao("--policies", d, "check", d / "c1200.policy")
    evaluated = yibao("--policies", d, "eval", "测试〔2024〕1200号", "--case", "-", stdin=json.dumps(CASE).encode())
    assert checked.returncode == evaluated.returncode == 1, (checked.stderr, evaluated.stderr)
    for text in (checked.stdout, evaluated.stderr):
        assert b"error[E110]: notices implement one another more than 100 deep" in text
        assert b".policy:1:1:" in text and no_traceback(text) and b"internal error" not in text


def test_a_chain_within_the_bound_checks(tmp_path):
    d = _chain(tmp_path, 50)
    r = yibao("--policies", d, "eval", "测试〔2024〕50号", "--case", "-", stdin=json.dumps(CASE).encode())
    assert r.returncode == 0 and json.loads(r.stdout) == {"d": "380.00"}, r.stderr
