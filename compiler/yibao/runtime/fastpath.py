"""The fast path of a roll: the ordinary lines a roll is made of, read and written without the
general machinery, with answers and text byte for byte those of the general path.

Standard library only: `yibao compile` copies this file into every standalone calculator after
runtime.py and strict_json.py. Anything unusual (a bad value, a float, a duplicate key, an escape)
makes a fast function give up (None, or an exception its caller catches), and the general path
(strict_json.loads, runtime.decode_case) then reads the line, so errors stay its own.
"""
from __future__ import annotations

import datetime as _dt
import json as _json

from .core import _ABSENT, MAX_INT, Undecidable, _date_in, _money_in, decode_case, money_out, output_value

_M = object()  # no value; a generated module sets its own _M below this file, which _ask then returns

_SCAN = _json.JSONDecoder().scan_once  # C scanner; no hooks: the checks below stand in for them
_FAST_CHARS = 4096  # a longer line goes to the general path (its own length and depth limits)


def _fast_json(text: str):
    """A JSONL line → the object it holds, or None where the general path must read it. What strict
    JSON forbids cannot pass: floats, NaN and big numbers fail the decoders after this; a duplicate key
    shows as more colons than keys; escapes (the only way to an unpaired surrogate) are not taken."""
    if len(text) > _FAST_CHARS or "\\" in text:
        return None
    try:
        obj, end = _SCAN(text, 0)
        if end != len(text) and not text[end:].isspace():
            return None
    except Exception:  # noqa: BLE001 — any reason at all: the general path says which
        return None
    if obj.__class__ is not dict or text.count(":") != len(obj):
        return None
    return obj


# The caches of results below are bounded: one that is full is emptied, so memory stays flat and a roll
# sorted by date (say) still hits. A result text is kept once (_TEXTS) for every key that has it: on
# bench/cases.py's 50k lines, 17k distinct cases have 3.7k distinct results.
_KEPT_MAX = 16384  # line texts kept (a key of ≈100 characters each), and result texts
_FACTS_MAX = 32768  # fact tuples kept (the decisions' text by the facts they read: a small tuple each)
_TEXTS: dict = {}
_ID_HEAD = '{"id": '


def _keep(cache: dict, key, text: str, most: int = _KEPT_MAX) -> str:
    """Keep `text` under `key` (in a cache of at most `most` keys), one copy of it for every key."""
    text = _TEXTS.setdefault(text, text)
    if len(_TEXTS) >= _KEPT_MAX:
        _TEXTS.clear()
    if len(cache) >= most:
        cache.clear()
    cache[key] = text
    return text


def _line_cache(line_case, decisions_json):
    """_line_json(text): a JSONL line → its result line (the general path's text) where the line is an
    ordinary one, else None. A result is a pure function of the line's facts, and a roll repeats
    lines: results are kept by the line's text, less a leading `id` (put back in front)."""
    whole, rests = {}, {}  # line → result line; the text after a leading id → the decisions' text
    gate = _Gate()

    def line_json(text):
        gate.tick()
        if text.startswith(_ID_HEAD) and "\\" not in text:
            try:
                ident, end = _SCAN(text, 7)
            except Exception:  # noqa: BLE001 — not JSON there: the line's own path says
                ident = None
            if ident.__class__ is str or (ident.__class__ is int and -MAX_INT <= ident <= MAX_INT):
                rest = text[end:]
                s = rests.get(rest)
                if s is None:
                    c = line_case(text)
                    if c is None:
                        return None
                    s = decisions_json(c)
                    if gate.missed():
                        s = _keep(rests, rest, s)
                # no escape in the line: json.dumps writes a string id back as it stands
                return _ID_HEAD + ('"' + ident + '"' if ident.__class__ is str else str(ident)) + s + "}"
        out = whole.get(text)
        if out is None:
            c = line_case(text)
            if c is None:
                return None
            out = _wrap_json(c, decisions_json(c))
            if gate.missed():
                out = _keep(whole, text, out)
        return out
    return line_json


class _Gate:
    """Whether a line cache keeps what it missed: a roll of people (an id, a birth date and an amount
    apiece) never repeats a line, and a cache that never hits only costs. Counted over windows of
    lines: after a window with fewer than 1 in 20 found, nothing is kept for 15 windows, then one
    window keeps again to see whether the roll has started to repeat."""
    __slots__ = ("seen", "missed_n", "resting")
    WINDOW = 4096

    def __init__(self):
        self.seen, self.missed_n, self.resting = 0, 0, 0

    def missed(self) -> bool:
        """A line not found: whether to keep its result. (Lines found are counted as seen - missed.)"""
        self.missed_n += 1
        return self.resting == 0

    def tick(self):
        self.seen += 1
        if self.seen < self.WINDOW:
            return
        if self.resting:
            self.resting -= 1
        elif (self.seen - self.missed_n) * 20 < self.seen:
            self.resting = 15
        self.seen = self.missed_n = 0


