"""Hostile input and hostile output streams for the generated JavaScript calculator (under node) and the
calculator page: it splits lines where the Python calculator does, loses no fact to a prototype, and
says so (exit 141 silent, or 74 with one line) where its output cannot be written, as calc.py does."""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from helpers import node
from hostile import CITE, compiled, policy_dir, process
from yibao.policies.directory import PolicySet

PROTO = (f'fact __proto__ : bool = false "原型"\n'
         f'decision contribution : money "c" {{\n  rule {CITE} when __proto__ then 380 元\n'
         f'  rule {CITE} otherwise 755 元\n}}\n')
CASE = '{"__proto__": true, "tier": 1, "payment_date": "2023-11-01"}'



@pytest.fixture
def proto(tmp_path):
    d = policy_dir(tmp_path, PROTO)
    program, diags = PolicySet(d).check(str(d / "t.policy"))
    assert program is not None, [str(x) for x in diags]
    return program


@pytest.fixture
def calc(tmp_path, proto):
    from yibao.backends.javascript.generate import generate
    path = tmp_path / "calc.mjs"
    path.write_text(generate(proto), encoding="utf-8")
    return path


def test_a_fact_named_proto_reaches_the_javascript_calculator(calc):
    done = subprocess.run([node(), str(calc)], input=CASE + "\n", capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and json.loads(done.stdout) == {"contribution": "380.00"}, done.stderr


def test_a_fact_named_proto_reaches_the_page(tmp_path, proto):
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no /usr/bin/chromium")
    from playwright.sync_api import sync_playwright
    from yibao.backends.web.page import page
    html = tmp_path / "calc.html"
    html.write_text(page(proto), encoding="utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"], headless=True)
        try:
            tab = browser.new_page()
            problems = []
            tab.on("pageerror", lambda e: problems.append(str(e)))
            tab.goto(html.as_uri())
            assert "原型" in tab.locator('[data-fact="__proto__"]').inner_text()  # its label, from PAGE
            box = tab.locator('[data-fact="__proto__"]')
            if box.locator("select").count():
                box.locator("select").select_option("true")
            else:
                box.locator("input").first.check()
            shown = tab.locator('[data-decision="contribution"] output').get_attribute("data-value")
            assert shown == "380.00" and problems == [], problems
            assert json.loads(tab.locator("#json").text_content())["case"]["__proto__"] is True
        finally:
            browser.close()


def test_a_bare_carriage_return_does_not_split_a_line(tmp_path, calc):
    """calc.py splits at "\\n" only (a CR is JSON whitespace, or part of a bad line): 3 lines in, 3 out."""
    data = b'{"tier": 1, "payment_date": "2023-11-01"}\n{"tier": 1}\r{"tier": 2}\n{"tier": 1, "payment_date": "2023-11-01"}\r\n'
    done = subprocess.run([node(), str(calc)], input=data, capture_output=True, timeout=60)
    py = process([compiled(tmp_path, policy_dir(tmp_path / "py", PROTO))], stdin=data)
    assert done.stdout.count(b"\n") == 3, done.stdout
    assert [json.loads(x) for x in done.stdout.splitlines()] == [json.loads(x) for x in py.stdout.splitlines()]
    assert done.returncode == py.returncode == 2


def _many() -> bytes:
    return b'{"tier": 1, "payment_date": "2023-11-01"}\n' * 200_000


def test_javascript_calculator_into_a_closed_pipe_is_silent_and_exits_141(calc):
    done = subprocess.run(f"'{node()}' '{calc}' | head -1", shell=True, input=_many(), capture_output=True,
                          timeout=120, executable="/bin/bash")
    assert done.stdout.count(b"\n") == 1 and done.stderr == b"", done.stderr
    status = subprocess.run(f"'{node()}' '{calc}' | head -1 > /dev/null; echo ${{PIPESTATUS[0]}}", shell=True,
                            input=_many(), capture_output=True, timeout=120, executable="/bin/bash")
    assert status.stdout.strip() == b"141" and status.stderr == b"", status.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_javascript_calculator_into_a_full_disk_says_so_in_one_line_and_exits_74(calc):
    with open("/dev/full", "wb") as full:
        done = subprocess.run([node(), str(calc)], input=_many(), stdout=full, stderr=subprocess.PIPE, timeout=120)
    assert done.returncode == 74
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and re.match(r"cannot write the output: ", lines[0]) and "at " not in lines[0], lines


@pytest.mark.skipif(not os.path.exists("/proc/self/fdinfo"), reason="the open mode of stdout is read from /proc")
def test_javascript_calculator_with_standard_output_closed_exits_74(calc):
    # node stands a read-write /dev/null in for the closed stdout; calc.mjs tells it by that open mode
    done = subprocess.run(f"'{node()}' '{calc}' >&-", shell=True, input=b'{"tier": 1}\n', capture_output=True,
                          timeout=60, executable="/bin/bash")
    assert done.returncode == 74 and done.stderr.strip() == b"standard input or output is closed", done.stderr


def test_javascript_calculator_into_dev_null_is_still_exit_0(calc):
    # `> /dev/null` opens it write-only: the caller chose to discard the results, which is no error
    done = subprocess.run(f"'{node()}' '{calc}' > /dev/null", shell=True, input=b'{"tier": 1}\n',
                          capture_output=True, timeout=60, executable="/bin/bash")
    assert done.returncode == 0 and done.stderr == b"", done.stderr
