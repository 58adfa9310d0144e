"""The parser's LALR tables ship built in the package (language/_grammar_tables.py), so that a cold
`yibao eval` does not build them: they are this grammar's (else regenerate them: write_tables), and
the parser read from them parses every policy as one Lark builds afresh, positions and all."""
from __future__ import annotations

from pathlib import Path

from lark import Lark

from yibao.language import _grammar_tables as shipped
from yibao.language import parse

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_tables_are_this_grammars():
    assert shipped.KEY == parse.grammar_key(parse.grammar_text()), (
        "the grammar (or Lark's version) changed: python -c 'from yibao.language.parse import write_tables; write_tables()'")


def test_the_parser_comes_from_them_and_parses_as_a_fresh_one():
    parse.parser.cache_clear()
    p = parse.parser()
    assert p.source_path == "<deserialized>"  # read from the tables, not built
    fresh = Lark(parse.grammar_text(), **parse._OPTIONS)
    files = sorted((ROOT / "policies").rglob("*.policy"))
    assert len(files) > 5
    for f in files:
        text = f.read_text(encoding="utf-8")
        a, b = p.parse(text), fresh.parse(text)
        assert a == b, f
        where = [(t.meta.line, t.meta.column, t.meta.end_line, t.meta.end_column)
                 for t in a.iter_subtrees() if not t.meta.empty]
        assert where == [(t.meta.line, t.meta.column, t.meta.end_line, t.meta.end_column)
                         for t in b.iter_subtrees() if not t.meta.empty], f


def test_stale_tables_are_not_used(monkeypatch):
    parse.parser.cache_clear()
    monkeypatch.setattr(shipped, "KEY", "stale")
    monkeypatch.setenv("YIBAO_CACHE", "0")
    try:
        assert parse.parser().source_path != "<deserialized>"  # built, as before there were tables
    finally:
        parse.parser.cache_clear()
