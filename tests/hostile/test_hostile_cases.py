"""Issue 14's reproducers for cases: each hostile case gives the right answer or a one-line bad-input
error naming the field, and a bad line of a roll never stops the lines after it."""
from __future__ import annotations

import json

import pytest

from hostile import CQ2024, CQ2026, GOOD_CASE, no_traceback, run


def eval_one(case: bytes, *extra, notice=CQ2024):
    return run("eval", notice, "--case", "-", *extra, stdin=case)


def roll(lines: list[bytes], *extra, notice=CQ2024):
    code, out, err = run("eval", notice, "--cases", "-", *extra, stdin=b"\n".join(lines) + b"\n")
    return code, out.split("\n")[:-1], err


# ---- 4. money from JSON numbers is exact ------------------------------------------------------
def test_money_as_a_json_number_keeps_every_digit():
    code, out, _ = eval_one(b'{"tier": 1, "payment_date": "2023-11-01", "inpatient_reimbursement": 86170907570494.24}',
                            "--decision", "cesarean_benefit")
    assert code == 0 and json.loads(out)["cesarean_benefit"] == "86170907570494.24"


@pytest.mark.parametrize("number, accepted", [("1e3", True), ("1E+3", True), ("1000.00", True), ("1e14", True),
                                              ("1e20", False), ("1e-3", False), ("0.125", False)])
def test_exponent_notation_is_judged_by_the_value_not_the_spelling(number, accepted):
    code, out, err = eval_one(b'{"inpatient_reimbursement": %s}' % number.encode())
    assert (code == 0) == accepted and no_traceback(err)
    if not accepted:
        assert code == 2 and "field `inpatient_reimbursement`" in err


# ---- 5. duplicate keys -----------------------------------------------------------------------
def test_a_key_given_twice_is_bad_input_not_the_last_one_winning():
    code, out, err = eval_one(b'{"tier": 1, "tier": 2, "payment_date": "2023-11-01"}')
    assert code == 2 and out == "" and "'tier' appears twice" in err


# ---- 6. dates beyond the calendar --------------------------------------------------------------
def test_lapsed_years_100000_is_undecidable_not_a_crash():
    case = b'{"tier": 1, "payment_date": "2026-03-01", "continuous": false, "lapsed_years": 100000}'
    code, out, err = eval_one(case, notice=CQ2026)
    assert code == 0 and "benefit_start" not in json.loads(out) and no_traceback(err)
    code, _, err = eval_one(case, "--decision", "benefit_start", notice=CQ2026)
    assert code == 3 and "9999-12-31" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("notice", ["渝医保发〔2023〕24号", "渝医保发〔2025〕42号", "九龙坡医保发〔2023〕46号",
                                    "峰岩府发〔2023〕60号", "潼医保发〔2022〕36号"])
def test_payment_and_birth_on_the_last_day_a_date_can_name(notice):
    case = b'{"group": "newborn", "tier": 1, "payment_date": "9999-12-31", "birth_date": "9999-12-31"}'
    code, out, err = eval_one(case, notice=notice)
    assert code == 0 and isinstance(json.loads(out), dict) and no_traceback(err)


def test_a_date_overflow_in_a_roll_does_not_lose_the_lines_after_it():
    bad = b'{"tier": 1, "payment_date": "2026-03-01", "continuous": false, "lapsed_years": 100000}'
    good = bad.replace(b"100000", b"2")
    code, lines, _ = roll([bad, good, bad, good], "--decision", "benefit_start", notice=CQ2026)
    assert len(lines) == 4 and code == 3
    assert [json.loads(x).get("exit") for x in lines] == [3, None, 3, None]


# ---- 7. hostile lines in a roll ------------------------------------------------------------------
HOSTILE_LINES = {
    "100000 brackets": b"[" * 100000,
    "depth 1000": b"[" * 1000 + b"]" * 1000,
    "5000-digit integer": b'{"lapsed_years": ' + b"9" * 5000 + b"}",
    "unpaired surrogate key": b'{"\\ud800": 1}',
    "unpaired surrogate value": b'{"tier": "\\udfff"}',
    "NaN": b'{"inpatient_reimbursement": NaN}',
    "Infinity": b'{"inpatient_reimbursement": -Infinity}',
    "not UTF-8": b'{"tier": "\xff\xfe"}',
    "not an object": b"[1, 2]",
    "integer keys as text": b'{"1": 2}',
}


