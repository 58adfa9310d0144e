"""Diagnostics that point at the cause (each planted as a drafter wrote it, with the message that
used to mislead): no expected type pushed into min/max's arguments, E501 satisfied by an
`otherwise unknown`, and a table whose unit is printed only in its heading."""
from __future__ import annotations

from helpers import check, codes

TEXT_QUOTE = '§一 "个人缴费标准为一档 380 元/人·年"'


def test_a_count_inside_max_stays_a_count_in_money(tmp_path):
    """`2000 元 * max(continuous_years - 4, 0)` used to give E305 ("0 is money here"), E310 and E301."""
    program, diags = check(tmp_path, f"""
let 递增 = 380 元 * max(continuous_years - 4, 0) {TEXT_QUOTE} derived "a test of the arithmetic"
""")
    assert diags == [] and program is not None
    from yibao.ir.interpret import Interpreter
    assert Interpreter(program).decide("递增", {"continuous_years": 6}) == 2 * 38000


def test_a_bare_number_beside_money_inside_max_is_still_told_to_carry_its_unit(tmp_path):
    """The useful half of the old push: the other argument is money, so `0` must be written `0 元`."""
    _, diags = check(tmp_path, f"""
let a = max(380 元, 0) {TEXT_QUOTE} derived "a test of the arithmetic"
""")
    assert codes(diags) == ["E305"] and "0 is money here: write `0 元`" in diags[0].message


def test_otherwise_unknown_covers_a_member_no_row_prices(tmp_path):
    """A `hit best` table whose default is `unknown` leaves an unpriced combination unknown, as the
    notice leaves it: no E501 asking for a row that would repeat the default."""
    body = """
table 资助 (identities, tier) : money "资助标准"
  hit best §一 "个人缴费标准为一档 380 元/人·年" derived "the test's table"
  otherwise {default} §一 "个人缴费标准为一档 380 元/人·年" derived "the test's table"
{{
  低保对象, 一档 => 380 元 §一 "个人缴费标准为一档 380 元/人·年"
}}
"""
    from yibao.analysis.tables import analyze

    def findings(where, default):
        program, diags = check(where, body.format(default=default))
        assert diags == [] and program is not None
        return codes(analyze(program))
    assert "E501" not in findings(tmp_path / "unknown", 'unknown "not stated"')
    assert "E501" in findings(tmp_path / "zero", "0 元")  # a real default still needs every member priced alike


def test_a_table_heading_that_prints_the_unit_carries_it_to_its_rows(tmp_path):
    """资助标准（元/人·年） with rows "315（90%）": the row's 315 is money by its heading, so no W402."""
    text = "一、资助标准（元/人·年）：低保对象 315（90%）。"
    body = """
table 资助 (identities) : money "{heading}"
  hit best §一 "低保对象 315（90%）" derived "the test's table"
  otherwise 0 元 §一 "低保对象 315（90%）" derived "the test's table"
{{
  低保对象 => 315 元 §一 "低保对象 315（90%）"
}}
"""
    from helpers import HEADER, scratch
    from yibao.policies.directory import PolicySet

    def run(where, heading):
        d = scratch(where, HEADER + body.format(heading=heading), text=text)
        return PolicySet(d).check(str(d / "t.policy"))[1]
    assert "W402" not in codes(run(tmp_path / "heading", "资助标准（元/人·年）"))
    plain = run(tmp_path / "plain", "资助标准")
    assert "W402" in codes(plain)  # without the heading's unit, the bare 315 states no money
    assert "W402" not in codes(run(tmp_path / "yuan", "资助标准（元）"))
