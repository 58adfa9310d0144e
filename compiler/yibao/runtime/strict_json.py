"""Strict JSON for cases: what a hostile line cannot use to crash a reader or change an answer.

Standard library only: `yibao compile` copies this file into every standalone calculator, next to
runtime.py, so the calculator reads its input exactly as `yibao eval` does.

Numbers are parsed as Decimal (a float would round 86170907570494.24 before the money rule sees it);
NaN, Infinity, duplicate keys, unpaired surrogates, numbers of more than MAX_NUMBER_CHARS characters,
nesting deeper than MAX_DEPTH and texts longer than MAX_TEXT_CHARS are errors; a UTF-8 byte order mark
is skipped.
"""
from __future__ import annotations

import json as _json
from decimal import Decimal as _Decimal

MAX_TEXT_CHARS = 1_000_000  # one case (a line of a roll, or a --case file)
MAX_DEPTH = 32  # a case is an object of scalars and lists of codes: depth 2
MAX_NUMBER_CHARS = 40


class JSONError(ValueError):
    """Text that is not one strict JSON value; `str()` is one line. line/column: where, if known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column

    def __str__(self):
        return self.message + (f" (column {self.column})" if self.column else "")


def _no_constant(name):
    raise JSONError(f"{name} is not a number JSON allows")


def _number(text):
    if len(text) > MAX_NUMBER_CHARS:
        raise JSONError(f"a number of {len(text)} characters (at most {MAX_NUMBER_CHARS})")
    return _Decimal(text)


def _integer(text):
    if len(text) > MAX_NUMBER_CHARS:
        raise JSONError(f"a number of {len(text)} characters (at most {MAX_NUMBER_CHARS})")
    return int(text)


def _object(pairs):
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise JSONError(f"the key {_show(key)} appears twice")
            seen.add(key)
    return obj


_DECODER = _json.JSONDecoder(object_pairs_hook=_object, parse_float=_number, parse_int=_integer,
                             parse_constant=_no_constant)


def loads(text: str):
    """One JSON value from `text`, strictly (JSONError otherwise)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if len(text) > MAX_TEXT_CHARS:
        raise JSONError(f"{len(text)} characters, more than the {MAX_TEXT_CHARS} a case may have")
    # json's C scanner recurses per level: bound the depth before it runs (cheap when it cannot be deep)
    if text.count("[") + text.count("{") > MAX_DEPTH:
        _check_depth(text)
    try:
        value = _DECODER.decode(text)
    except JSONError:
        raise
    except _json.JSONDecodeError as exc:
        raise JSONError(exc.msg, exc.lineno, exc.colno) from None
    except (ValueError, ArithmeticError):  # a number Decimal cannot hold (an exponent past 10^18)
        raise JSONError("a number out of range") from None
    except RecursionError:  # a safety net under the depth bound
        raise JSONError(f"nested more than {MAX_DEPTH} deep") from None
    if "\\u" in text or "\\U" in text:  # only an escape can make an unpaired surrogate
        _check_text(value)
    return value


def _check_depth(text: str):
    depth, in_string, escaped = 0, False, False
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise JSONError(f"nested more than {MAX_DEPTH} deep", text.count("\n", 0, i) + 1,
                                i - text.rfind("\n", 0, i))
        elif ch in "]}":
            depth -= 1


def _check_text(value):
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                raise JSONError(f"the string {_show(v)} holds an unpaired surrogate (\\ud800–\\udfff)") from None
        elif isinstance(v, dict):
            stack.extend(v)
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)


def _show(value, limit: int = 60) -> str:
    """A value for a one-line message: repr (a Decimal as its digits), what cannot be printed escaped,
    cut short. The same as core._show, word for word: in a generated calculator, which holds both
    files in one namespace, this definition is the one that stands."""
    text = repr(value) if not isinstance(value, _Decimal) else str(value)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def lines(binary):
    """(line number, text) per line of a binary stream, each line bounded; a line that is too long or
    not UTF-8 comes as (number, JSONError) and the lines after it are still read."""
    number = 0
    while True:
        chunk = binary.readline(MAX_TEXT_CHARS + 1)
        if not chunk:
            return
        number += 1
        if len(chunk) > MAX_TEXT_CHARS and not chunk.endswith(b"\n"):
            while chunk and not chunk.endswith(b"\n"):  # skip the rest of the line, unread
                chunk = binary.readline(1 << 16)
            yield number, JSONError(f"a line of more than {MAX_TEXT_CHARS} bytes")
            continue
        try:
            yield number, chunk.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield number, JSONError(f"not UTF-8 text (byte {exc.start + 1} of the line)")


def blocks(binary, number: int = 0, size: int = 1 << 16):
    """The items of lines() (numbered on from `number`), a list per read of the stream. Each read takes
    what has arrived (read1), so a caller answering line by line is never kept waiting for a block."""
    read = getattr(binary, "read1", None) or binary.read
    tail, skipping = b"", False
    while True:
        chunk = read(size)
        if not chunk:
            break
        if skipping:  # the rest of a line too long to read, unread
            cut = chunk.find(b"\n") + 1
            if not cut:
                continue
            chunk, skipping = chunk[cut:], False
        data = tail + chunk if tail else chunk
        cut = data.rfind(b"\n") + 1
        tail, block = data[cut:], []
        if cut:
            number = _split(data[:cut], number, block)
        if len(tail) > MAX_TEXT_CHARS:
            number += 1
            block.append((number, JSONError(f"a line of more than {MAX_TEXT_CHARS} bytes")))
            tail, skipping = b"", True
        if block:
            yield block
    if tail:  # the last line, without a line end
        block = []
        _split(tail, number, block)
        yield block


def _split(data: bytes, number: int, block: list) -> int:
    """Append the lines of `data` (whole lines, the last maybe without its end) as lines() reads them."""
    if len(data) <= MAX_TEXT_CHARS + 1:  # no line in it can be too long: decode it at once
        try:
            parts = data.decode("utf-8").split("\n")
        except UnicodeDecodeError:
            parts = None
        if parts is not None:
            last = parts.pop()
            block.extend([(number + i, part + "\n") for i, part in enumerate(parts, 1)])
            number += len(parts)
            if last:
                number += 1
                block.append((number, last))
            return number
    pieces = data.split(b"\n")
    last = pieces.pop()
    for raw in [piece + b"\n" for piece in pieces] + ([last] if last else []):
        number += 1
        if len(raw) - raw.endswith(b"\n") > MAX_TEXT_CHARS:
            block.append((number, JSONError(f"a line of more than {MAX_TEXT_CHARS} bytes")))
            continue
        try:
            block.append((number, raw.decode("utf-8")))
        except UnicodeDecodeError as exc:
            block.append((number, JSONError(f"not UTF-8 text (byte {exc.start + 1} of the line)")))
    return number


def read(binary):
    """One JSON value from a whole binary stream (a --case file), bounded and strict."""
    data = binary.read(MAX_TEXT_CHARS + 1)
    if len(data) > MAX_TEXT_CHARS:
        raise JSONError(f"more than the {MAX_TEXT_CHARS} bytes a case may have")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JSONError(f"not UTF-8 text (byte {exc.start + 1})") from None
    return loads(text)
