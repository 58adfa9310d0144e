"""The row path's reading and keeping: strict_json.blocks reads what strict_json.lines reads, however
the stream arrives; the generated `_line_json` (results kept by line text and by the facts the
decisions read) writes what the general path writes, on a first sight and on a hit, whatever the id;
and a program talking line by line gets each answer before it sends the next line.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import evaluator
from test_fused_path import general, odd_lines
from test_properties import NOTICES, cases
from yibao.runtime import strict_json

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NOTICE = "九龙坡医保发〔2023〕46号"


class Trickle(io.BytesIO):
    """A stream whose reads bring a few bytes at a time, as a pipe may."""

    def __init__(self, data: bytes, sizes):
        super().__init__(data)
        self.sizes = sizes

    def read1(self, size=-1):
        return super().read1(next(self.sizes, size))


def _items(seq):
    return [(n, t if isinstance(t, str) else ("error", str(t))) for n, t in seq]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.one_of(st.binary(max_size=30), st.text(max_size=12).map(str.encode),
                                 st.sampled_from([b"\r", b"\xff", "中".encode()[:2], b"x" * 70])), max_size=12),
       sizes=st.lists(st.integers(1, 90), max_size=40), end=st.booleans())
def test_blocks_read_what_lines_reads(pieces, sizes, end, monkeypatch):
    monkeypatch.setattr(strict_json, "MAX_TEXT_CHARS", 50)  # small, so that too-long lines come often
    # (the same value for every example: the fixture's undoing after the last one is all it needs)
    data = b"\n".join(pieces) + (b"\n" if end else b"")
    want = _items(strict_json.lines(io.BytesIO(data)))
    got = [item for block in strict_json.blocks(Trickle(data, iter(sizes))) for item in block]
    assert _items(got) == want


@pytest.mark.parametrize("notice", NOTICES)
@SETTINGS
@given(data=st.data())
def test_kept_line_is_the_general_line(notice, data):
    """Asked twice (the second time from what was kept), with and without an id in front."""
    kind, text = data.draw(odd_lines(notice))
    module = evaluator(notice).module
    ident = data.draw(st.one_of(st.none(), st.integers(-10**12, 10**12), st.text("ab:, 中-", max_size=6)))
    if ident is not None and text.startswith("{") and '"id"' not in text:
        text = '{"id": ' + json.dumps(ident, ensure_ascii=False) + (", " if text[1:].strip() != "}" else "") + text[1:]
    want = general(notice, text)
    for _ in range(2):
        got = module._line_json(text)
        assert got is None or got == want, text
    assert kind != "plain" or got is not None or want is None or "\\" in text or text.count(":") > len(json.loads(text)), text


@pytest.mark.parametrize("notice", NOTICES)
@SETTINGS
@given(data=st.data())
def test_a_hit_takes_the_new_id(notice, data):
    raw = data.draw(cases(notice))
    module = evaluator(notice).module
    base = {k: v for k, v in raw.items() if k != "id"}
    first = module._line_json(json.dumps({"id": 1, **base}, ensure_ascii=False) + "\n")
    other = {"id": data.draw(st.one_of(st.integers(-10**9, 10**9), st.text("xyz中 ", max_size=5))), **base}
    text = json.dumps(other, ensure_ascii=False) + "\n"
    assert first is not None and module._line_json(text) == general(notice, text)


def test_same_facts_in_other_words_share_a_result():
    """Two lines that differ in text (key order, a label for a code) but not in facts: the second is
    answered from the facts' entry, and is what the general path writes."""
    module = evaluator(NOTICE).module
    a = '{"tier": 2, "identities": ["dibao"], "payment_date": "2024-03-05"}\n'
    b = '{"payment_date": "2024-03-05", "identities": ["低保对象"], "tier": 2, "continuous": true}\n'
    module._KEPT.clear()
    assert module._line_json(a) == general(NOTICE, a)
    assert len(module._KEPT) == 1
    assert module._line_json(b) == general(NOTICE, b)
    assert len(module._KEPT) == 1


def test_the_caches_stay_bounded(monkeypatch):
    module = evaluator(NOTICE).module
    monkeypatch.setitem(module.__dict__, "_KEPT_MAX", 8)
    monkeypatch.setitem(module.__dict__, "_FACTS_MAX", 8)
    for day in range(1, 29):
        text = f'{{"tier": 1, "payment_date": "2024-02-{day:02d}"}}\n'
        assert module._line_json(text) == general(NOTICE, text)
        assert len(module._KEPT) <= 8 and len(module._TEXTS) <= 8


@pytest.mark.parametrize("how", ["calculator", "yibao eval"])
def test_a_caller_talking_line_by_line_gets_each_answer_at_once(how, tmp_path):
    """Unbuffered (PYTHONUNBUFFERED): each answer comes before the next line is sent."""
    if how == "calculator":
        calc = tmp_path / "calc.py"
        subprocess.run([sys.executable, "-m", "yibao.cli", "compile", NOTICE, "-o", str(calc)], check=True,
                       capture_output=True)
        argv = [sys.executable, "-I", "-u", str(calc)]
    else:
        argv = [sys.executable, "-m", "yibao.cli", "eval", NOTICE, "--cases", "-"]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    try:
        for i, date in enumerate(["2023-11-01", "2024-01-15", "2023-11-01"]):
            line = json.dumps({"id": i, "tier": 1, "payment_date": date}) + "\n"
            proc.stdin.write(line.encode())
            proc.stdin.flush()
            answer = json.loads(proc.stdout.readline())  # blocks (the test hangs) if the answer waits
            assert answer["id"] == i and answer["contribution"] == "380.00"
    finally:
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
