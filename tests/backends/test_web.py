"""The calculator page (backends/web.py) in a real headless Chromium, driven by Playwright.

Debian's chromium at /usr/bin/chromium (never a browser Playwright downloads). The browser tests
skip only where /usr/bin/chromium is absent and YIBAO_REQUIRE_BROWSER is not set; CI (.ci/run) sets
it, so there a missing browser fails. The worked cases fill the form as a person would, read the
results off the page, compare every one with the Python calculator, and leave a screenshot in
artifacts/calculator.png (git-ignored; CI keeps it as an artifact).
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from conftest import ROOT, program
from yibao.backends.web.page import page
from yibao.run.evaluate import load_generated

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts"
# Chinese UI (date inputs as 年/月/日), and the env notes' flags: no background connections (the network is closed), a fresh profile below
ARGS = ["--lang=zh-CN", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def test_page_is_self_contained_and_labels_every_fact():
    prog = program("九龙坡医保发〔2023〕46号")
    html = page(prog)
    assert html.startswith("<!doctype html>") and '<html lang="zh-CN">' in html
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html)  # nothing fetched
    assert html.count("</script") == 1  # the inlined module cannot close its element early
    assert "default-src 'none'" in html  # and the page may not reach the network
    for name, fact in prog.facts.items():
        assert f'data-fact="{name}"' in html
    assert "完清费用之日" in html and "低保对象" in html and prog.title in html


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not CHROMIUM.exists():
        if os.environ.get("YIBAO_REQUIRE_BROWSER"):
            pytest.fail("YIBAO_REQUIRE_BROWSER is set but /usr/bin/chromium is missing (apt-get install chromium)")
        pytest.skip("no /usr/bin/chromium (set YIBAO_REQUIRE_BROWSER=1 to make this a failure)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM), args=ARGS,
            headless=True, locale="zh-CN", viewport={"width": 1280, "height": 900})
        yield context
        context.close()


def _open(browser, tmp_path, notice):
    path = tmp_path / "calc.html"
    path.write_text(page(program(notice)), encoding="utf-8")
    tab = browser.new_page()
    problems, requests = [], []
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("request", lambda r: requests.append(r.url))
    tab.goto(path.as_uri())
    return tab, problems, requests


def _results(tab) -> dict:
    """decision → the value the page shows (its data-value), for the decided ones."""
    out = {}
    for item in tab.locator("#result-list li.decided").all():
        out[item.get_attribute("data-decision")] = item.locator("output").get_attribute("data-value")
    return out


def _expected(notice, case) -> dict:
    return {k: str(v) for k, v in load_generated(program(notice)).evaluate(case).items()}


def test_student_tier_2_worked_case(browser, tmp_path):
    notice = "渝医保发〔2023〕24号"
    tab, problems, requests = _open(browser, tmp_path, notice)
    tab.get_by_role("radio", name=re.compile("大学生")).check()
    tab.get_by_role("radio", name=re.compile("二档")).check()
    tab.get_by_label(re.compile("完清费用之日")).fill("2023-11-01")
    shown = _results(tab)
    assert shown["contribution"] == "725.00" and shown["benefit_start"] == "2024-01-01"
    assert shown == _expected(notice, {"group": "student", "tier": 2, "payment_date": "2023-11-01"})
    item = tab.locator('[data-decision="contribution"]')
    assert "二档 725 元/人·年" in item.inner_text()  # the clause's quote goes with the figure
    assert problems == [] and all(u.startswith("file:") for u in requests), (problems, requests)


def test_jiulongpo_dibao_tier_1_worked_case_and_screenshot(browser, tmp_path):
    notice = "九龙坡医保发〔2023〕46号"
    tab, problems, requests = _open(browser, tmp_path, notice)
    tab.get_by_role("radio", name=re.compile("一档")).check()
    tab.get_by_role("checkbox", name=re.compile("^低保对象")).check()
    tab.get_by_label(re.compile("完清费用之日")).fill("2023-10-20")
    shown = _results(tab)
    assert shown["assistance"] == "342.00" and shown["amount_due"] == "38.00"
    assert shown == _expected(notice, {"tier": 1, "identities": ["dibao"], "payment_date": "2023-10-20"})
    assert "城乡低保对象 1 档 90%（342 元）" in tab.locator('[data-decision="assistance"]').inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "calculator.png"), full_page=True)
    assert (ARTIFACTS / "calculator.png").stat().st_size > 10_000
    assert problems == [] and all(u.startswith("file:") for u in requests), (problems, requests)


def test_undecidable_answers_and_bad_input_are_explained(browser, tmp_path):
    notice = "九龙坡医保发〔2023〕46号"
    tab, problems, _ = _open(browser, tmp_path, notice)
    tab.get_by_role("radio", name=re.compile("一档")).check()
    tab.get_by_label(re.compile("完清费用之日")).fill("2023-08-01")  # before the notice opens payments
    reason = tab.locator('[data-decision="contribution"].undecided .reason').inner_text()
    ARTIFACTS.mkdir(exist_ok=True)  # undecidable answers with their reasons, in Chinese (issue 22)
    tab.screenshot(path=str(ARTIFACTS / "calculator-undecidable.png"), full_page=True)
    module = load_generated(program(notice))
    with pytest.raises(module.Undecidable) as why:
        module.evaluate({"tier": 1, "payment_date": "2023-08-01"}, ["contribution"])
    assert reason == "本通知不适用：" + why.value.message  # the notice's own reason, word for word
    # outside the notice's domain even the cesarean benefit is undecided; inside it, it needs its fact
    assert "本通知不适用" in tab.locator('[data-decision="cesarean_benefit"] .reason').inner_text()
    tab.get_by_label(re.compile("完清费用之日")).fill("2023-11-01")
    assert "尚缺" in tab.locator('[data-decision="cesarean_benefit"] .reason').inner_text()
    tab.get_by_label(re.compile("剖宫产按住院政策的报销额")).fill("12.345")
    error = tab.locator("#err-inpatient_reimbursement").inner_text()
    # in Chinese, by the field's label (no code beside it), as the catalogue's zh form says it
    assert error == "剖宫产按住院政策的报销额：'12.345' 不是以元为单位的金额：只能用数字 0-9，最多两位小数，不能为负", error
    assert tab.locator("#result-list li.decided").count() == 0  # nothing is shown for a bad case
    ARTIFACTS.mkdir(exist_ok=True)  # a bad input, in Chinese, for a person to look at (issue 22)
    tab.screenshot(path=str(ARTIFACTS / "calculator-bad-input.png"), full_page=True)
    tab.get_by_label(re.compile("剖宫产按住院政策的报销额")).fill("1234.50")
    assert tab.locator("#result-list li.decided").count() > 0 and tab.locator("#err-inpatient_reimbursement").inner_text() == ""
    assert json.loads(tab.locator("#json").text_content())["case"]["inpatient_reimbursement"] == "1234.50"
    assert problems == []


def test_policy_text_stays_text_in_the_page(tmp_path):
    """A description or quote holding markup is escaped in the form and inert in the script."""
    from helpers import HEADER, TEXT, scratch
    from yibao.policies.directory import PolicySet
    body = ('decision 资助额 : money "</script><img src=x onerror=alert(1)>"\n'
            '  = 342 元 §一 "低保对象按照个人缴费标准的 90%给予资助（342 元）"\n')
    d = scratch(tmp_path, HEADER + body, text=TEXT)
    prog, diags = PolicySet(d).check(str(d / "t.policy"))
    assert prog is not None, [x.render() for x in diags]
    html = page(prog)
    assert "<img" not in html and html.count("</script") == 1
    assert "\\u003c/script\\u003e\\u003cimg" in html  # it is there, as data the page shows as text
