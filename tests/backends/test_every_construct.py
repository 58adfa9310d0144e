"""Issue 21 · a made-up notice (【虚构示例】, tests/data/every-construct) that uses every construct of
the issue — pro-rating by month, 15% of a standard rounded to the yuan, 年满60周岁 by age(), a cap on
cumulative increases with min/max, a table whose unit is in its heading, a bounded unknown, and
carrying its parent forward — checks clean with --strict and answers alike through every target:
the interpreter, the generated Python module, the fused line path, a CSV roll (NumPy, with the row
path where it declines), the JavaScript module, the calculator page in Chromium, and the Web API."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from conftest import POLICIES, ROOT
from helpers import js_decisions
from yibao.cli import main

DATA = ROOT / "tests" / "data" / "every-construct"
DOC = "示例医保发〔2026〕9号"
CASES = [
    {"id": 1, "tier": 1, "payment_date": "2027-01-15"},
    {"id": 2, "tier": 2, "payment_date": "2027-07-10"},  # 775 ÷ 12 × 6 = 387.50 → 388
    {"id": 3, "tier": 2, "payment_date": "2027-04-10", "identities": ["low_income_elderly"], "birth_date": "1960-04-10"},
    {"id": 4, "tier": 2, "payment_date": "2027-04-10", "identities": ["low_income_elderly"], "birth_date": "1967-04-10"},
    {"id": 5, "tier": 2, "payment_date": "2027-04-10", "identities": ["low_income_elderly"], "birth_date": "1967-04-09"},
    {"id": 6, "tier": 1, "payment_date": "2027-01-20", "continuous_years": 9, "zero_claim_last_year": True},
    {"id": 7, "tier": 1, "payment_date": "2027-01-20", "continuous_years": 5, "zero_claim_last_year": True},
    {"id": 8, "tier": 1, "payment_date": "2027-11-20", "identities": ["destitute"]},
    {"id": 9, "tier": 2, "payment_date": "2026-12-20", "identities": ["dibao", "low_income_elderly"],
     "birth_date": "1950-01-01", "continuous_years": 6},
    {"id": 10, "tier": 1, "payment_date": "2028-01-02"},
    {"id": 11, "group": "student", "tier": 2, "payment_date": "2027-03-01", "continuous_years": 6},
    {"id": 12, "tier": 1, "payment_date": "2026-10-14"},  # before the (made-up) printing day
    {"id": 13, "tier": 2, "payment_date": "2026-11-02", "continuous": False, "lapsed_years": 3},
]
# the figures the made-up notice's words give, literally
EXPECTED = {
    1: {"contribution": "400.00", "benefit_start": "2027-02-01", "benefit_end": "2027-12-31"},
    2: {"payment_window": "late", "contribution": "388.00", "amount_due": "388.00", "benefit_start": "2027-10-11"},
    3: {"contribution": "581.00", "assistance": "116.00", "amount_due": "465.00"},  # 775 ÷ 12 × 9 = 581.25
    4: {"assistance": "0.00"},  # 60 only from the day after the 60th birthday
    5: {"assistance": "116.00"},  # 15% of 775 = 116.25 → 116
    6: {"critical_illness_limit_increase": "12000.00"},  # 3 × 4000 + at least 1000, capped at 12000
    8: {"contribution": "67.00", "assistance": "67.00", "amount_due": "0.00"},  # 400 ÷ 12 × 2 = 66.67 → 67
    9: {"payment_window": "concentrated", "contribution": "775.00", "assistance": "360.00", "benefit_start": "2027-01-01"},
    11: {"contribution": "646.00", "critical_illness_limit_increase": "8000.00"},  # 775 ÷ 12 × 10 = 645.83
    13: {"benefit_start": "2027-06-01"},  # the wait from 2027-01-01: 3 + 2 months
}
UNDECIDED = {7: "critical_illness_limit_increase", 10: "contribution", 12: "contribution"}


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    from yibao.policies.directory import PolicySet
    d = tmp_path_factory.mktemp("every") / "policies"
    shutil.copytree(POLICIES, d)
    shutil.copy(DATA / "示例-2027.policy", d)
    shutil.copy(DATA / "texts" / f"{DOC}.txt", d / "texts")
    ps = PolicySet(d)
    program = ps.load(DOC)
    return d, program


def _cli(args, stdin: str = "") -> tuple[int, str]:
    out, old_in, old_out = io.StringIO(), sys.stdin, sys.stdout
    sys.stdin, sys.stdout = io.StringIO(stdin), out
    try:
        return main(args), out.getvalue()
    finally:
        sys.stdin, sys.stdout = old_in, old_out


@pytest.fixture(scope="module")
def reference(setup):
    """What `yibao eval --cases` prints: one result a line, `id` echoed."""
    d, _ = setup
    code, text = _cli(["--policies", str(d), "eval", DOC, "--cases", "-"],
                      "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in CASES))
    results = [json.loads(x) for x in text.splitlines()]
    assert code == 0 and len(results) == len(CASES)
    return {r.pop("id"): r for r in results}


def test_it_checks_clean_with_strict_and_lists_the_dates_it_carried(setup, capsys):
    d, _ = setup
    capsys.readouterr()
    assert main(["--policies", str(d), "check", "--strict", str(d / "示例-2027.policy")]) == 0
    out = capsys.readouterr().out
    assert "0 error(s), 0 warning(s)" in out and "info[I610]" in out and "2026-02-28 → 2027-02-28" in out


def test_the_reference_gives_the_notice_s_figures(reference):
    for i, want in EXPECTED.items():
        assert {k: reference[i].get(k) for k in want} == want, (i, reference[i])
    for i, name in UNDECIDED.items():
        assert name not in reference[i], (i, reference[i])
    assert all("critical_illness_deductible" in r for r in reference.values())


def _interpreter(program):
    from yibao.ir.interpret import Interpreter
    from yibao.ir.kinds import output_kind
    from yibao.run.evaluate import Evaluator
    from yibao.runtime.core import Undecidable, output_value
    ev = Evaluator(program)
    out = {}
    for case in CASES:
        c = ev.decode({k: v for k, v in case.items() if k != "id"})
        got = out[case["id"]] = {}
        for name in program.decisions:
            try:
                value = Interpreter(program).decide(name, dict(c), {})
            except Undecidable:
                continue
            got[name] = output_value(output_kind(program.definitions[name].type), value)
    return out


def test_the_interpreter_agrees(setup, reference):
    assert _interpreter(setup[1]) == reference


def test_the_generated_python_module_agrees(setup, reference):
    from yibao.run.evaluate import load_generated
    module = load_generated(setup[1])
    got = {c["id"]: json.loads(json.dumps(module.evaluate({k: v for k, v in c.items() if k != "id"}), default=str))
           for c in CASES}
    assert got == reference


def test_the_fused_line_path_agrees(setup, reference):
    from yibao.run.evaluate import Evaluator
    module = Evaluator(setup[1]).module
    taken = 0
    for case in CASES:
        text = module._line_json(json.dumps(case, ensure_ascii=False))
        if text is None:
            continue  # handed to the general path, which is the reference
        taken += 1
        got = json.loads(text)
        assert got.pop("id") == case["id"] and got == reference[case["id"]], case
    assert taken == len(CASES)


def test_a_csv_roll_agrees(setup, reference, tmp_path):
    pytest.importorskip("pyarrow")
    d, _ = setup
    fields = ["id", "group", "tier", "payment_date", "identities", "birth_date", "continuous",
              "lapsed_years", "continuous_years", "zero_claim_last_year"]
    roll = tmp_path / "roll.csv"
    with roll.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fields)
        w.writeheader()
        for c in CASES:
            w.writerow({k: (";".join(v) if isinstance(v, list) else str(v).lower() if isinstance(v, bool) else v)
                        for k, v in c.items()})
    out = tmp_path / "results.jsonl"
    assert _cli(["--policies", str(d), "eval", DOC, "--cases", str(roll), "--output", str(out)])[0] == 0
    got = {}
    for line in out.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        key = int(r.pop("id"))  # (text: a CSV's id stays text)
        got[key] = {k: v for k, v in r.items() if v is not None and k not in ("error", "exit")}
    assert got == reference


def test_the_javascript_module_agrees(setup, reference, tmp_path):
    from yibao.backends.targets import source
    lines = js_decisions(source("js", setup[1]), [json.dumps({k: v for k, v in c.items() if k != "id"},
                                                             ensure_ascii=False) for c in CASES], tmp_path)
    for case, line in zip(CASES, lines):
        got = {k: v["value"] for k, v in line["decisions"].items() if "value" in v}
        assert got == reference[case["id"]], case


def test_the_web_api_agrees(setup, reference):
    pytest.importorskip("httpx")
    from urllib.parse import quote
    from starlette.testclient import TestClient
    from yibao.server.app import create_app
    from yibao.server.registry import Catalog
    with TestClient(create_app(Catalog(setup[0]))) as client:
        response = client.post(f"/notices/{quote(DOC)}/eval", json={"cases": CASES})
    assert response.status_code == 200, response.text
    got = response.json()["results"]
    assert {r.pop("id"): r for r in got} == reference


FILL = """(c) => {
  const form = document.getElementById("case");
  for (const box of form.querySelectorAll("[data-fact]")) {
    const name = box.dataset.fact, kind = box.dataset.kind, has = name in c;
    if (kind === "enum") { if (has) for (const i of box.querySelectorAll("input")) i.checked = i.value !== "" && JSON.parse(i.value) === c[name]; }
    else if (kind === "set") { for (const i of box.querySelectorAll("input")) i.checked = has && c[name].includes(JSON.parse(i.value)); }
    else if (kind === "bool") { const i = box.querySelector("input, select"); if (has) { if (i.type === "checkbox") i.checked = c[name]; else i.value = String(c[name]); } }
    else box.querySelector("input").value = has ? String(c[name]) : "";
  }
  form.dispatchEvent(new Event("input"));
}"""


def test_the_calculator_page_agrees(setup, reference, tmp_path):
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        if os.environ.get("YIBAO_REQUIRE_BROWSER"):
            pytest.fail("YIBAO_REQUIRE_BROWSER is set but /usr/bin/chromium is missing")
        pytest.skip("no /usr/bin/chromium")
    from playwright.sync_api import sync_playwright
    from yibao.backends.web.page import page
    path = tmp_path / "calc.html"
    path.write_text(page(setup[1]), encoding="utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=["--no-sandbox", "--headless"])
        try:
            tab = browser.new_page()
            problems = []
            tab.on("pageerror", lambda e: problems.append(str(e)))
            for case in CASES:
                tab.goto(path.as_uri())
                tab.evaluate(FILL, {k: v for k, v in case.items() if k != "id"})
                shown = {item.get_attribute("data-decision"): item.locator("output").get_attribute("data-value")
                         for item in tab.locator("#result-list li.decided").all()}
                assert shown == reference[case["id"]], case
            assert problems == []
        finally:
            browser.close()


def test_the_tutorial_shows_this_very_notice():
    """docs/how-to/new-notice.md §11 shows the notice and its text (test_docs checks them there)."""
    tutorial = (ROOT / "docs" / "how-to" / "new-notice.md").read_text(encoding="utf-8")
    assert (DATA / "示例-2027.policy").read_text(encoding="utf-8").rstrip() in tutorial
    assert (DATA / "texts" / f"{DOC}.txt").read_text(encoding="utf-8").rstrip() in tutorial


def test_it_prints_back_as_it_parses():
    from yibao.language.from_tree import parse_text
    from yibao.language.printer import print_module
    module = parse_text((DATA / "示例-2027.policy").read_text(encoding="utf-8"))
    assert module.items[0].advanced == 1 and module.items[0].advanced_citation.clause == "四"
    text = print_module(module)
    assert parse_text(text) == module and print_module(parse_text(text)) == text
