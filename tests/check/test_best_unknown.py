"""Issue 10 · `otherwise unknown` under `hit best` (interface.md: an unknown entry that could be the
best makes the answer unknown), in the interpreter and in both shapes of generated table code."""
from __future__ import annotations

import pytest

from helpers import check
from yibao.run.evaluate import Evaluator
from yibao.ir.interpret import Interpreter
from yibao.runtime.core import Undecidable

C = '§一 "本通知用于测试"'


def table(value: str) -> str:
    # dibao has no row: its entry is the default, which is unknown
    return f"""
table 资助 (identities) : money "资助" hit best {C} otherwise unknown "dibao's standard" {C} {{
  特困人员 => {value} {C}
  脱贫人口 => 100 元 {C}
}}
decision assistance : money = 资助 {C}
"""


FOLDED = table("400 元")  # constant rows: a lookup table
AT_RUN_TIME = table("if zero_claim_last_year then 400 元 else 400 元")  # reads a fact: generic code


def both(tmp_path, body, case):
    tmp_path = tmp_path / str(len(list(tmp_path.iterdir())))
    program, diags = check(tmp_path, body)
    assert program is not None, diags
    out = []
    ev = Evaluator(program)  # the generated module has its own copy of the runtime's exceptions
    for decide, undecidable in ((lambda c: Interpreter(program).decide("assistance", c), Undecidable),
                                (lambda c: ev.decisions["assistance"][0](c), ev.Undecidable)):
        try:
            out.append(decide(dict(case)))
        except undecidable as exc:
            out.append(str(exc))
    return out


@pytest.mark.parametrize("body", [FOLDED, AT_RUN_TIME], ids=["lookup", "generic"])
@pytest.mark.parametrize("identities,want", [
    ({"destitute", "dibao"}, "needs dibao's standard: unknown"),  # dibao's entry could be the best
    ({"destitute"}, 40000),
    ({"destitute", "poverty_exited"}, 40000),
    (set(), "needs dibao's standard: unknown"),  # no row applies: the default
])
def test_an_unknown_default_that_could_be_best_makes_the_answer_unknown(tmp_path, body, identities, want):
    case = {"identities": frozenset(identities), "zero_claim_last_year": False}
    assert both(tmp_path, body, case) == [want, want]


@pytest.mark.parametrize("body", [FOLDED.replace('unknown "dibao\'s standard"', "50 元"),
                                  AT_RUN_TIME.replace('unknown "dibao\'s standard"', "50 元")], ids=["lookup", "generic"])
def test_a_known_default_is_the_entry_of_an_unpriced_member(tmp_path, body):
    case = {"identities": frozenset({"dibao", "poverty_exited"}), "zero_claim_last_year": False}
    assert both(tmp_path, body, case) == [10000, 10000]
    case = {"identities": frozenset({"dibao"}), "zero_claim_last_year": False}
    assert both(tmp_path, body, case) == [5000, 5000]


def test_an_unknown_row_that_could_be_best_makes_the_answer_unknown(tmp_path):
    body = FOLDED.replace("脱贫人口 => 100 元", '脱贫人口 => unknown "the exited standard"').replace(
        'unknown "dibao\'s standard"', "0 元")
    case = {"identities": frozenset({"destitute", "poverty_exited"})}
    assert both(tmp_path, body, case) == ["needs the exited standard: unknown"] * 2
    assert both(tmp_path, body, {"identities": frozenset({"destitute"})}) == [40000, 40000]


@pytest.mark.parametrize("body", [FOLDED.replace('unknown "dibao\'s standard"', "150 元"),
                                  AT_RUN_TIME.replace('unknown "dibao\'s standard"', "150 元")], ids=["lookup", "generic"])
def test_a_default_above_a_row_is_the_best_for_an_unpriced_member(tmp_path, body):
    case = {"identities": frozenset({"dibao", "poverty_exited"}), "zero_claim_last_year": False}
    assert both(tmp_path, body, case) == [15000, 15000]
    case = {"identities": frozenset({"poverty_exited"}), "zero_claim_last_year": False}
    assert both(tmp_path, body, case) == [10000, 10000]
