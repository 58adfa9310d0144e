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

DATA = Path(__file__).parents[1] / "data"
ROOT = Path(__file__).resolve().parents[2]


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
    """A suite per policy file, a test case per check phase; the planted E401 fails the figures
    phase of its file, and the analyses of that file are skipped (they need a checked program)."""
    code, out = _junit(capsys, broken)
    assert code == 1
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert len(suites) == len(list(broken.rglob("*.policy")))
    assert sum(int(s.get("tests")) for s in suites.values()) == int(root.get("tests"))
    suite = next(s for n, s in suites.items() if n.endswith("chongqing-2024.policy"))
    cases = suite.findall("testcase")
    assert int(suite.get("tests")) == len(cases)
    failed = [c for c in cases if c.find("failure") is not None]
    assert int(suite.get("failures")) == len(failed) == int(root.get("failures")) == 1
    assert failed[0].get("name").startswith("figures and citations: E401 at ")
    failure = failed[0].find("failure")
    assert failure.get("type") == "E401" and "390" in failure.get("message")
    phases = {c.get("name").split(":")[0] for c in cases}
    assert phases == {"syntax", "names", "types", "figures and citations", "tables and rules", "inheritance",
                      "invariants"}
    skipped = {c.get("name") for c in cases if c.find("skipped") is not None}
    assert skipped == {"tables and rules", "invariants"}
    assert all(c.get("classname") == "yibao.check.chongqing-2024" for c in cases)


def test_junit_one_failure_per_error_and_skips_after_a_parse_error(capsys, tmp_path):
    d = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", d)
    p = d / "chongqing-2024.policy"
    s = p.read_text(encoding="utf-8")
    p.write_text(s.replace("let 居民一档标准 = 380 元", "let 居民一档标准 = 380 元 printed 390", 1)
                 .replace("let 居民二档标准 = 755 元", "let 居民二档标准 = 755 元 printed 756", 1), encoding="utf-8")
    (d / "bad.policy").write_text("let a = = 1\n", encoding="utf-8")
    code, out = _junit(capsys, d)
    assert code == 1
    root = ET.fromstring(out.encode("utf-8"))
    suite = next(s for s in root.findall("testsuite") if s.get("name").endswith("chongqing-2024.policy"))
    e401 = [c for c in suite.findall("testcase") if (c.find("failure") is not None
                                                     and c.find("failure").get("type") == "E401")]
    assert len(e401) == 2  # one failing test case for each error
    assert {c.get("name") for c in e401} == {"figures and citations: E401 at 16:28",
                                             "figures and citations: E401 at 17:28"}
    bad = next(s for s in root.findall("testsuite") if s.get("name").endswith("bad.policy"))
    cases = {c.get("name"): c for c in bad.findall("testcase")}
    assert cases["syntax: E103 at 1:9"].find("failure").get("type") == "E103"
    assert all(c.find("skipped") is not None for n, c in cases.items() if not n.startswith("syntax"))
    assert bad.get("skipped") == "6"


def test_junit_strict_fails_on_warnings(capsys, dead):
    code, out = _junit(capsys, dead)
    assert code == 0
    root = ET.fromstring(out.encode())
    assert root.get("failures") == "0"
    assert any("W501" in (c.findtext("system-out") or "") for c in root.iter("testcase"))
    code, out = _junit(capsys, dead, "--strict")
    assert code == 1
    failure = ET.fromstring(out.encode()).find(".//testcase/failure")
    assert failure is not None and failure.get("type") == "W501"


def test_sarif_has_one_rule_per_code_with_help_into_the_error_reference(capsys, broken):
    from yibao.base import codes
    _, out, _ = run(capsys, "--policies", str(broken), "check", "--format", "sarif")
    run_ = json.loads(out)["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    for result in run_["results"]:
        rule = rules[result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
    e401 = next(r for r in rules if r["id"] == "E401")
    assert e401["helpUri"] == codes.HELP_BASE + "#e401"
    assert e401["name"] == "printed-figure"
    assert e401["shortDescription"]["text"] == "E401: a printed figure differs"  # the reference's heading
    assert e401["fullDescription"]["text"]


def test_every_code_the_compiler_reports_has_a_description():
    import re
    from yibao.base import codes
    source = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "compiler" / "yibao").rglob("*.py"))
    used = set(re.findall(r'"([EW]\d{3})"', source))
    assert used and used <= set(codes.CODES), used - set(codes.CODES)


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
