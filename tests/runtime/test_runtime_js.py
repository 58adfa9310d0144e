"""The two runtimes give the same answer, value for value and error for error: the date idioms at
month ends, leap days and the ends of the calendar; money rounded to a unit in each mode, printed,
divided; a case's fields decoded, with the message for each bad one; strict JSON's errors. The
Python runtime (runtime/core.py, strict_json.py) is asked in-process and the JavaScript one
(runtime/runtime.js) through one node process; a case the two answer differently fails. node is
required: without it this fails, never skips."""
from __future__ import annotations

import datetime as dt
import json
import selectors
import shutil
import subprocess
from decimal import Decimal
from fractions import Fraction

import pytest

from yibao.backends.javascript.generate import catalogue_json, runtime_source
from yibao.runtime import core, strict_json

# each line is a JavaScript expression over the runtime's functions; the answer is its value, or the
# error's class and message (BigInt written as digits)
LOOP = """
import { createInterface } from "node:readline";
const plain = (v) => v instanceof Map ? Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]))
  : Array.isArray(v) ? v.map(plain) : v instanceof JNum ? v.text : v;
const out = (v) => JSON.stringify(v, (k, x) => typeof x === "bigint" ? x.toString() : x instanceof Set ? [...x] : x);
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  let answer;
  try { answer = { ok: eval(JSON.parse(line)) }; }
  catch (e) { answer = { error: e.constructor.name, message: e.message }; }
  process.stdout.write(out(answer) + "\\n");
}
"""


