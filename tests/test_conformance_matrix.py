"""One matrix: every conformance case through every target, from one place (as lark runs each test
for every lexer × parser). Targets: the reference interpreter, the generated Python module, the
fused line path (what `yibao eval --cases` streams a JSONL roll through), the NumPy module (what a
CSV or Parquet roll is decided by), the JavaScript module under node, and the Web API over HTTP.

Each target must give each case's literal expected values (conformance/cases/*.yaml) and must not
decide what a case lists as `unknown`. A target that cannot answer something is a listed gap in
GAPS, asserted exactly: a new gap fails, and so does a gap that closed without leaving the list.
A new target is one entry in TARGETS."""
from __future__ import annotations

import json
import threading
import time
from collections import Counter
from functools import lru_cache
from urllib.parse import quote

import pytest
import yaml

from conftest import POLICIES, ROOT, evaluator, program
from helpers import js_decisions
from yibao.ir.interpret import Interpreter
from yibao.ir.kinds import output_kind
from yibao.runtime.core import Undecidable, output_value

UNDECIDED = object()  # a target's answer where the decision cannot be made


def _conformance() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for f in sorted((ROOT / "conformance" / "cases").glob("*.yaml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        out.setdefault(data["notice"], []).extend(data["cases"])
    return out


CASES = _conformance()
NOTICES = sorted(CASES)


def _decided(case) -> list[str]:
    """The decisions a case asks about: expected values and unknowns (named values are elsewhere)."""
    decisions = set(program_decisions(case["_notice"]))
    return [n for n in list(case.get("expected", {})) + list(case.get("unknown", [])) if n in decisions]


@lru_cache(maxsize=None)
def program_decisions(notice: str) -> tuple:
    return tuple(program(notice).decisions)


def _runs(notice: str) -> list[tuple[int, dict]]:
    """(index, case) for the cases that run an input through the decisions."""
    out = []
    for i, case in enumerate(CASES[notice]):
        if "input" in case and (case.get("expected") or case.get("unknown")):
            out.append((i, {**case, "_notice": notice}))
    return out


# ---- the targets: notice → {case index: {decision: value text | UNDECIDED}} ------------------------
def interpreter(notice: str) -> dict:
    prog, ev = program(notice), evaluator(notice)
    out = {}
    for i, case in _runs(notice):
        c = ev.decode(case["input"])
        answers = out[i] = {}
        for name in _decided(case):
            try:
                value = Interpreter(prog).decide(name, dict(c), {})
            except Undecidable:
                answers[name] = UNDECIDED
                continue
            answers[name] = output_value(output_kind(prog.definitions[name].type), value)
    return out


def python_module(notice: str) -> dict:
    ev = evaluator(notice)
    out = {}
    for i, case in _runs(notice):
        c = ev.decode(case["input"])
        answers = out[i] = {}
        for name in _decided(case):
            fn, kind = ev.decisions[name]
            try:  # _decide: as evaluate() calls a decision (a fact the case lacks is MissingFact)
                answers[name] = output_value(kind, ev.module._decide(fn, dict(c)))
            except ev.Undecidable:
                answers[name] = UNDECIDED
    return out


def _from_result(case, result: dict) -> dict:
    """A result object (every decision the case has; the undecidable ones left out) → answers."""
    return {name: result.get(name, UNDECIDED) for name in _decided(case)}


def fused_line_path(notice: str) -> dict:
    module = evaluator(notice).module
    out = {}
    for i, case in _runs(notice):
        text = module._line_json(json.dumps(case["input"], ensure_ascii=False))
        out[i] = None if text is None else _from_result(case, json.loads(text))  # None: handed to the general path
    return out


def numpy_module(notice: str) -> dict:
    pytest.importorskip("pyarrow")  # (the test extra brings it: never skipped in CI)
    import tempfile
    from pathlib import Path

    from yibao.run.roll.batch import RollEvaluator
    from yibao.run.roll.files import read_roll
    runs = _runs(notice)
    roll = RollEvaluator(program(notice))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "roll.jsonl"
        path.write_text("".join(json.dumps(c["input"], ensure_ascii=False) + "\n" for _, c in runs), encoding="utf-8")
        chunk = next(read_roll(str(path), 1 << 20))
    columns, bad = roll.columns(chunk)
    found = roll.decide(chunk, columns, bad)
    texts = {name: roll.results.column(name, values, decided).to_pylist() for name, (values, decided) in found.items()}
    out = {}
    for row, (i, case) in enumerate(runs):
        assert not bad[row], f"{notice}: the columnar path refuses conformance input {case['input']}"
        out[i] = {name: (texts[name][row] if texts[name][row] is not None else UNDECIDED)
                  for name in _decided(case) if name in texts}  # the rest: left to the row path (GAPS)
    return out


def javascript_module(notice: str) -> dict:
    import tempfile
    from pathlib import Path

    from yibao.backends.targets import source
    runs = _runs(notice)
    with tempfile.TemporaryDirectory() as tmp:
        lines = js_decisions(source("js", program(notice)), [json.dumps(c["input"], ensure_ascii=False) for _, c in runs],
                             Path(tmp))
    out = {}
    for (i, case), got in zip(runs, lines):
        assert "decisions" in got, (case["name"], got)
        out[i] = {name: got["decisions"][name].get("value", UNDECIDED) for name in _decided(case)}
    return out


_SERVER: dict = {}


def _web_api_base() -> str:
    """A real server on 127.0.0.1 for the whole session (uvicorn in a thread, as `yibao serve`)."""
    if "base" not in _SERVER:
        import socket

        import uvicorn
        from yibao.server.app import create_app
        from yibao.server.registry import Catalog
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        server = uvicorn.Server(uvicorn.Config(create_app(Catalog(POLICIES)), log_level="warning",
                                               access_log=False, lifespan="off"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        for _ in range(600):  # wait for start-up (not a timing assertion: a dead thread fails below)
            if server.started or not thread.is_alive():
                break
            time.sleep(0.05)
        assert server.started, "uvicorn did not start"
        _SERVER.update(base=f"http://127.0.0.1:{sock.getsockname()[1]}", server=server, thread=thread)
    return _SERVER["base"]


def web_api(notice: str) -> dict:
    httpx = pytest.importorskip("httpx")  # (the test extra brings it: never skipped in CI)
    runs = _runs(notice)
    with httpx.Client(base_url=_web_api_base(), timeout=120) as client:
        response = client.post(f"/notices/{quote(notice)}/eval", json={"cases": [c["input"] for _, c in runs]})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert len(results) == len(runs)
    return {i: _from_result(case, result) for (i, case), result in zip(runs, results)}


@pytest.fixture(scope="session", autouse=True)
def _stop_the_server():
    yield
    if "server" in _SERVER:
        _SERVER["server"].should_exit = True
        _SERVER["thread"].join(30)


TARGETS = {"interpreter": interpreter, "python": python_module, "fused": fused_line_path,
           "numpy": numpy_module, "javascript": javascript_module, "web-api": web_api}

# What a target cannot answer, (target, notice, a decision or "case N") → why. Asserted exactly.
GAPS: dict[tuple[str, str, str], str] = {
    ("fused", "渝医保发〔2023〕24号", "case 43"):
        "money written with one decimal (1234.5): the fused reader takes only the plainest spellings "
        "and hands the line to the general path (strict JSON, then the same decisions), which answers it",
}


@lru_cache(maxsize=None)
def answers(target: str, notice: str) -> dict:
    return TARGETS[target](notice)


@pytest.mark.parametrize("notice", NOTICES)
@pytest.mark.parametrize("target", list(TARGETS))
def test_every_target_answers_every_conformance_case(target, notice):
    got = answers(target, notice)
    wrong, gaps, compared = [], set(), 0
    for i, case in _runs(notice):
        result = got[i]
        if result is None:  # the line path hands the line over (the general path answers it)
            gaps.add((target, notice, f"case {i + 1}"))
            continue
        for name in _decided(case):
            if name not in result:
                gaps.add((target, notice, name))
                continue
            want = case.get("expected", {}).get(name, UNDECIDED)
            have = result[name]
            compared += 1
            if have is not want and have != want:
                wrong.append(f"#{i + 1} {case['name'][:60]}: {name} = "
                             f"{'undecidable' if have is UNDECIDED else have}, expected "
                             f"{'undecidable' if want is UNDECIDED else want}")
    assert not wrong, f"{target} on {notice}:\n  " + "\n  ".join(wrong)
    listed = {g for g in GAPS if g[:2] == (target, notice)}
    assert gaps == listed, f"{target} on {notice}: gaps {sorted(gaps)}, listed {sorted(listed)}"
    expected = sum(len([n for n in _decided(c) if (target, notice, n) not in GAPS])
                   for i, c in _runs(notice) if (target, notice, f"case {i + 1}") not in GAPS)
    assert compared == expected > 0


def test_every_case_is_run_or_is_named_values():
    """No case escapes the matrix: each runs an input, or asserts named values (which only the Python
    module's interface carries: tests/test_conformance.py checks them there)."""
    kinds = Counter("run" if "input" in c and (c.get("expected") or c.get("unknown")) else "values"
                    for cases in CASES.values() for c in cases)
    assert kinds["run"] > 100, kinds
    for notice, cases in CASES.items():
        for case in cases:
            assert "input" in case or case.get("values") or case.get("unknown"), case["name"]

