"""The Pygments lexer: every policy lexes without Error tokens, and the language's words are keywords."""
from __future__ import annotations

from pathlib import Path

import pytest
from pygments.token import Comment, Error, Keyword, Literal, Name, Number, String

from conftest import POLICIES, ROOT
from yibao.language.lexer import YibaoLexer

POLICY_FILES = sorted(POLICIES.rglob("*.policy"))


def tokens(text: str):
    return [(t, v) for t, v in YibaoLexer().get_tokens(text) if v.strip()]


@pytest.mark.parametrize("path", POLICY_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_error_tokens_in_a_policy(path: Path):
    errors = [v for t, v in YibaoLexer().get_tokens(path.read_text(encoding="utf-8")) if t in Error]
    assert not errors


def test_the_lexer_round_trips_the_text():
    text = POLICY_FILES[0].read_text(encoding="utf-8")
    assert "".join(v for _, v in YibaoLexer().get_tokens(text)) == text


def test_every_keyword_of_the_grammar_is_a_keyword():
    from yibao.language.parse import keywords
    for word in sorted(keywords()):
        (t, v), = tokens(word)
        assert t in Keyword, f"{word} lexes as {t}"


def test_the_pieces_of_a_rule():
    src = ('decision amount : money = 90% of 380 元 printed 342 元 '
           '§三（一） of 渝医保发〔2023〕24号 "按90%资助" # comment\n'
           'let d = day after 2024-02-29 + 90 days + 3 个月')
    toks = tokens(src)
    kinds = {v: t for t, v in toks}
    assert kinds["decision"] in Keyword and kinds["printed"] in Keyword and kinds["of"] in Keyword
    assert kinds["money"] in Keyword.Type
    assert kinds["90"] in Number and kinds["%"] in Keyword.Type and kinds["元"] in Keyword.Type
    assert kinds["§三（一）"] in Name.Label
    assert kinds["渝医保发〔2023〕24号"] in Name.Namespace
    assert kinds['"按90%资助"'] in String
    assert kinds["# comment"] in Comment
    assert kinds["2024-02-29"] in Literal.Date
    assert kinds["个月"] in Keyword.Type and kinds["days"] in Keyword.Type
    assert kinds["amount"] in Name and kinds["d"] in Name


def test_chinese_names_are_names_not_keywords():
    toks = tokens("let 集中缴费开始 = 2023-10-12\nlet notice_date = 1")
    assert (Name, "集中缴费开始") in toks and (Name, "notice_date") in toks


def test_registered_with_pygments():
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
    assert isinstance(get_lexer_by_name("yibao"), YibaoLexer)
    assert isinstance(get_lexer_by_name("policy"), YibaoLexer)
    assert isinstance(get_lexer_for_filename("chongqing-2024.policy"), YibaoLexer)
