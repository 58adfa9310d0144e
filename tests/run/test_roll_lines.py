"""`yibao eval --cases ROLL.jsonl` through the columnar kernel (run/roll/lines.py) writes the very bytes
the row path (Evaluator.stream) writes, exits as it does and says the same on standard error: every
notice, the realistic and the repeating rolls of bench/cases.py moved into the notice's year, ordinary
lines and every kind of line that is not (malformed, blank, unknown fields, nulls, floats, escapes, odd
ids, bad values), with and without --decision, in batches small enough to cross their boundaries."""
from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("numpy")
pytest.importorskip("pyarrow")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import cases as gen  # noqa: E402

from yibao.policies.directory import PolicySet  # noqa: E402
from yibao.run.evaluate import Evaluator  # noqa: E402
from yibao.run.roll import lines  # noqa: E402

PS = PolicySet(ROOT / "policies")
NOTICES = sorted(PS.notices)

# lines that are not ordinary, each answered by the row path in its place
ODD = [
    "{not json",
    "",
    "   ",
    '{"tier": 1, "payment_date": "2023-11-01", "nobody": 1}',
    '{"tier": null, "payment_date": "2023-11-01"}',
    '{"tier": 1.0, "payment_date": "2023-11-01"}',
    '{"tier": 1, "payment_date": "2023-11-01", "inpatient_reimbursement": 12.5}',
    '{"tier": 1, "payment_date": "2023-11-01", "inpatient_reimbursement": 1200}',
    '{"tier": 1, "payment_date": "2023-11-01", "inpatient_reimbursement": "12.345"}',
    '{"tier": 1, "payment_date": "2023-11-01", "inpatient_reimbursement": "99999999999999999"}',
    '{"tier": 1, "payment_date": "2023-11-01", "inpatient_reimbursement": "1e3"}',
    '{"tier": true, "payment_date": "2023-11-01"}',
    '{"tier": "一档", "payment_date": "2023-11-01"}',
    '{"tier": 1, "payment_date": "2023-02-30"}',
    '{"tier": 1, "payment_date": "0000-01-01"}',
    '{"tier": 1, "payment_date": "2023-1-01"}',
    '{"tier": 1, "payment_date": "2023-11-01", "birth_date": 20230101}',
    '{"tier": 1, "payment_date": "2023-11-01", "tier": 2}',
    '{"tier": 1, "payment_date": "2023-11-01", "group": {"a": 1}}',
    '{"tier": 1, "payment_date": "2023-11-01", "identities": "dibao"}',
    '{"tier": 1, "payment_date": "2023-11-01", "identities": [1, "dibao"]}',
    '{"tier": 1, "payment_date": "2023-11-01", "identities": [["dibao"]]}',
    '{"tier": 1, "payment_date": "2023-11-01", "identities": []}',
    '{"tier": 1, "payment_date": "2023-11-01", "lapsed_years": 99999999999999999999999}',
    '{"tier": 1, "payment_date": "2023-11-01", "continuous": "yes"}',
    '{"id": "a\\"b", "tier": 1, "payment_date": "2023-11-01"}',
    '{"id": "\\u4e2d", "tier": 1, "payment_date": "2023-11-01"}',
    '{"id": true, "tier": 1, "payment_date": "2023-11-01"}',
    '{"id": null, "tier": 1, "payment_date": "2023-11-01"}',
    '{"id": 12345678901, "tier": 1, "payment_date": "2023-11-01"}',
    '{"id": 7, "tier": 1, "payment_date": "2023-11-01"}',
    '{"id": "七", "tier": 1, "payment_date": "2023-11-01"}',
    '[1, 2]',
    '"a case"',
    '{}',
    '{"tier": NaN, "payment_date": "2023-11-01"}',
    "\ufeff" + '{"tier": 1, "payment_date": "2023-11-01"}',
    '{"tier": 1, "payment_date": "2023-11-01", "continuous": true, "lapsed_years": 2}',
    '{"tier": 1, "payment_date": "2023-11-01"' + " " * 5000 + "}",
]


def _shift(day: str, years: int) -> str:
    y, rest = int(day[:4]) + years, day[4:]
    return f"{y}{'-02-28' if rest == '-02-29' else rest}"