@pytest.mark.parametrize("line", HOSTILE_LINES.values(), ids=HOSTILE_LINES.keys())
def test_a_hostile_line_is_one_error_line_and_the_stream_goes_on(line):
    code, lines, err = roll([GOOD_CASE, line, GOOD_CASE])
    assert code == 2 and len(lines) == 3 and no_traceback(err)
    first, bad, last = (json.loads(x) for x in lines)
    assert first == last and "contribution" in first
    assert bad["exit"] == 2 and ":2:" in bad["error"] and "\n" not in bad["error"] and len(bad["error"]) < 400


def test_a_line_longer_than_the_limit_is_skipped_whole():
    code, lines, _ = roll([GOOD_CASE, b'{"tier": "' + b"x" * 1_100_000 + b'"}', GOOD_CASE])
    assert len(lines) == 3 and "more than 1000000 bytes" in json.loads(lines[1])["error"]
    assert json.loads(lines[2]) == json.loads(lines[0])


# ---- poor messages ------------------------------------------------------------------------------
def test_a_large_bad_value_is_not_echoed_in_full():
    code, _, err = eval_one(b'{"group": "' + b"x" * 500_000 + b'"}')
    assert code == 2 and "field `group`" in err and len(err) < 1000


def test_a_date_with_a_newline_gives_a_one_line_message():
    code, _, err = eval_one(b'{"payment_date": "2023-11-01\\n"}')
    assert code == 2 and len(err.strip().splitlines()) == 1 and "payment_date" in err


def test_a_byte_order_mark_before_a_case_is_accepted():
    code, out, _ = eval_one(b"\xef\xbb\xbf" + GOOD_CASE)
    assert code == 0 and json.loads(out)["contribution"] == "380.00"
    code, lines, _ = roll([b"\xef\xbb\xbf" + GOOD_CASE, GOOD_CASE])
    assert code == 0 and lines[0] == lines[1]


@pytest.mark.parametrize("value", [b'"-5.00"', b"-5", b'"\xef\xbc\x95\xef\xbc\x90"', b'"\xd9\xa5\xd9\xa0"'],
                         ids=["negative string", "negative number", "full-width digits", "Arabic-Indic digits"])
def test_money_is_ascii_digits_and_not_negative(value):
    code, _, err = eval_one(b'{"inpatient_reimbursement": ' + value + b"}")
    assert code == 2 and "field `inpatient_reimbursement`" in err


@pytest.mark.parametrize("date", ["２０２３-11-01", "٢٠٢٣-١١-٠١", "10000-01-01", "+2023-11-01"])
def test_dates_are_ascii_digits_in_four_digit_years(date):
    code, _, err = eval_one(json.dumps({"payment_date": date}).encode())
    assert code == 2 and "field `payment_date`" in err and "expected a date YYYY-MM-DD" in err


def test_an_integer_field_given_a_fraction_is_bad_input():
    code, _, err = eval_one(b'{"lapsed_years": 0.5}')
    assert code == 2 and "field `lapsed_years`" in err
    code, out, _ = eval_one(b'{"tier": 1, "payment_date": "2023-11-01", "lapsed_years": 0.0}')
    assert code == 0  # JSON's 0.0 is the integer 0


# ---- 11. case files -------------------------------------------------------------------------------
def test_a_case_file_that_is_not_utf8_is_bad_input(tmp_path):
    f = tmp_path / "case.json"
    f.write_bytes(b'{"group": "\xc0\xaf"}')
    code, _, err = run("eval", CQ2024, "--case", f)
    assert code == 2 and "not UTF-8" in err and no_traceback(err)


def test_a_directory_as_the_case_file_is_bad_input(tmp_path):
    code, _, err = run("eval", CQ2024, "--case", tmp_path)
    assert code == 2 and "cannot read" in err


def test_a_directory_as_the_notice_is_bad_input(tmp_path):
    code, _, err = run("eval", "/tmp", "--case", "-", stdin=GOOD_CASE)
    assert code == 2 and "not a policy file" in err


def test_a_number_with_an_exponent_decimal_cannot_hold_is_bad_input():
    """Found by the long fuzz run: -1.1e4003510798882109942 raised decimal.InvalidOperation."""
    code, lines, err = roll([b'{"inpatient_reimbursement": -1.1e4003510798882109942}', GOOD_CASE])
    assert code == 2 and "out of range" in json.loads(lines[0])["error"] and "contribution" in lines[1]
