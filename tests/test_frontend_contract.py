"""Each inconsistency issue 22 found between the front ends, as a test (each failed on main before the
one catalogue): `id` refused or dropped, "did you mean" only in some places, an unknown decision
exiting 3, English on the Chinese page, different words for one error; and issue 24 item 11's
validation (the field blamed, the message for "1e5"). The equality matrix (test_frontend_matrix.py)
holds the same for generated cases; these name the cases the issue names.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys

from urllib.parse import quote

import pytest

from conftest import ROOT, program
from helpers import node
from yibao.backends.targets import source
from yibao.cli import main
from yibao.runtime.messages import MESSAGES, close_names, lang_of_environment, say
from test_conformance_matrix import _stop_the_server  # noqa: F401 (stops the shared server)

N = "渝医保发〔2023〕24号"
GOOD = {"tier": 1, "payment_date": "2023-11-01"}


def yibao(capsys, monkeypatch, *argv, stdin: str = "", env: dict | None = None):
    monkeypatch.chdir(ROOT)
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(key, raising=False)
    for key, value in (env or {}).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8"))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def calculators(tmp_path):
    py, js = tmp_path / "calc.py", tmp_path / "calc.mjs"
    py.write_text(source("python", program(N)), encoding="utf-8")
    js.write_text(source("js", program(N)), encoding="utf-8")
    return py, js


def lines_of(argv, lines, tmp_path) -> list[dict]:
    done = subprocess.run(argv, input="".join(x + "\n" for x in lines), capture_output=True, text=True,
                          encoding="utf-8", timeout=120, cwd=tmp_path, env={**os.environ, "LANG": "C", "LC_ALL": ""})
    assert "Traceback" not in done.stderr and "    at " not in done.stderr, done.stderr
    return [json.loads(x) for x in done.stdout.splitlines()]


# ---- id everywhere ----------------------------------------------------------------------------------
def test_the_javascript_module_accepts_id_and_every_front_end_echoes_it_on_error_lines_too(tmp_path, capsys, monkeypatch):
    """main: calc.mjs refused `id` on every line ("unknown field (did you mean `identities`?)"), and
    calc.py's error lines dropped it even for a parsed case."""
    lines = [json.dumps({"id": 7, **GOOD}), json.dumps({"id": "p-2", "tier": 3})]
    py, js = calculators(tmp_path)
    _, out, _ = yibao(capsys, monkeypatch, "eval", N, "--cases", "-", stdin="\n".join(lines) + "\n")
    for got in (lines_of([sys.executable, str(py)], lines, tmp_path), lines_of([node(), str(js)], lines, tmp_path),
                [json.loads(x) for x in out.splitlines()]):
        assert got[0]["id"] == 7 and got[0]["amount_due"] == "380.00"
        assert got[1]["id"] == "p-2" and got[1]["field"] == "tier" and got[1]["exit"] == 2


# ---- "did you mean" from one place ------------------------------------------------------------------
@pytest.mark.parametrize("case, field, close", [
    ({"payment_dat": "2023-11-01"}, "payment_dat", "payment_date"),
    ({"tier": 1, "identities": ["dibbao"]}, "identities[0]", "dibao"),
    ({"group": "studnet"}, "group", "student"),
])
def test_eval_suggests_the_closest_field_or_code(capsys, monkeypatch, case, field, close):
    """main: only calc.py and calc.mjs suggested a field; nothing suggested a code or a group."""
    code, out, err = yibao(capsys, monkeypatch, "eval", N, "--cases", "-", stdin=json.dumps(case) + "\n")
    line = json.loads(out)
    assert code == 2 and line["field"] == field and f"(did you mean `{close}`?)" in line["message"]


def test_a_misspelt_decision_is_bad_input_with_the_closest_names(capsys, monkeypatch):
    """main: `--decision amount_du` exited 3, though a name outside the interface is bad input (2)."""
    code, _, err = yibao(capsys, monkeypatch, "eval", N, "--case", "-", "--decision", "amount_du",
                         stdin=json.dumps(GOOD))
    assert code == 2 and "did you mean `amount_due`?" in err
    # a decision of the interface that this notice does not state still exits 3
    code, _, err = yibao(capsys, monkeypatch, "eval", N, "--case", "-", "--decision", "outpatient_limit",
                         stdin=json.dumps(GOOD))
    assert code == 3 and "does not state `outpatient_limit`" in err


def test_a_misspelt_command_names_the_closest(capsys, monkeypatch):
    code, _, err = yibao(capsys, monkeypatch, "evl", N)
    assert code == 2 and "no command `evl` (did you mean `eval`?)" in err


