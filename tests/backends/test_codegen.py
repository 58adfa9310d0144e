"""Stage 3: IR → Python. The generated module is standalone, deterministic, safe against any
string a policy holds, and agrees with the reference interpreter."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, program
from helpers import check
from yibao.language.printer import quote
from yibao.backends.python.generate import generate

# the value a policy string decodes to: triple quotes, backslashes, a newline, braces, a hash
NASTY = 'a"""b\'\'\'c\\d\n"e" {x} # not a comment\t ) ] }'


def test_generation_is_deterministic():
    p = program("渝医保发〔2023〕24号")
    assert generate(p) == generate(p)


def test_policy_strings_cannot_break_or_inject_into_generated_code(tmp_path):
    q = quote(NASTY)
    body = f'decision contribution : money {q} = unknown {q} §一 "个人缴费标准为一档 380 元/人·年" note {q}\n'
    p, diags = check(tmp_path, body)
    assert diags == [], [d.render() for d in diags]
    source = generate(p)
    namespace: dict = {}
    exec(compile(source, "generated", "exec"), namespace)
    reason = p.definitions["contribution"].expr.reason
    assert reason == NASTY
    with pytest.raises(namespace["UnknownValue"]) as exc:
        namespace["DECISIONS"]["contribution"][0]({})
    assert exc.value.what == reason


def test_compiled_module_imports_and_runs_under_python_isolated_mode(tmp_path):
    out = tmp_path / "calc.py"
    r = subprocess.run([sys.executable, "-m", "yibao.cli", "compile", "渝医保发〔2023〕24号", "-o", str(out)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    case = {"group": "student", "tier": 2, "payment_date": "2023-11-01"}
    r = subprocess.run([sys.executable, "-I", str(out)], input=json.dumps(case), cwd=tmp_path,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert (result["contribution"], result["benefit_start"], result["benefit_end"]) == ("725.00", "2024-01-01", "2024-12-31")
    r = subprocess.run([sys.executable, "-I", "-c", "import sys; sys.path.insert(0, '.'); import calc; print(calc.contribution({'tier': 1, 'payment_date': '2023-11-01'}))"],
                       cwd=tmp_path, capture_output=True, text=True)
    assert r.stdout.strip() == "380.00", r.stderr
    # standard library only: nothing from yibao, lark or jsonschema is imported
    source = out.read_text(encoding="utf-8")
    assert "import yibao" not in source and "lark" not in source and "jsonschema" not in source


def test_one_function_per_decision_named_after_it():
    p = program("渝医保发〔2023〕24号")
    namespace: dict = {}
    exec(compile(generate(p), "generated", "exec"), namespace)
    for name in p.decisions:
        assert callable(namespace[name]), name
    assert str(namespace["assistance"]({"tier": 1, "payment_date": "2023-11-01"})) == "0.00"
