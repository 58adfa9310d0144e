"""`yibao check` machine outputs: SARIF validates against the OASIS 2.1.0 schema, JUnit against the
JUnit XSD (tests/data/junit.xsd) (when lxml is installed) and has the expected structure."""
from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from yibao.cli import main

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parent.parent


def _copy(tmp_path, figure: bool, dead_rule: bool):
    d = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", d)
    p = d / "chongqing-2024.policy"
    s = p.read_text(encoding="utf-8")
    if figure:
        s = s.replace('let 居民一档标准 = 380 元 §一', 'let 居民一档标准 = 380 元 printed 390 §一', 1)
    if dead_rule:
        s = s.replace("    when payment_date > 年初缴费截止 then 中途缴费\n}",
                  "    when payment_date > 年初缴费截止 then 中途缴费\n"
                  '  rule 从不 §一 "集中参保缴费期为文件下发之日起至 2023年 12月 31日" derived "planted dates"\n'
                  "    when payment_date < 2023-01-01 and payment_date > 2024-06-01 then 停止缴费\n}", 1)
    p.write_text(s, encoding="utf-8")
    return d


@pytest.fixture
def broken(tmp_path):
    """A copy of policies/ with a wrong printed figure: an error (the analyses need a checked program)."""
    return _copy(tmp_path, figure=True, dead_rule=False)


@pytest.fixture
def dead(tmp_path):
    """A copy of policies/ with a rule no case reaches: a warning."""
    return _copy(tmp_path, figure=False, dead_rule=True)


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("which,code,rule,level", [("broken", 1, "E401", "error"), ("dead", 0, "W501", "warning")])
def test_sarif_validates(capsys, request, which, code, rule, level):
    policies = request.getfixturevalue(which)
    got, out, _ = run(capsys, "--policies", str(policies), "check", "--format", "sarif")
    assert got == code
    log = json.loads(out)
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(log, schema)
    results = log["runs"][0]["results"]
    assert rule in {r["ruleId"] for r in results}
    assert level in {r["level"] for r in results}
    region = next(r for r in results if r["ruleId"] == rule)["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] >= 1 and region["startColumn"] >= 1


def test_sarif_of_clean_policies_validates(capsys):
    code, out, _ = run(capsys, "check", "--strict", "--format", "sarif")
    assert code == 0
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(out), schema)


def _junit(capsys, policies, *extra):
    code, out, _ = run(capsys, "--policies", str(policies), "check", "--format", "junit", *extra)
    return code, out


def test_junit_structure(capsys, broken):
    code, out = _junit(capsys, broken)
    assert code == 1
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    suite = suites[0]
    cases = suite.findall("testcase")
    assert int(suite.get("tests")) == len(cases) == int(root.get("tests"))
    failed = [c for c in cases if c.find("failure") is not None]
    assert int(suite.get("failures")) == len(failed) == 1
    failure = failed[0].find("failure")
    assert failure.get("type") == "E401"
    assert "390" in failure.get("message")
    assert failed[0].get("name").endswith("chongqing-2024.policy")
    assert all(c.get("classname") == "yibao.check" for c in cases)


def test_junit_strict_fails_on_warnings(capsys, dead):
    broken = dead
    code, out = _junit(capsys, broken)
    assert code == 0
    assert ET.fromstring(out.encode()).find("testsuite").get("failures") == "0"
    code, out = _junit(capsys, broken, "--strict")
    assert code == 1
    failure = ET.fromstring(out.encode()).find("testsuite/testcase/failure")
    assert failure is not None and failure.get("type") == "W501"


@pytest.mark.parametrize("which", ["broken", "dead"])
@pytest.mark.parametrize("strict", [False, True])
def test_junit_validates_against_xsd(capsys, request, which, strict):
    etree = pytest.importorskip("lxml.etree")
    schema = etree.XMLSchema(etree.parse(str(DATA / "junit.xsd")))
    _, out = _junit(capsys, request.getfixturevalue(which), *(["--strict"] if strict else []))
    doc = etree.fromstring(out.encode("utf-8"))
    assert schema.validate(doc), schema.error_log


def test_json_format(capsys, broken, tmp_path):
    code, out, _ = run(capsys, "--policies", str(broken), "check", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["errors"] >= 1
    assert any(d["code"] == "E401" and d["line"] >= 1 for ds in data["files"].values() for d in ds)
