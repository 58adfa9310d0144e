"""The common slips of typing a policy, told apart from other syntax errors.

A slip is told by what the parser would accept at the error and the text either side of it, not by
Lark's `match_examples`: in an LALR parser an example matches only at the same stack depth, so a
misspelt unit inside a rule with a label, a guard or `overrides` would each need its own example.
Characters the lexer cannot take (Chinese punctuation, an unclosed quote) are told by themselves.
"""
from __future__ import annotations

import re

UNITS = "元, yuan, %, days, 日, 天, months or 个月"

# how a clause is numbered: 一, 三（二）, 2, 附件
_CLAUSE_LIKE = re.compile(r"[一二三四五六七八九十百（）()\d.附件]+")

# Chinese (full-width) punctuation → the ASCII the language uses
_ASCII = {"，": ",", "（": "(", "）": ")", "：": ":", "＝": "=", "｛": "{", "｝": "}", "【": "[", "】": "]",
          "［": "[", "］": "]", "；": "a new line", "、": ",", "。": "a new line", "＋": "+", "－": "-",
          "＊": "*", "＜": "<", "＞": ">", "．": "."}
_CURLY_CLAUSE = re.compile(r"§[^\s\"]*[“”]")


def token_slip(text: str, pos: int, token: str, kind: str, expected: set[str]) -> tuple[str, str, str, int] | None:
    """(message, label, hint, offset of the caret) for a known slip at an unexpected token (`kind` its
    terminal) at offset `pos`, else None. What the parser would accept tells the slip, with the text
    either side."""
    if kind == "NAME" and "NAME" not in expected:  # a word where no name can be
        quoted = text[pos + len(token):].lstrip(" \t").startswith('"')
        if quoted and _CLAUSE_LIKE.fullmatch(token):
            return (f"a citation without `§`: `{token}`", "is this the clause?",
                    f"a citation is §clause \"quote\": write `§{token}`", pos)
        if re.search(r"\d[ \t]*$", text[:pos]):
            return (f"`{token}` is not a unit", "a unit, or the end of the value, was expected here",
                    f"the units are {UNITS}", pos)
    if kind == "STRING" and "CLAUSE" in expected:
        word = re.search(r"(\S+)[ \t]*$", text[:pos])
        if word and _CLAUSE_LIKE.fullmatch(word.group(1)):
            return ("a citation without `§`", "is this the clause?",
                    f"a citation is §clause \"quote\": write `§{word.group(1)}`", word.start(1))
        return ("a quote without its clause", "a citation starts with § and the clause",
                "a citation is §clause \"quote\", e.g. §三（一） \"quote\"", pos)
    return None


def char_slip(text: str, pos: int) -> tuple[str, str] | None:
    """(label, hint) for a character the lexer cannot take at offset `pos`, else None."""
    char = text[pos] if pos < len(text) else ""
    clause = re.search(r"(?:^|\s)(\S*)$", text[:pos])
    if char in "（）" and clause and clause.group(1)[:1] != "§" and _CLAUSE_LIKE.fullmatch(clause.group(1) + char):
        # 三（一） without § before it: a clause, not a bracket
        return "a clause without `§`?", f"a citation is §clause \"quote\": write `§{clause.group(1)}{char}…`"
    if char in _ASCII:
        return f"a Chinese `{char}`", f"write `{_ASCII[char]}` here: outside quotes the language uses ASCII punctuation"
    if char in "“”":
        return "a curly quote", "strings use straight double quotes \"…\""
    if char == '"':
        line_end = text.find("\n", pos)
        rest = text[pos + 1: line_end if line_end >= 0 else len(text)]
        if '"' not in rest.replace('\\"', ""):
            return "this quote is not closed", "close the quote with `\"` on the same line"
        return "not valid here", "a citation is §clause \"quote\", with no space after §"
    if char == "§":
        return "not valid here", "a citation is §clause \"quote\", with no space after §"
    return None


def end_slip(text: str) -> tuple[int, str] | None:
    """(offset, hint) of a slip earlier on that makes the file end too early: a clause swallowing a
    curly quote (`§一“…”`), which leaves the declaration without its quote."""
    m = _CURLY_CLAUSE.search(text)
    if m:
        return m.start(), f"a curly quote after a clause (`{m.group(0)}`) is read as part of it: use straight quotes \"…\""
    return None
