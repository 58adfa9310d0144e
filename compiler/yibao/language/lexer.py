"""A Pygments lexer for yibao policies, so ```yibao blocks are highlighted (mkdocs, Sphinx, pygmentize).

Registered through the `pygments.lexers` entry point in pyproject.toml, so
`pygments.lexers.get_lexer_by_name("yibao")` finds it once the package is installed.
Standard library and Pygments only: it must not load the Lark grammar.
"""
from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import (Comment, Keyword, Literal, Name, Number, Operator, Punctuation, String,
                            Text, Whitespace)

__all__ = ["YibaoLexer"]

# Declarations and the words that structure them.
DECLARATIONS = ("notice", "library", "use", "enum", "fact", "let", "decision", "parameter", "table",
                "data", "extend", "override", "rule", "domain", "invariant", "constraint")
HEADER = ("title", "issuers", "issued", "printed", "coverage", "jurisdiction", "implements", "external",
          "none", "number", "status", "draft", "superseded", "force", "advanced", "years")
STRUCTURE = ("when", "then", "otherwise", "overrides", "if", "else", "hit", "best", "first", "unique",
             "total", "by", "year", "of", "note", "derived", "in", "overlaps", "is", "given", "and", "or",
             "not", "set", "day", "after", "month", "start", "end", "for", "excludes", "because", "holds",
             "undecided", "with", "round", "to", "half", "up", "down")
CONSTANTS = ("true", "false", "unknown", "at", "least", "most", "between")
TYPES = ("money", "int", "count", "rate", "date", "days", "months", "bool", "text")
BUILTINS = ("coverage_year", "issue_date", "print_date", "max", "min")

_NAME_END = r"(?![\w])"
UNIT = r"(?:元|yuan|%|days|日|天|months|个月)(?!\w)"


class YibaoLexer(RegexLexer):
    """yibao policy language (Chongqing resident medical-insurance notices)."""

    name = "yibao"
    aliases = ["yibao", "policy"]
    filenames = ["*.policy"]
    mimetypes = ["text/x-yibao"]

    tokens = {
        "root": [
            (r"\s+", Whitespace),
            (r"#[^\n]*", Comment.Single),
            # 渝医保发〔2023〕24号: a document number
            (r"[^\W\d_]+〔\d{4}〕\d+号", Name.Namespace),
            # §三（一）: a clause citation, up to white space or a quote
            (r'§[^\s"]+', Name.Label),
            (r'"(\\.|[^"\\\n])*"', String.Double),
            (r"\d{4}-\d{2}-\d{2}(?!\d)", Literal.Date),
            (r"(\d+(?:\.\d+)?)(\s*)(" + UNIT + ")", bygroups(Number, Whitespace, Keyword.Type)),
            (r"\d+(?:\.\d+)?", Number),
            (r"\.\.|=>|!=|<=|>=|[<>=+\-*]", Operator),
            (r"[{}()\[\],:.]", Punctuation),
            (words(DECLARATIONS, suffix=_NAME_END), Keyword.Declaration),
            (words(HEADER, suffix=_NAME_END), Keyword),
            (words(CONSTANTS, suffix=_NAME_END), Keyword.Constant),
            (words(TYPES, suffix=_NAME_END), Keyword.Type),
            (words(STRUCTURE, suffix=_NAME_END), Keyword),
            (words(BUILTINS, suffix=_NAME_END), Name.Builtin),
            (r"[^\W\d]\w*", Name),
            (r".", Text),  # never an Error token: the checker, not the highlighter, reports mistakes
        ],
    }

