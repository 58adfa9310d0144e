"""Named values (yibao.run.named): how a conformance case names and writes a value that is not a decision."""
from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction

import jsonschema
import pytest

from conftest import ROOT, evaluator, program
from yibao.ir import nodes as ir
from yibao.run import named
from yibao.runtime.core import Undecidable

FY = "峰岩府发〔2023〕60号"
SCHEMA = json.loads((ROOT / "conformance" / "schema.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("value,t,text", [
    (34200, ir.MONEY, "342.00"),
    (Fraction(95, 100), ir.RATE, "95%"),
    (Fraction(125, 1000), ir.RATE, "12.5%"),
    (9390, ir.INT, "9390"),
    (dt.date(2023, 11, 30), ir.DATE, "2023-11-30"),
    (90, ir.DAYS, "90 days"),
    (3, ir.MONTHS, "3 months"),
    (False, ir.BOOL, "false"),
    (frozenset({"dibao", "destitute"}), ir.set_t("资助身份"), ["destitute", "dibao"]),
])
def test_values_are_written_as_cases_write_them(value, t, text):
    assert named.show(value, t) == text


def test_a_set_compares_in_any_order_and_only_with_a_list():
    assert named.same(["destitute", "dibao"], ["dibao", "destitute"])
    assert not named.same(["destitute", "dibao"], ["dibao"])
    assert not named.same(["destitute"], "destitute")


@pytest.mark.parametrize("name,message", [
    ("参保任务分解[千丘村].户数", "no column `户数`"),
    ("参保任务分解[白云村].任务数", "no rows `白云村`"),
    ("没有这个名字", "defines no `没有这个名字`"),
    ("参保率目标[2024]", "no parameter by year `参保率目标`"),
    ("notice.title", "has no `title`"),
    ("a b", "is not a name"),
])
def test_a_name_the_notice_does_not_have_is_an_error(name, message):
    with pytest.raises(named.NotNamed, match=message.replace("[", r"\[")):
        named.value(program(FY), name)


def test_an_unknown_value_is_undecidable_in_program_and_module():
    p = program("渝医保发〔2025〕42号")
    for name in ("人均财政补助标准[2026]", "notice.issued"):
        with pytest.raises(Undecidable):
            named.value(p, name)
    with pytest.raises(evaluator("渝医保发〔2025〕42号").module.Undecidable):
        named.generated(p, evaluator("渝医保发〔2025〕42号").module, "人均财政补助标准[2026]")


def test_the_total_row_is_the_sum_of_the_column():
    p = program(FY)
    rows = p.data["参保任务分解"].rows
    assert named.value(p, "参保任务分解[合计].人口总数") == str(sum(r[1] for r in rows)) == "10973"


def test_a_value_that_reads_a_fact_reads_the_case():
    p = program("九龙坡医保发〔2023〕46号")
    assert named.value(p, "随监护人待遇开始", {"birth_date": dt.date(2024, 8, 1)}) == "2024-08-01"
    with pytest.raises(Undecidable):
        named.value(p, "随监护人待遇开始", {})


@pytest.mark.parametrize("case,ok", [
    ({"values": {"参保任务数": "9390"}}, True),
    ({"values": {"大病保险倾斜支付对象": ["destitute", "dibao"]}}, True),
    ({"unknown": ["人均财政补助标准[2026]"]}, True),
    ({"values": {"参保任务数": 9390}}, False),  # literals are strings, as the interface prints them
    ({"values": {"参保 任务数": "9390"}}, False),
    ({"values": {}}, False),
    ({"expected": {"assistance": "0.00"}}, False),  # a decision needs an input
])
def test_the_schema_admits_value_cases(case, ok):
    doc = {"notice": FY, "cases": [{"name": "a case of a named value", "source": {
        "document": FY, "clause": "一", "quote": "参保任务数为9390人"}, **case}]}
    if ok:
        jsonschema.validate(doc, SCHEMA)
    else:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(doc, SCHEMA)


def test_mismatch_and_known_report_what_the_case_gets_wrong():
    p, module = program(FY), evaluator(FY).module
    assert named.mismatch(p, module, "参保率目标", "95%") is None
    assert "the program gives 95%" in named.mismatch(p, module, "参保率目标", "90%")
    assert named.known(p, module, "参保率目标") == "`参保率目标` should be unknown, the program gives 95%"
    p42 = program("渝医保发〔2025〕42号")
    assert named.known(p42, evaluator("渝医保发〔2025〕42号").module, "人均财政补助标准[2026]") is None
