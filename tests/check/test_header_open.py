"""Issue 10 · header facts a draft needs: a placeholder number, unknown issuers, a status."""
from __future__ import annotations

import pytest

from helpers import HEADER, check, codes
from yibao.base.diagnostics import PolicyError
from yibao.language.from_tree import parse_text
from yibao.language.printer import print_module
from yibao.backends.python.generate import generate

DRAFT = """notice 草案〔2024〕1号 {
  title "测试草案"
  number unknown "assigned when the notice is issued"
  status draft
  issuers unknown "the issuing bureaus are not decided yet"
  issued unknown
  coverage 2024
  jurisdiction "测试区"
  implements none
}
use 居民医保
"""


def test_a_draft_header_checks_and_says_what_is_open(tmp_path):
    program, diags = check(tmp_path, "", header=DRAFT)
    assert program is not None, [d.render() for d in diags]
    assert (program.status, program.number_unknown, program.issuers_unknown) == (
        "draft", "assigned when the notice is issued", "the issuing bureaus are not decided yet")
    assert "STATUS = 'draft'" in generate(program)


def test_issuers_are_still_required_unless_stated_unknown(tmp_path):
    _, diags = check(tmp_path, "", header=DRAFT.replace('  issuers unknown "the issuing bureaus are not decided yet"\n', ""))
    assert "E108" in codes(diags)


@pytest.mark.parametrize("status", ["draft", "in force", "superseded"])
def test_each_status_parses_and_round_trips(status):
    m = parse_text(HEADER.replace("  coverage 2024", f"  status {status}\n  coverage 2024"))
    assert m.header.status == status
    assert parse_text(print_module(m)) == m


def test_another_status_is_a_syntax_error():
    with pytest.raises(PolicyError):
        parse_text(HEADER.replace("  coverage 2024", "  status pending\n  coverage 2024"))


def test_the_draft_header_round_trips():
    m = parse_text(DRAFT)
    assert parse_text(print_module(m)) == m