def _wrap_json(c, s: str) -> str:
    """The result line: the case's `id` first (interface.md), then the decisions' members `s`."""
    if "id" in c:
        return _ID_HEAD + _json.dumps(c["id"], ensure_ascii=False) + s + "}"
    return "{" + s[2:] + "}"


def _fast_decoder(spec: dict, strict: bool = False):
    """decode_case(raw, spec) made fast for the cases a roll repeats: one lookup per field and caches
    for dates and identity lists. Anything unusual goes to decode_case itself (strict: raises, for the
    line path, whose caller falls back to the general path), so its errors and results are the same."""
    defaults = {name: default for name, (_, _, default) in spec.items() if default is not _ABSENT}
    decoders = {}
    for name, (kind, aliases, _) in spec.items():
        if kind == "enum":
            decoders[name] = _enum_decoder(aliases)
        elif kind == "set":
            decoders[name] = _set_decoder(aliases)
        elif kind == "date":
            decoders[name] = _date_decoder(name)
        elif kind == "money":
            decoders[name] = _money_decoder(name)
        else:
            decoders[name] = {"bool": _bool_in, "int": _int_in, "count": _count_in}[kind]
    if "id" not in spec:  # interface.md: `id` is not a fact; passed through to the result
        decoders["id"] = _id_in

    def decode(raw):
        try:
            c = defaults.copy()
            for field, value in raw.items():
                c[field] = decoders[field](value)
            return c
        except Exception:
            if strict:
                raise
            return decode_case(raw, spec)
    return decode


def _enum_decoder(aliases):
    def decode_enum(value):
        if value.__class__ is str or value.__class__ is int:
            return aliases[value]
        raise TypeError(value)
    return decode_enum


def _set_decoder(aliases):
    seen = {}

    def decode_set(value):
        if value.__class__ is not list:
            raise TypeError(value)
        for item in value:
            if not (item.__class__ is str or item.__class__ is int):
                raise TypeError(item)
        key = tuple(value)
        codes = seen.get(key)
        if codes is None:
            codes = frozenset([aliases[item] for item in value])
            if len(seen) < 4096:
                seen[key] = codes
        return codes
    return decode_set


def _date_decoder(field):
    seen = {}

    def decode_date(value):
        if value.__class__ is not str:
            raise TypeError(value)
        day = seen.get(value)
        if day is None:
            day = _date_in(field, value)
            if len(seen) < 65536:
                seen[value] = day
        return day
    return decode_date


def _money_decoder(field):
    def decode_money(value):  # a float or a Decimal (maybe a long number) goes the general way
        if value.__class__ is int or value.__class__ is str:
            return _money_in(field, value)
        raise TypeError(value)
    return decode_money


def _bool_in(value):
    if value.__class__ is bool:
        return value
    raise TypeError(value)


def _int_in(value):
    if value.__class__ is int and -MAX_INT <= value <= MAX_INT:
        return value
    raise TypeError(value)


def _count_in(value):
    if value.__class__ is int and 0 <= value <= MAX_INT:
        return value
    raise TypeError(value)


def _id_in(value):
    if value.__class__ is str or (value.__class__ is int and -MAX_INT <= value <= MAX_INT):
        return value
    raise TypeError(value)


# ---- results out: the JSON text of a value, as json.dumps(output_value(kind, v)) writes it -----------
_MONEY_JSON: dict = {}
_DATE_JSON: dict = {}
_OTHER_JSON: dict = {}
_ENUM_JSON: dict = {}  # an enumeration's code (a str) → its JSON text


def _money_json(fen: int) -> str:
    text = _MONEY_JSON.get(fen)
    if text is None:
        text = '"' + money_out(fen) + '"'
        if len(_MONEY_JSON) < 65536:
            _MONEY_JSON[fen] = text
    return text


def _date_json(day: _dt.date) -> str:
    text = _DATE_JSON.get(day)
    if text is None:
        text = '"' + day.isoformat() + '"'
        if len(_DATE_JSON) < 65536:
            _DATE_JSON[day] = text
    return text


def _value_json(kind: str, value) -> str:
    """Any other kind (an enum code, a bool, a count, a set): cached where the value can be a key."""
    try:
        key = (kind, value.__class__, value)
        text = _OTHER_JSON.get(key)
    except TypeError:  # unhashable
        return _json.dumps(output_value(kind, value), ensure_ascii=False)
    if text is None:
        text = _json.dumps(output_value(kind, value), ensure_ascii=False)
        if len(_OTHER_JSON) < 4096:
            _OTHER_JSON[key] = text
            if kind == "enum" and value.__class__ is str:
                _ENUM_JSON[value] = text
    return text


def _ask(fn, c):
    """A decision by its own function (the general path): its value, or _M where undecidable."""
    try:
        return fn(c)
    except (Undecidable, KeyError):
        return _M
