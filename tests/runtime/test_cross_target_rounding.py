"""Money rounding, the same on every target: a rate of an amount in fen that lands on exactly half a fen
rounds half up (away from zero), as Python's decimal ROUND_HALF_UP does, in the Python runtime
(runtime/core.py) and in the JavaScript runtime (runtime/runtime.js, run under node) alike. The
amounts are built to land on half a fen (odd fen at 50%, 5 fen at 10%, …), where half-up and half-down
differ; the rest are any rate of any amount. node is required: without it this fails, never skips."""
from __future__ import annotations

import json
import math
import selectors
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from yibao.backends.javascript.generate import runtime_source
from yibao.runtime import core

# a JSONL loop over the runtime itself: [fen, num, den] (as strings: BigInt) → moneyOut(pct(...))
LOOP = """
import { createInterface } from "node:readline";
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  const [fen, num, den] = JSON.parse(line).map(BigInt);
  process.stdout.write(JSON.stringify([moneyOut(pct(fen, num, den)), moneyOut(_pctRate([num, den], fen))]) + "\\n");
}
"""


@pytest.fixture(scope="module")
def js(tmp_path_factory):
    """One node process running runtime.js; ask(fen, num, den) → its two answers (pct, _pctRate)."""
    node = shutil.which("node")
    if not node:
        pytest.fail("node (v20) is not installed: the cross-target rounding test needs it (it never skips)")
    script = tmp_path_factory.mktemp("js") / "rounding.mjs"
    script.write_text(runtime_source() + "\n" + LOOP, encoding="utf-8")
    p = subprocess.Popen([node, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)

    def ask(fen: int, num: int, den: int) -> list[str]:
        p.stdin.write(json.dumps([str(fen), str(num), str(den)]) + "\n")
        p.stdin.flush()
        if not sel.select(timeout=30):
            p.kill()
            pytest.fail("node did not answer within 30 s")
        line = p.stdout.readline()
        assert line, f"node ended (exit {p.poll()})"
        return json.loads(line)

    yield ask
    p.stdin.close()
    p.wait(timeout=30)
    sel.close()


def decimal_half_up(fen: int, num: int, den: int) -> str:
    """The reference: num/den of fen/100 yuan, to the fen, decimal ROUND_HALF_UP."""
    with localcontext() as ctx:
        ctx.prec = 200
        yuan = Decimal(fen) * Decimal(num) / Decimal(den) / 100
        rounded = yuan.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return str(abs(rounded) if rounded == 0 else rounded)  # no "-0.00": zero is zero


@st.composite
def half_a_fen(draw):
    """fen × num / den is exactly k + ½ fen: den even, num prime to it, fen solving fen·num ≡ den/2."""
    den = 2 * draw(st.sampled_from([1, 5, 10, 50, 100, 500, 1000]) | st.integers(1, 5000))
    num = draw(st.integers(1, 10 * den).filter(lambda n: math.gcd(n, den) == 1))
    fen = (den // 2 * pow(num, -1, den)) % den + den * draw(st.integers(0, 10 ** 9))
    fen = -fen if draw(st.booleans()) else fen
    assert (2 * fen * num) % (2 * den) == den  # half a fen, exactly
    return fen, num, den


PERCENT_OF_ODD_FEN = st.tuples(st.integers(-10 ** 9, 10 ** 9).map(lambda n: 2 * n + 1),
                               st.sampled_from([50, 10, 30, 70, 90, 5, 15, 25, 45, 95]), st.just(100))
ANY_RATE = st.tuples(st.integers(-10 ** 12, 10 ** 12), st.integers(0, 10 ** 4), st.integers(1, 10 ** 4))


@settings(derandomize=True, max_examples=300, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(half_a_fen(), PERCENT_OF_ODD_FEN, ANY_RATE))
def test_money_rounds_half_up_in_python_javascript_and_decimal(js, amount):
    fen, num, den = amount
    want = decimal_half_up(fen, num, den)
    python = core.money_out(core.pct(fen, num, den))
    assert python == want, (amount, python, want)
    assert js(fen, num, den) == [want, want], amount


def test_the_known_halves(js):
    """Literal values: 50% of 0.01 元 is 0.01 (not 0.00); 50% of 3.45 元 is 1.73; 10% of 0.05 元 is 0.01;
    and below zero, away from zero."""
    for (fen, num, den), want in [((1, 1, 2), "0.01"), ((345, 50, 100), "1.73"), ((5, 10, 100), "0.01"),
                                  ((-345, 50, 100), "-1.73"), ((34199, 90, 100), "307.79"),
                                  ((38000, 90, 100), "342.00")]:
        assert decimal_half_up(fen, num, den) == want
        assert core.money_out(core.pct(fen, num, den)) == want
        assert js(fen, num, den) == [want, want], (fen, num, den)