@pytest.fixture(scope="module")
def js(tmp_path_factory):
    node = shutil.which("node")
    if not node:
        pytest.fail("node (v20) is not installed: the runtime comparison needs it (it never skips)")
    script = tmp_path_factory.mktemp("js") / "runtime_loop.mjs"
    # the catalogue first, as every generated calculator has it (runtime.js words its errors from it)
    script.write_text(f"const CATALOGUE = {catalogue_json()};\n" + runtime_source() + "\n" + LOOP, encoding="utf-8")
    p = subprocess.Popen([node, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)

    def ask(expr: str):
        p.stdin.write(json.dumps(expr) + "\n")
        p.stdin.flush()
        if not sel.select(timeout=30):
            p.kill()
            pytest.fail("node did not answer within 30 s")
        line = p.stdout.readline()
        assert line, f"node ended (exit {p.poll()})"
        answer = json.loads(line)
        return ("ok", answer["ok"]) if "ok" in answer else (answer["error"], answer["message"])

    yield ask
    p.stdin.close()
    p.wait(timeout=30)
    sel.close()


def py(fn, *args):
    """The Python runtime's answer in the same shape: ("ok", value) or (error class, message)."""
    try:
        return "ok", fn(*args)
    except (core.Undecidable, core.CaseError, strict_json.JSONError) as e:
        return type(e).__name__, str(e)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def jday(text: str) -> str:
    return f'_dateIn("d", "{text}")'


# ---- dates ----
MONTHS = [("2024-01-31", 1), ("2024-01-31", 13), ("2023-01-31", 1), ("2023-12-31", 2), ("2024-02-29", 12),
          ("2024-02-29", 48), ("2024-02-29", -12), ("2024-03-31", -1), ("2024-05-15", -17), ("2024-05-15", -5),
          ("2024-12-31", -24), ("2024-12-15", 0), ("2100-01-31", 1), ("2000-01-31", 1), ("0001-01-01", -1),
          ("0001-12-31", -11), ("9999-12-31", 1), ("9999-01-31", 11), ("2024-07-31", 2), ("2024-08-31", 1)]


@pytest.mark.parametrize("start, n", MONTHS)
def test_plus_months_agrees(js, start, n):
    want = py(lambda: core.plus_months(day(start), n).isoformat())
    assert js(f"dateOut(plusMonths({jday(start)}, {n}n))") == want


PAIRS = [("2004-02-29", "2022-02-28"), ("2004-02-29", "2022-03-01"), ("2004-02-29", "2024-02-29"),
         ("2004-02-29", "2024-03-01"), ("2004-02-29", "2005-02-28"), ("2004-02-29", "2005-03-01"),
         ("2000-06-15", "2000-06-15"), ("2000-06-15", "2018-06-15"), ("2000-06-15", "2018-06-16"),
         ("2000-06-15", "2018-06-14"), ("2024-01-31", "2024-02-29"), ("2024-01-31", "2024-03-01"),
         ("2024-01-31", "2024-03-30"), ("2023-12-31", "2024-12-30"), ("2023-12-31", "2024-12-31"),
         ("2024-03-01", "2024-02-29"), ("0001-01-01", "9999-12-31"), ("2024-05-31", "2024-06-30")]


@pytest.mark.parametrize("a, b", PAIRS)
def test_age_and_months_between_agree(js, a, b):
    assert js(f"ageOn({jday(a)}, {jday(b)})") == py(lambda: str(core.age_on(day(a), day(b))))
    assert js(f"monthsBetween({jday(a)}, {jday(b)})") == py(lambda: str(core.months_between(day(a), day(b))))


@pytest.mark.parametrize("d", ["2024-12-31", "2024-12-01", "2024-01-31", "2024-02-10", "2023-02-28",
                               "9999-12-31", "9999-11-30", "0001-01-01"])
def test_the_next_month_day_after_and_the_parts_of_a_day_agree(js, d):
    assert js(f"dateOut(firstOfNextMonth({jday(d)}))") == py(lambda: core.first_of_next_month(day(d)).isoformat())
    assert js(f"dateOut(dayAfter({jday(d)}))") == py(lambda: core.day_after(day(d)).isoformat())
    assert js(f"[monthOf({jday(d)}), yearOf({jday(d)})]") == py(
        lambda: [str(core.month_of(day(d))), str(core.year_of(day(d)))])


@pytest.mark.parametrize("d, n", [("2024-01-01", 366), ("2024-01-01", -366), ("2024-03-01", -1), ("2023-03-01", -1),
                                  ("0001-01-02", -1), ("0001-01-02", -2), ("9999-12-30", 1), ("9999-12-30", 2),
                                  ("2024-01-01", 4000001), ("2024-01-01", -4000001), ("2024-01-01", 2913321)])
def test_plus_days_agrees(js, d, n):
    assert js(f"dateOut(plusDays({jday(d)}, {n}n))") == py(lambda: core.plus_days(day(d), n).isoformat())


@pytest.mark.parametrize("y", [0, 1, 2024, 9999, 10000, -5])
def test_year_start_and_end_agree(js, y):
    assert js(f"dateOut(yearStart({y}n))") == py(lambda: core.year_start(y).isoformat())
    assert js(f"dateOut(yearEnd({y}n))") == py(lambda: core.year_end(y).isoformat())


# ---- money ----
AMOUNTS = [(12345, 1), (12350, 1), (-12350, 1), (12349, 1), (25, 2), (-25, 2), (7, -2), (1, 3), (-1, 3), (0, 5),
           (99999, 1), (150, 1), (-150, 1), (149, 1), (5, 1), (38000, 12)]


@pytest.mark.parametrize("n, k", AMOUNTS)
@pytest.mark.parametrize("unit", [1, 10, 100])
@pytest.mark.parametrize("mode", ["half_up", "down", "up"])
def test_rounding_to_a_unit_agrees_in_every_mode(js, n, k, unit, mode):
    want = py(lambda: str(core.round_to(core.div_exact(n, k), unit, mode)))
    assert js(f'roundTo(divExact({n}n, {k}n), {unit}n, "{mode}")') == want
    if k == 1:
        assert js(f'roundTo({n}n, {unit}n, "{mode}")') == py(lambda: str(core.round_to(n, unit, mode)))


def test_a_division_by_zero_is_undecidable_on_both(js):
    assert js("divExact(5n, 0n)") == py(core.div_exact, 5, 0) == ("Undecidable", "a division by zero")


@pytest.mark.parametrize("fen", [0, 5, -5, 99, 100, -100, 12345, -12345, 123456789012, 10 ** 17 - 1])
def test_money_prints_the_same(js, fen):
    assert js(f"moneyOut({fen}n)") == py(core.money_out, fen)


# ---- a case decoded ----
SPEC_PY = {"amount": ("money", {}, core._ABSENT), "day": ("date", {}, core._ABSENT), "flag": ("bool", {}, False),
           "number": ("int", {}, core._ABSENT), "count": ("count", {}, 0),
           "tier": ("enum", {"一档": 1, "二档": 2, 1: 1, 2: 2}, core._ABSENT),
           "ids": ("set", {"低保对象": "A", "特困人员": "B", "A": "A", "B": "B"}, frozenset())}
SPEC_JS = ('new Map([["amount", ["money", new Map(), undefined]], ["day", ["date", new Map(), undefined]], '
           '["flag", ["bool", new Map(), false]], ["number", ["int", new Map(), undefined]], '
           '["count", ["count", new Map(), 0n]], '
           '["tier", ["enum", new Map([["一档", 1], ["二档", 2], [1, 1], [2, 2]]), undefined]], '
           '["ids", ["set", new Map([["低保对象", "A"], ["特困人员", "B"], ["A", "A"], ["B", "B"]]), new Set()]]])')
KINDS = {field: kind for field, (kind, _, _) in SPEC_PY.items()}


def decode_py(text: str):
    c = core.decode_case(strict_json.loads(text), SPEC_PY)
    return {f: core.output_value(KINDS[f], v) if KINDS[f] in ("money", "date", "set") else
            str(v) if KINDS[f] in ("int", "count") else v for f, v in c.items()}


def decode_js(text: str) -> str:
    kinds = json.dumps(KINDS)
    return (f"(() => {{ const c = decodeCase(loads({json.dumps(text)}), {SPEC_JS}); const k = {kinds}; "
            f"return Object.fromEntries([...c].map(([f, v]) => [f, k[f] === 'money' || k[f] === 'date' || "
            f"k[f] === 'set' ? outputValue(k[f], v) : v])); }})()")


CASES = [
    '{"amount": 380}', '{"amount": 380.5}', '{"amount": 380.55}', '{"amount": "380.55"}', '{"amount": 0}',
    '{"amount": 0.0}', '{"amount": 1E2}', '{"amount": 1.5e1}', '{"amount": 12.30}', '{"amount": 1E-2}',
    '{"amount": 999999999999999.99}', '{"amount": 0.001}', '{"amount": 380.555}', '{"amount": "380.555"}',
    '{"amount": "-1"}', '{"amount": -1}', '{"amount": 1e15}', '{"amount": 1000000000000000}', '{"amount": true}',
    '{"amount": null}', '{"amount": []}', '{"amount": "3e2"}',
    '{"day": "2024-02-29"}', '{"day": "2023-02-29"}', '{"day": "2024-13-01"}', '{"day": "2024-00-10"}',
    '{"day": "2024-04-31"}', '{"day": "2024-1-01"}', '{"day": "0000-01-01"}', '{"day": 20240101}',
    '{"day": "0001-01-01"}', '{"day": "2024-04-00"}',
    '{"number": 5}', '{"number": -5}', '{"number": 2.0}', '{"number": 2.5}', '{"number": 1e9}', '{"number": 1e10}',
    '{"number": 1000000001}', '{"number": -1000000000}', '{"number": -1000000001}', '{"number": "5"}', '{"number": 2.50e1}',
    '{"number": 0.0}', '{"number": true}', '{"number": 1500000000.0}', '{"number": 1000000000.0}', '{"count": -1}', '{"count": 0}', '{"count": 3}',
    '{"flag": true}', '{"flag": 1}', '{"flag": false}',
    '{"tier": "一档"}', '{"tier": 1}', '{"tier": 1.0}', '{"tier": 2}', '{"tier": 3}', '{"tier": "三档"}',
    '{"tier": true}', '{"ids": []}', '{"ids": ["A", "特困人员"]}', '{"ids": ["C"]}', '{"ids": "A"}',
    '{"ids": ["B", "B"]}', '{"ids": [true]}',
    '{"amo": 1}', '{"zzz": 1}', '[1]', '"x"', '3', '{}',
]


# where the two refuse alike but word it differently (a number's exponent as written or as Decimal
# writes it; node's JSON wording is Python json's with "at" dropped): the JavaScript words, pinned
WORDED_OTHERWISE = {
    '{"amount": 1e15}': "field `amount`: 1e15 is not an amount of money from 0 to less than 10^15 yuan",
    '{"number": 1e10}': "field `number`: expected a whole number, got 1e10",
    '"abc': "Unterminated string (column 5)",
    '"a\u0001"': "Invalid control character (column 3)",
    '"\\ud800"': "the string '\ud800' holds an unpaired surrogate (\\ud800–\\udfff)",
}


def same(got, want, text):
    if text in WORDED_OTHERWISE:
        assert got[0] == want[0] != "ok" and got[1] == WORDED_OTHERWISE[text], (got, want)
    else:
        assert got == want


@pytest.mark.parametrize("text", CASES)
def test_a_case_decodes_the_same_and_a_bad_field_says_the_same(js, text):
    same(js(decode_js(text)), py(decode_py, text), text)


# ---- strict JSON ----
BAD_JSON = ['{"a": 1, "a": 2}', '[1,]', '{"a" 1}', '{"a": 1', '"abc', '{"a": 1} x', '"\\x"', '"a\u0001"',
            '', '   ', '[' * 33 + ']' * 33, '[' * 32 + ']' * 32, '1' * 41, '1' * 40, '"\\ud800"', '"\\ud83d\\ude00"',
            '{"a": [1, 2}', '{1: 2}', '-', '01', '1.', '.5', '[1 2]', '{"a": 1,}', 'tru', 'nul']


@pytest.mark.parametrize("text", BAD_JSON)
def test_strict_json_reads_and_refuses_the_same(js, text):
    def shape(v):  # numbers as their text, as the JavaScript reader keeps them
        if isinstance(v, dict):
            return {k: shape(x) for k, x in v.items()}
        if isinstance(v, list):
            return [shape(x) for x in v]
        return str(v) if isinstance(v, (int, Decimal)) and not isinstance(v, bool) else v
    want = py(lambda: shape(strict_json.loads(text)))
    same(js(f"plain(loads({json.dumps(text)}))"), want, text)


def test_the_runtimes_limits_are_the_same(js):
    assert js("[MAX_TEXT_CHARS, MAX_DEPTH, MAX_NUMBER_CHARS, MAX_MONEY_YUAN, MAX_INT]") == (
        "ok", [strict_json.MAX_TEXT_CHARS, strict_json.MAX_DEPTH, strict_json.MAX_NUMBER_CHARS,
               str(core.MAX_MONEY_YUAN), str(core.MAX_INT)])


def test_fractions_round_from_an_exact_value_not_a_float(js):
    # 1/3 of a fen rounds to 0 fen in every mode but up; Fraction keeps it exact in Python
    assert py(lambda: str(core.round_to(Fraction(1, 3), 1, "up"))) == ("ok", "1")
    assert js('roundTo([1n, 3n], 1n, "up")') == ("ok", "1")


@pytest.mark.parametrize("text", ['"a\\nb\\tc\\r\\"\\\\\\/\\b\\f"', '["\\u00e9\\n"]'])
def test_strict_json_unescapes_the_same(js, text):
    assert js(f"plain(loads({json.dumps(text)}))") == py(strict_json.loads, text)


def test_a_text_of_exactly_the_limit_is_read_and_one_more_character_is_refused(js):
    for n in (strict_json.MAX_TEXT_CHARS, strict_json.MAX_TEXT_CHARS + 1):
        text = '"' + "a" * (n - 2) + '"'
        got, want = js(f'loads({json.dumps(text)}).length'), py(lambda: len(strict_json.loads(text)))
        assert got[0] == want[0] and (got == want if n == strict_json.MAX_TEXT_CHARS else got[0] == "JSONError")


@pytest.mark.parametrize("xs", [[1, 3, 2], [3, 1, 2], [-5, -7], [4]])
def test_the_generated_codes_max_and_min_agree(js, xs):
    args = ", ".join(f"{x}n" for x in xs)
    assert js(f"[_max({args}), _min({args})]") == ("ok", [str(max(xs)), str(min(xs))])


@pytest.mark.parametrize("a, b", [(["A"], ["A", "B"]), (["A", "B"], ["A"]), (["A", "B"], ["B", "A"]), ([], [])])
def test_set_equality_agrees(js, a, b):
    assert js(f"_setEq(new Set({json.dumps(a)}), new Set({json.dumps(b)}))") == ("ok", set(a) == set(b))


def test_a_domain_check_that_cannot_be_decided_wins_only_where_none_holds(js):
    undecided = "() => { throw new Undecidable('which year') }"
    # none holds and one cannot be decided: the decision is undecidable, never its value
    assert js(f"_inDomain([[{undecided}, () => 0], [() => false, () => 0]], () => 5n)") == \
        py(core._in_domain, [(lambda: (_ for _ in ()).throw(core.Undecidable("which year")), lambda: 0),
                             (lambda: False, lambda: 0)], lambda: 5) == ("Undecidable", "which year")
    assert js("_inDomain([[() => false, () => 0]], () => 5n)") == ("ok", "5")
