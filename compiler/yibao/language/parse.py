"""Source text → Lark tree, with Lark's errors turned into diagnostics."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from . import slips
from ..base.cache import private_cache_dir
from ..base.diagnostics import Diagnostic, PolicyError
from ..base.source import SourceFile, Span, UnreadableSource

# Token names as a person would say them.
_TOKEN_WORDS = {
    "NAME": "a name", "STRING": "a quoted string", "NUMBER": "a number", "DATE": "a date (YYYY-MM-DD)",
    "DOCNUM": "a document number like 渝医保发〔2023〕24号", "CLAUSE": "a citation (§clause \"quote\")",
    "UNIT": "a unit (元, %, days, months)", "LBRACE": "`{`", "RBRACE": "`}`", "LPAR": "`(`", "RPAR": "`)`",
    "EQUAL": "`=`", "COMMA": "`,`", "COLON": "`:`", "$END": "the end of the file",
}


@lru_cache(maxsize=1)
def parser() -> Lark:
    text = resources.files("yibao.language").joinpath("yibao.lark").read_text(encoding="utf-8")
    # Building the LALR tables is most of `yibao eval`'s start-up (≈170 ms of ≈280), so they are
    # cached; but Lark's cache is a pickle, and loading one runs code: only from a directory that
    # no one else can write (never the shared temp directory, where anyone can plant a file).
    cache = private_cache_dir()
    return Lark(text, parser="lalr", propagate_positions=True, maybe_placeholders=True,
                cache=str(cache / "grammar.lark-cache") if cache else False)


def keywords() -> frozenset[str]:
    """Every keyword of the language (for highlighting and for the docs)."""
    return frozenset(t.pattern.value for t in parser().terminals
                     if t.pattern.type == "str" and t.pattern.value.isidentifier())


def read_source(path) -> SourceFile:
    """A policy file's text, or PolicyError E109 naming the file (and the line of a bad byte)."""
    try:
        return SourceFile.read(path)
    except UnreadableSource as exc:
        raise PolicyError([unreadable(exc)]) from None


def unreadable(exc: UnreadableSource) -> Diagnostic:
    return Diagnostic("E109", exc.message, Span(exc.file, exc.line, exc.column, exc.line, exc.column + 1),
                      "cannot be read here", hint="save it as UTF-8 text" if "UTF-8" in exc.message else "")


def parse_tree(file: SourceFile) -> Tree:
    try:
        return parser().parse(file.text)
    except UnexpectedInput as exc:
        raise PolicyError([_syntax_diagnostic(file, exc)]) from None


def _syntax_diagnostic(file: SourceFile, exc: UnexpectedInput) -> Diagnostic:
    line, column = max(exc.line, 1), max(exc.column, 1)
    if isinstance(exc, UnexpectedCharacters):
        char = file.text[exc.pos_in_stream] if exc.pos_in_stream < len(file.text) else ""
        label, hint = slips.char_slip(file.text, exc.pos_in_stream) or ("not valid here", "")
        return Diagnostic("E101", f"unexpected character {char!r}", Span(file, line, column, line, column + 1),
                          label, hint=hint)
    if isinstance(exc, UnexpectedEOF) or getattr(getattr(exc, "token", None), "type", None) == "$END":
        early = slips.end_slip(file.text)
        if early:
            offset, hint = early
            line = file.text.count("\n", 0, offset) + 1
            column = offset - (file.text.rfind("\n", 0, offset) + 1) + 1
            return Diagnostic("E102", "the file ends too early", Span(file, line, column, line, column + 1),
                              "the declaration's quote is lost here", hint=hint)
        lines = file.text.splitlines()
        last = max((i for i, l in enumerate(lines, 1) if l.strip()), default=1)
        end = len(lines[last - 1]) + 1 if lines else 1
        return Diagnostic("E102", "the file ends too early", Span(file, last, end, last, end + 1),
                          "a block or declaration is not finished here", hint="is a `}` missing?")
    assert isinstance(exc, UnexpectedToken)
    tok: Token = exc.token
    width = max(len(str(tok)), 1)
    span = Span(file, line, column, line, column + width)
    slip = slips.token_slip(file.text, tok.start_pos, str(tok), tok.type, set(exc.expected))
    if slip:
        message, label, hint, at = slip
        if at != tok.start_pos:  # the caret under the word that needs the fix
            word = file.text[at:].split(None, 1)[0]
            column = at - (file.text.rfind("\n", 0, at) + 1) + 1
            span = Span(file, line, column, line, column + len(word))
        return Diagnostic("E103", message, span, label, hint=hint)
    expected = sorted({_TOKEN_WORDS.get(e, f"`{_literal(e)}`") for e in exc.expected})
    hint = ""
    if tok.type == "NUMBER" and "UNIT" in exc.expected:
        hint = "write money as `380 元`, a rate as `90%`"
    return Diagnostic("E103", f"unexpected `{tok}`", span,
                      "expected " + _join(expected[:6]) + (" …" if len(expected) > 6 else ""), hint=hint)


def _literal(terminal: str) -> str:
    for t in parser().terminals:
        if t.name == terminal and t.pattern.type == "str":
            return t.pattern.value
    return terminal.lower()


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
