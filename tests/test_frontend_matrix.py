"""One equality matrix of the front ends (interface.md, "Every front end says the same thing"): cases
generated per notice by hypothesis, good and bad, each with an id, through `yibao eval --cases` (JSONL),
the generated Python module's command line, the JavaScript module under node, the Web API (one batch)
and, for a sample, the calculator page in Chromium. A result must be the same JSON bytes everywhere; an
error the same code, field and message (and the same error line where the front end writes lines),
with the case's id; in English and in Chinese.

The cases are drawn derandomized, so a run is repeatable. The default budget is a batch of 60 cases
a notice and language; `pytest -m fuzz --hypothesis-profile long tests/test_frontend_matrix.py`
draws 2,000.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import POLICIES, ROOT, program
from helpers import node
from test_conformance_matrix import NOTICES, _web_api_base, _stop_the_server  # noqa: F401 (the fixture)
from yibao.backends.targets import source
from yibao.ir.kinds import fact_spec
from yibao.runtime import strict_json

LONG = settings().max_examples >= 1000  # --hypothesis-profile long
BATCH = int(os.environ.get("YIBAO_MATRIX_BATCH", 2000 if LONG else 60))
# (language, whether decisions are asked for by name): every decision a case has the facts for in
# English; in Chinese, two decisions asked for, so an undecidable one is an error line too
MODES = (("en", False), ("zh", True))
PAGE_SAMPLE = 12  # lines a notice through the page in Chromium


# ---- the cases --------------------------------------------------------------------------------------
def _good_value(kind: str, aliases: dict):
    """A value a case may give for a fact of this kind."""
    if kind == "money":
        return st.one_of(st.integers(0, 100_000), st.decimals(0, 100_000, places=2).map(str))
    if kind == "date":
        return st.dates(dt.date(2022, 6, 1), dt.date(2027, 12, 31)).map(str)
    if kind == "bool":
        return st.booleans()
    if kind in ("int", "count"):
        return st.integers(0, 4)
    if kind == "enum":
        return st.sampled_from(sorted(aliases, key=str))
    if kind == "set":
        return st.lists(st.sampled_from(sorted(aliases, key=str)), max_size=3)
    raise AssertionError(kind)


def _bad_value(kind: str, aliases: dict):
    """A value that breaks the interface for a fact of this kind (each a message of the catalogue)."""
    common = [st.none(), st.just([1]), st.just({"a": 1})]
    codes = [c for c in aliases if isinstance(c, str) and c.isascii()]
    by_kind = {
        "money": [st.just("1e5"), st.just("-1"), st.just("12.345"), st.just(True), st.just(-5),
                  st.just("１２"), st.just(10 ** 16)],
        "date": [st.just("2026-02-29"), st.just("2023-13-01"), st.just("20231101"), st.just(20231101)],
        "bool": [st.just("yes"), st.just(1)],
        "int": [st.just("3"), st.just(10 ** 12), st.just(True)],
        "count": [st.just(-1), st.just("3"), st.just(10 ** 12)],
        "enum": [st.just(3), st.just(True)] + [st.sampled_from(codes).map(_misspell)] * bool(codes),
        "set": [st.just("dibao"), st.just([None])] + [st.sampled_from(codes).map(lambda c: [_misspell(c)])] * bool(codes),
    }
    return st.one_of(*(by_kind[kind] + common))


def _misspell(word: str) -> str:
    """A near miss: two letters swapped, or the last one dropped (`studnet`, `dibbao`-like slips)."""
    return word[:-2] + word[-1] + word[-2] if len(word) > 3 else word + "x"


@st.composite
def _case_line(draw, spec: dict):
    """One JSONL line: a good case, a case with one bad field, an unknown (misspelt) field, a bad id,
    or text that is not a case."""
    fields = draw(st.lists(st.sampled_from(list(spec)), unique=True, max_size=len(spec)))
    case = {}
    if draw(st.booleans()):
        case["id"] = draw(st.one_of(st.integers(-10 ** 9, 10 ** 9), st.text("abcxyz-_0123456789", max_size=8)))
    for name in fields:
        kind, aliases, _ = spec[name]
        case[name] = draw(_good_value(kind, aliases))
    how = draw(st.sampled_from(["good", "bad value", "good", "unknown field", "good", "bad value", "good",
                                "bad value", "bad id", "not a case", "not json"]))
    if how == "bad value" and spec:
        name = draw(st.sampled_from(list(spec)))
        case[name] = draw(_bad_value(spec[name][0], spec[name][1]))
    elif how == "unknown field" and spec:
        case[_misspell(draw(st.sampled_from(list(spec))))] = 1
    elif how == "bad id":
        case["id"] = draw(st.sampled_from([True, 2.5, 10 ** 12, [1]]))
    elif how == "not a case":
        return draw(st.sampled_from(["[1, 2]", '"tier"', "null", "3"]))
    elif how == "not json":
        return draw(st.sampled_from(['{"tier": }', '{"tier": 1, "tier": 2}', "{'tier': 1}", '{"tier": 1} x']))
    return json.dumps(case, ensure_ascii=False)


# ---- the front ends: JSONL lines → one answer a line (a result or an error line) ----------------------
@lru_cache(maxsize=None)
def _calculators(notice: str, tmp: str) -> tuple[Path, Path]:
    py, js = Path(tmp) / f"calc{abs(hash(notice))}.py", Path(tmp) / f"calc{abs(hash(notice))}.mjs"
    py.write_text(source("python", program(notice)), encoding="utf-8")
    js.write_text(source("js", program(notice)), encoding="utf-8")
    return py, js


def _run(argv: list[str], lines: list[str], cwd: Path = ROOT) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "compiler"), "LC_ALL": "C", "LANG": "C"}
    done = subprocess.run(argv, input="".join(line + "\n" for line in lines), capture_output=True, text=True,
                          encoding="utf-8", timeout=300, env=env, cwd=cwd)
    assert done.returncode in (0, 2, 3), (argv[:3], done.returncode, done.stderr[-2000:])
    out = done.stdout.split("\n")
    assert out[-1] == "" and len(out) == len(lines) + 1, (argv[:3], len(out), len(lines))
    return out[:-1]


def _asked(notice: str) -> list[str]:
    """Two decisions to ask for by name: what a person owes and when benefits start, where stated."""
    stated = list(program(notice).decisions)
    return [d for d in ("amount_due", "benefit_start") if d in stated] or stated[:2]


def _decision_args(notice: str, asked: bool) -> list[str]:
    return [a for d in (_asked(notice) if asked else []) for a in ("--decision", d)]


def cli(notice, lines, lang, asked, tmp):
    return _run([sys.executable, "-c", "import sys; from yibao.cli import main; sys.exit(main())",
                 "--policies", str(POLICIES), "eval", notice, "--cases", "-", "--lang", lang,
                 *_decision_args(notice, asked)], lines)


def python_module(notice, lines, lang, asked, tmp):
    return _run([sys.executable, str(_calculators(notice, tmp)[0]), "--lang", lang, *_decision_args(notice, asked)],
                lines, cwd=Path(tmp))


def javascript_module(notice, lines, lang, asked, tmp):
    return _run([node(), str(_calculators(notice, tmp)[1]), "--lang", lang, *_decision_args(notice, asked)],
                lines, cwd=Path(tmp))


def web_api(notice, lines, lang, asked, tmp):
    """The lines as one batch; a line that is not JSON cannot be in a batch, so it is left out (None)."""
    httpx = pytest.importorskip("httpx")
    cases, where = [], []
    for i, line in enumerate(lines):
        try:
            strict_json.loads(line)
        except strict_json.JSONError:
            continue
        cases.append(line)  # as written: the server reads the batch as strictly as a line
        where.append(i)
    body = ('{"cases": [' + ", ".join(cases) + "]}").encode("utf-8")
    with httpx.Client(base_url=_web_api_base(), timeout=120) as client:
        response = client.post(f"/notices/{quote(notice)}/eval", content=body, params={"lang": lang, "decision": _asked(notice) if asked else []},
                               headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert len(results) == len(cases)
    out = [None] * len(lines)
    for i, result in zip(where, results):
        out[i] = result
    return out


FRONT_ENDS = {"cli": cli, "python": python_module, "javascript": javascript_module}


# ---- the comparison --------------------------------------------------------------------------------
def _agree(notice: str, lines: list[str], lang: str, asked: bool, tmp: str) -> None:
    answers = {name: run(notice, lines, lang, asked, tmp) for name, run in FRONT_ENDS.items() if name != "cli"}
    reference = list(_reference(notice, lang, asked))
    for name, got in answers.items():  # line front ends: the same bytes, results and error lines alike
        wrong = [(i + 1, lines[i], a, b) for i, (a, b) in enumerate(zip(reference, got)) if a != b]
        assert not wrong, f"{name} ≠ yibao eval on {notice} ({lang}), {len(wrong)} lines; first: {wrong[0]}"
    api = web_api(notice, lines, lang, asked, tmp)
    for i, (line, want, have) in enumerate(zip(lines, reference, api)):
        if have is None:
            continue
        want = json.loads(want)
        if "error" in want:  # the Web API's error: the same code, field and message, and the id
            assert "error" in have, (line, want, have)
            assert {k: have["error"][k] for k in ("code", "field", "message")} == \
                {k: want[k] for k in ("code", "field", "message")}, (line, want, have)
            assert have.get("id") == want.get("id") and have["error"]["index"] == i - sum(
                1 for x in api[:i] if x is None), line
        else:
            assert json.dumps(have, ensure_ascii=False) == json.dumps(want, ensure_ascii=False), line


@lru_cache(maxsize=None)
def _lines(notice: str) -> tuple:
    """BATCH lines for a notice, drawn by hypothesis from a fixed seed (derandomized): the drawing is
    hypothesis's, the running is one batch a front end (a process a line would take minutes)."""
    spec, lines = fact_spec(program(notice)), []

    @settings(max_examples=BATCH, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(_case_line(spec))
    def collect(line):
        lines.append(line)
    collect()
    return tuple(lines)


@pytest.mark.fuzz
@pytest.mark.parametrize("lang, asked", MODES)
@pytest.mark.parametrize("notice", NOTICES)
def test_every_front_end_gives_the_same_bytes_and_errors(notice, lang, asked):
    _agree(notice, list(_lines(notice)), lang, asked, _tmp())


@lru_cache(maxsize=None)
def _reference(notice: str, lang: str, asked: bool) -> tuple:
    """What `yibao eval --cases` answers to the notice's lines: the reference every front end meets."""
    return tuple(cli(notice, list(_lines(notice)), lang, asked, _tmp()))


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Headless Chromium as tests/backends/test_web.py drives it (Debian's, never a downloaded one)."""
    if not CHROMIUM.exists():
        if os.environ.get("YIBAO_REQUIRE_BROWSER"):
            pytest.fail("YIBAO_REQUIRE_BROWSER is set but /usr/bin/chromium is missing")
        pytest.skip("no /usr/bin/chromium (set YIBAO_REQUIRE_BROWSER=1 to make this a failure)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM), headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
        yield context
        context.close()


@pytest.mark.parametrize("notice", NOTICES)
def test_the_page_says_what_the_cli_says(browser, notice, tmp_path):
    """A sample of the lines through the calculator page's own copy of the calculator in Chromium
    (its runtime, catalogue and evaluate): the same bytes as `yibao eval`, results and errors, in
    English and in the Chinese the page shows."""
    from yibao.backends.web.page import page
    path = tmp_path / "calc.html"
    path.write_text(page(program(notice)), encoding="utf-8")
    tab = browser.new_page()
    problems = []
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.goto(path.as_uri())
    lines = list(_lines(notice))
    sample = [i for i, line in enumerate(lines) if i % max(1, len(lines) // PAGE_SAMPLE) == 0][:PAGE_SAMPLE]
    seen = []
    for lang, asked in MODES:
        got = tab.evaluate("([lines, lang, asked]) => lines.map(([n, line]) =>"
                           " answerLine(line, '<stdin>:' + n, lang, asked.length ? asked : undefined)[0])",
                           [[[i + 1, lines[i]] for i in sample], lang, _asked(notice) if asked else []])
        want = [_reference(notice, lang, asked)[i] for i in sample]
        assert got == want, (notice, lang)
        seen += want
    assert any('"error"' in x for x in seen) and any('"error"' not in x for x in seen), seen
    assert problems == []
    tab.close()


def test_the_generated_lines_hold_good_and_bad_cases():
    """The strategy is not vacuous: a batch holds results, errors of several kinds, and ids."""
    notice = NOTICES[0]
    out = [json.loads(x) for x in python_module(notice, list(_lines(notice)), "en", False, _tmp())]
    asked = [json.loads(x) for x in python_module(notice, list(_lines(notice)), "zh", True, _tmp())]
    assert any(x.get("code") == "undecidable" for x in asked), asked
    errors = [x for x in out if "error" in x]
    assert len(errors) >= 5 and len(out) - len(errors) >= 5, out
    assert len({e["message"].split(" ")[0] for e in errors}) >= 3, errors
    assert any("id" in x for x in errors) and any("id" in x for x in out if "error" not in x), out


def _tmp() -> str:
    import tempfile
    path = Path(tempfile.gettempdir()) / f"yibao-frontend-matrix-{os.getpid()}"
    path.mkdir(exist_ok=True)
    return str(path)