def test_did_you_mean_is_one_rule():
    assert close_names("amount_du", ["assistance", "amount_due", "contribution"]) == ["amount_due"]
    assert close_names("studnet", ["resident", "student", "newborn"]) == ["student"]
    assert close_names("zzz", ["resident", "student"]) == []


# ---- the same error, the same words ---------------------------------------------------------------------
def test_eval_and_the_calculators_write_one_error_line(tmp_path, capsys, monkeypatch):
    """main: eval said "<stdin>:1: field `payment_date`: '2026-02-29' is not a day that exists", the
    calculators "line 1: … 2026-02-29 …"."""
    lines = ['{"tier": 1, "payment_date": "2026-02-29"}']
    py, js = calculators(tmp_path)
    _, out, _ = yibao(capsys, monkeypatch, "eval", N, "--cases", "-", stdin=lines[0] + "\n")
    want = {"error": "<stdin>:1: field `payment_date`: 2026-02-29 is not a day that exists", "exit": 2,
            "code": "bad_input", "field": "payment_date", "message": "2026-02-29 is not a day that exists"}
    assert json.loads(out) == want
    assert lines_of([sys.executable, str(py)], lines, tmp_path) == [want]
    assert lines_of([node(), str(js)], lines, tmp_path) == [want]


@pytest.mark.parametrize("case, field, message", [
    ({"tier": 3, "lapsed_years": 2.0}, "tier", "3 is not one of 1, 2"),  # not lapsed_years (issue 24, 11)
    ({"tier": 1, "inpatient_reimbursement": "1e5"}, "inpatient_reimbursement",
     "'1e5' is not an amount of money in yuan: digits 0-9, at most two decimals, not negative"),
])
def test_validation_blames_the_right_field_with_the_documented_message(capsys, monkeypatch, case, field, message):
    """main: eval answered from the JSON Schema: "Decimal('2.0') is not of type 'integer'" for
    lapsed_years, and "is not valid under any of the given schemas" for the money "1e5"."""
    code, out, _ = yibao(capsys, monkeypatch, "eval", N, "--cases", "-", stdin=json.dumps(case) + "\n")
    line = json.loads(out)
    assert code == 2 and (line["field"], line["message"]) == (field, message)


# ---- the language ---------------------------------------------------------------------------------------
def test_cli_messages_in_chinese_by_flag_or_locale(capsys, monkeypatch):
    case = '{"tier": 1, "payment_date": "2026-02-29"}'
    for argv, env in ((["--lang", "zh"], {}), ([], {"LANG": "zh_CN.UTF-8"})):
        code, out, err = yibao(capsys, monkeypatch, "eval", N, "--cases", "-", *argv, stdin=case + "\n", env=env)
        assert json.loads(out)["message"] == "2026-02-29 不是存在的日期"
        assert "<stdin>:1: 字段 `payment_date`：2026-02-29 不是存在的日期" in err
    assert lang_of_environment({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN"}) == "en"
    assert lang_of_environment({"LC_MESSAGES": "zh_TW"}) == "zh" and lang_of_environment({}) == "en"


def test_web_api_messages_by_lang_else_accept_language():
    httpx = pytest.importorskip("httpx")
    from test_conformance_matrix import _web_api_base
    client = httpx.Client(base_url=_web_api_base(), timeout=120)
    path = "/notices/" + quote(N) + "/eval"
    body = {"cases": [GOOD, {"id": 9, "tier": 1, "payment_date": "2026-02-29"}]}
    zh = client.post(path, json=body, headers={"Accept-Language": "fr;q=1, zh-CN;q=0.8, en;q=0.5"})
    en = client.post(path, json=body, params={"lang": "en"}, headers={"Accept-Language": "zh-CN"})
    assert zh.status_code == en.status_code == 200
    assert zh.json()["results"][1] == {"id": 9, "error": {"code": "bad_input", "field": "payment_date", "index": 1,
                                                          "message": "2026-02-29 不是存在的日期"}}
    assert en.json()["results"][1]["error"]["message"] == "2026-02-29 is not a day that exists"
    assert client.post(path, json=GOOD, params={"lang": "fr"}).status_code == 400


def test_every_message_has_both_forms_and_the_same_slots():
    import re
    for key, forms in MESSAGES.items():
        assert set(forms) == {"zh", "en"}, key
        assert set(re.findall(r"\{(\w+)\}", forms["zh"])) == set(re.findall(r"\{(\w+)\}", forms["en"])), key
    assert say("date_day", "zh", {"value": "2026-02-29"}) == "2026-02-29 不是存在的日期"
