"""Issue 24, item 11: where two ways in disagreed, one of them wrong. `check` and `eval` give the same
word on a notice (an unreadable text, a syntax error, an `implements` circle); the roll's fast path
reads a line as `--case` does; the case schema accepts what validation accepts."""
from __future__ import annotations

import json

import pytest

from hostile import CQ2024, GOOD_CASE, decision, no_traceback, policy_dir, yibao

NOTICE = "测试〔2024〕1号"


def _header(document: str, parent: str) -> str:
    return (f'notice {document} {{\n  title "测试通知"\n  issuers "测试局"\n  issued 2024-01-01\n  coverage 2024\n'
            f'  jurisdiction "测试区"\n  implements {parent}\n}}\nuse 居民医保\n')


def test_a_notice_text_over_1_mb_is_e109_in_check_as_in_eval(tmp_path):
    d = policy_dir(tmp_path, decision("x"))
    text = d / "texts" / f"{NOTICE}.txt"
    text.write_text(text.read_text(encoding="utf-8") + "x" * 1_000_001, encoding="utf-8")
    checked = yibao("--policies", d, "check", d / "t.policy")
    evaluated = yibao("--policies", d, "eval", NOTICE, "--case", "-", stdin=GOOD_CASE)
    assert checked.returncode == evaluated.returncode == 1
    for r in (checked, evaluated):
        assert b"E109" in r.stdout + r.stderr and no_traceback(r.stdout, r.stderr)
    assert b"W401" not in checked.stdout  # the text is there: not "not in the repository"


def test_eval_of_a_policy_with_a_syntax_error_names_file_line_and_column(tmp_path):
    d = policy_dir(tmp_path, decision("x") + "decision oops : = =\n")
    r = yibao("--policies", d, "eval", NOTICE, "--case", "-", stdin=GOOD_CASE)
    assert r.returncode == 1 and no_traceback(r.stderr)
    assert b"t.policy:11:17: error[E103]" in r.stderr and b"no policy for notice" not in r.stderr


def test_an_implements_circle_fails_check_of_one_file_as_eval_fails(tmp_path):
    d = policy_dir(tmp_path, "", header=_header("测试〔2024〕0号", "测试〔2024〕1号"), name="n0.policy")
    (d / "n1.policy").write_text(_header("测试〔2024〕1号", "测试〔2024〕2号"), encoding="utf-8")
    (d / "n2.policy").write_text(_header("测试〔2024〕2号", "测试〔2024〕0号"), encoding="utf-8")
    checked = yibao("--policies", d, "check", d / "n0.policy")
    evaluated = yibao("--policies", d, "eval", "测试〔2024〕0号", "--case", "-", stdin=GOOD_CASE)
    assert checked.returncode == evaluated.returncode == 1
    assert b"E605" in checked.stdout and b"E605" in evaluated.stderr


@pytest.mark.parametrize("space", ["\u3000", "\f", "\u00a0", "\v", "\u2028"])
@pytest.mark.parametrize("where", ["before", "after"])
def test_the_roll_fast_path_rejects_what_a_single_case_rejects_around_a_line(space, where):
    line = GOOD_CASE.decode()
    line = space + line if where == "before" else line + space
    single = yibao("eval", CQ2024, "--case", "-", stdin=line.encode())
    # ordinary lines first, so that the fast path is warm when the odd one comes
    roll = yibao("eval", CQ2024, "--cases", "-", stdin=(GOOD_CASE + b"\n") * 3 + line.encode() + b"\n")
    assert single.returncode == roll.returncode == 2, (single.stderr, roll.stdout)
    last = json.loads(roll.stdout.splitlines()[-1])
    assert last["exit"] == 2 and "malformed JSON" in last["error"]


def test_jsons_own_whitespace_around_a_line_is_still_read():
    roll = yibao("eval", CQ2024, "--cases", "-", stdin=(GOOD_CASE + b"\n") * 3 + b" \t" + GOOD_CASE + b" \t\r\n")
    assert roll.returncode == 0 and len(set(roll.stdout.splitlines())) == 1


def test_the_schemas_least_continuous_years_is_what_validation_accepts():
    schema = json.loads(yibao("schema", CQ2024).stdout)
    least = schema["properties"]["continuous_years"]["minimum"]
    for years, exit_code in ((least - 1, 2), (least, 0)):
        case = json.dumps({"tier": 1, "payment_date": "2023-11-01", "continuous_years": years}).encode()
        assert yibao("eval", CQ2024, "--case", "-", stdin=case).returncode == exit_code, years
    assert schema["properties"]["lapsed_years"]["minimum"] == 0  # no constraint bounds it: as before