def roll_text(program, n, realistic, seed=3, odd=True, ids=None) -> bytes:
    """A roll in the notice's coverage year, ODD lines scattered through it (ids: drop or keep)."""
    years = program.coverage - 2024 if isinstance(program.coverage, int) else 0
    out = []
    for i, case in enumerate(gen.generate(n, seed, realistic)):
        for key in ("payment_date", "birth_date"):
            if key in case:
                case[key] = _shift(case[key], years)
        if ids == "some" and i % 3 == 0:
            case.pop("id", None)
        elif ids == "int":
            case["id"] = i - n // 2
        out.append(json.dumps(case, ensure_ascii=False))
        if odd and i % 23 == 5:
            out.append(ODD[(i // 23) % len(ODD)])
    if odd:
        out += ODD
    return ("\n".join(out) + "\n").encode("utf-8") + (b'{"tier": 1, "payment_date": "\xff"}\n' if odd else b"")


def both(program, data: bytes, wanted=None, batch=97, path="roll"):
    """(status, standard output, standard error) of the row path and of the columnar stream."""
    ev = Evaluator(program)
    got = []
    for columnar in (False, True):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(err):
            if columnar:
                old, lines.BATCH_LINES = lines.BATCH_LINES, batch
                try:
                    status = lines.columnar_stream(ev, io.BytesIO(data), out, wanted, path)
                finally:
                    lines.BATCH_LINES = old
            else:
                status = ev.stream(io.BytesIO(data), out, wanted, False, path)
        got.append((status, out.getvalue(), err.getvalue()))
    return got


@pytest.mark.parametrize("notice", NOTICES)
@pytest.mark.parametrize("realistic", [True, False])
def test_the_same_bytes_as_the_row_path(notice, realistic):
    program = PS.load(notice)
    rows, columnar = both(program, roll_text(program, 1500, realistic))
    if columnar[0] is None:
        pytest.skip(f"{notice}: the row path answers every line (a decision the kernel cannot make)")
    assert rows[0] == 2 and rows[1].count("\n") > 1500 and '"error"' in rows[1]
    assert columnar == rows


@pytest.mark.parametrize("ids", ["some", "int"])
def test_ids_given_on_some_lines_or_as_numbers(ids):
    program = PS.load("九龙坡医保发〔2023〕46号")
    rows, columnar = both(program, roll_text(program, 800, True, odd=False, ids=ids), batch=64)
    assert rows[0] == 0 and '{"id": ' in rows[1] and (ids == "int" or '\n{"payment_window"' in rows[1])
    assert columnar == rows


@pytest.mark.parametrize("notice", ["九龙坡医保发〔2023〕46号", "渝医保发〔2023〕24号"])
def test_decision_asked_for(notice):
    program = PS.load(notice)
    wanted = ["amount_due", "benefit_start"]
    rows, columnar = both(program, roll_text(program, 900, True), wanted)
    assert rows[0] in (2, 3) and "benefit_start" in rows[1] and "exit\": 2" in rows[1]
    assert columnar == rows
    clean = roll_text(program, 900, True, odd=False)
    rows, columnar = both(program, clean, wanted)
    assert rows[0] == 3 and columnar == rows  # undecidable lines: exit 3, their messages in place


def test_a_roll_of_one_batch_and_of_none():
    program = PS.load("九龙坡医保发〔2023〕46号")
    for data in (b"", b"\n", roll_text(program, 10, True, odd=False)):
        rows, columnar = both(program, data, batch=1 << 14)
        assert columnar == rows


def test_the_command_takes_the_columnar_route_for_a_large_roll(tmp_path, monkeypatch):
    """Through `yibao eval --cases`, past the size where the kernel takes over: the same bytes."""
    program = PS.load("九龙坡医保发〔2023〕46号")
    roll = tmp_path / "roll.jsonl"
    roll.write_bytes(roll_text(program, 3000, True))
    assert roll.stat().st_size > (1 << 18)
    taken = []
    real = lines.columnar_stream
    monkeypatch.setattr(lines, "columnar_stream", lambda *a: taken.append(1) or real(*a))
    from yibao.cli import main
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        status = main(["eval", "九龙坡医保发〔2023〕46号", "--cases", str(roll)])
    assert taken and status == 2
    rows, _ = both(program, roll.read_bytes(), path=str(roll))
    assert out.getvalue() == rows[1]


def test_no_pandas_is_loaded():
    """pyarrow's pa.array and pa.scalar import pandas where it is installed (half a second): the
    stream builds its arrays from buffers."""
    code = ("import io, sys; from pathlib import Path; from yibao.policies.directory import PolicySet; from yibao.run.evaluate import "
            "Evaluator; from yibao.run.roll.lines import columnar_stream; "
            f"p = PolicySet(Path({str(ROOT / 'policies')!r})).load('九龙坡医保发〔2023〕46号'); "
            "data = b'{\"id\": \"a\", \"tier\": 1, \"payment_date\": \"2023-11-01\", \"inpatient_reimbursement\": \"1.5\"}\\n' * 300; "
            "columnar_stream(Evaluator(p), io.BytesIO(data), io.StringIO(), None, 'roll'); "
            "print('pandas' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
