"""Small helpers shared by the tests: check a policy text in a scratch policy directory."""
from __future__ import annotations

import shutil
from pathlib import Path

from conftest import POLICIES

HEADER = """notice 测试〔2024〕1号 {
  title "测试通知"
  issuers "测试局"
  issued 2024-01-01
  coverage 2024
  jurisdiction "测试区"
  implements none
}
use 居民医保
"""

TEXT = "一、本通知用于测试。个人缴费标准为一档 380 元/人·年，二档 755 元/人·年。低保对象按照个人缴费标准的 90%给予资助（342 元）。"


def scratch(tmp_path: Path, policy: str, name: str = "t.policy", text: str = TEXT) -> Path:
    """A policy directory holding the shared library, this policy and its notice text."""
    d = tmp_path / "policies"
    (d / "lib").mkdir(parents=True)
    shutil.copy(POLICIES / "lib" / "resident.policy", d / "lib" / "resident.policy")
    shutil.copytree(POLICIES / "texts", d / "texts")
    (d / "texts" / "测试〔2024〕1号.txt").write_text(text, encoding="utf-8")
    (d / name).write_text(policy, encoding="utf-8")
    return d


def check(tmp_path: Path, body: str, header: str = HEADER):
    """(program or None, diagnostics) for a test notice made of HEADER + body."""
    from yibao.policies.directory import PolicySet
    d = scratch(tmp_path, header + body)
    return PolicySet(d).check(str(d / "t.policy"))


def codes(diags) -> list[str]:
    return [d.code for d in diags]


def decide(module, fn, c: dict):
    """A generated module's decision, a missing fact its MissingFact (yibao.run.conformance.decide,
    which `yibao test` uses too)."""
    from yibao.run.conformance import decide as conformance_decide
    return conformance_decide(module, fn, c)


def node() -> str:
    """node's path; the JavaScript targets' tests fail without it, they never skip."""
    import shutil
    import pytest
    path = shutil.which("node")
    if path is None:
        pytest.fail("node (v20) is not installed: the JavaScript targets' tests need it (they never skip)")
    return path


def js_decisions(source: str, lines: list[str], tmp_path: Path) -> list[dict]:
    """Every decision of a JavaScript calculator for each JSONL line, through tests/js/driver.mjs:
    per line {"decisions": {name: {"value": v} | {"undecidable": message}}} (or a json/case error)."""
    import json
    import subprocess
    calc = tmp_path / "calc.mjs"
    calc.write_text(source, encoding="utf-8")
    done = subprocess.run([node(), str(POLICIES.parent / "tests" / "js" / "driver.mjs"), str(calc)],
                          input="".join(line + "\n" for line in lines), capture_output=True, text=True,
                          encoding="utf-8", timeout=300)
    assert done.returncode == 0, done.stderr
    out = [json.loads(x) for x in done.stdout.splitlines() if x]
    assert len(out) == len(lines), "the JavaScript module answered a different number of lines"
    return out
