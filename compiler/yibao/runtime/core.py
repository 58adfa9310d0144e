"""What evaluated policies need at run time: exact money, the date idioms, case decoding, errors.

Standard library only: `yibao compile` copies this file into every standalone calculator, so the
interpreter, the in-process generated code and the shipped module share one definition of each idiom.
"""
from __future__ import annotations

import datetime as _dt
import re as _re
from decimal import Decimal as _Decimal
from fractions import Fraction  # rates that are not folded away (generated code builds them)

__all__ = [
    "Undecidable", "MissingFact", "UnknownValue", "NoRuleApplies", "OutsideDomain", "CaseError",
    "pct", "day_after", "plus_days", "plus_months", "first_of_next_month", "year_start", "year_end",
    "money_out", "decode_case", "output_value", "DateOutOfRange",
]


# ---- why a decision could not be made (exit code 3) -------------------------------
class Undecidable(Exception):
    """A decision cannot be made for this case."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class MissingFact(Undecidable):
    def __init__(self, fact: str):
        super().__init__(f"needs `{fact}`, which the case does not give")
        self.fact = fact


class UnknownValue(Undecidable):
    def __init__(self, what: str):
        super().__init__(f"needs {what}: unknown")
        self.what = what


class OutsideDomain(Undecidable):
    """The case lies where the notice does not speak (a domain's `because`, as written). The message
    is written when it is read: analyses that only ask whether a decision answers never pay for it."""

    def __init__(self, parts):
        Exception.__init__(self)
        self._parts, self._message = parts, parts if isinstance(parts, str) else None

    @property
    def message(self) -> str:
        if self._message is None:
            self._message = _write(self._parts)
        return self._message

    def __str__(self):
        return self.message


class NoRuleApplies(Undecidable):
    def __init__(self, name: str, where: str = ""):
        super().__init__(f"no rule of `{name}` applies to this case" + (f" ({where})" if where else ""))
        self.name = name


class DateOutOfRange(Undecidable):
    def __init__(self):
        super().__init__("needs a date outside 0001-01-01 … 9999-12-31, the days a date can name")


class CaseError(ValueError):
    """A case that does not fit the interface (exit code 2); names the field."""

    def __init__(self, field: str, message: str):
        shown = field if isinstance(field, str) and field.isprintable() and len(field) <= 60 else _show(field)
        super().__init__(f"field `{shown}`: {message}" if field != "" else message)
        self.field = field


# ---- exact money ----------------------------------------------------------------------
def pct(fen: int, num: int, den: int) -> int:
    """num/den of an amount in fen, rounded half up to the fen only where it is not whole."""
    v = fen * num
    if v >= 0:
        return (2 * v + den) // (2 * den)
    return -((-2 * v + den) // (2 * den))


def _pct_rate(rate: Fraction, fen: int) -> int:
    return pct(fen, rate.numerator, rate.denominator)


def div_exact(amount, k: int) -> Fraction:
    """An amount (fen, or already a Fraction of a fen) divided by a whole number, exactly: never a float."""
    if k == 0:
        raise Undecidable("a division by zero")
    return Fraction(amount) / k


def round_to(amount, unit: int, mode: str) -> int:
    """An exact amount in fen rounded to `unit` fen (100: 元, 10: 角, 1: 分) as the notice says: half_up
    (四舍五入: a half goes away from zero), down (舍去: toward zero) or up (进一: away from zero)."""
    q = Fraction(amount) / unit
    n, d = abs(q.numerator), q.denominator
    whole = (2 * n + d) // (2 * d) if mode == "half_up" else n // d if mode == "down" else -(-n // d)
    return (whole if q >= 0 else -whole) * unit


def money_out(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def _month_days(y: int, m: int) -> int:
    """The days of a month (calendar.monthrange's, without importing calendar, locale and enum: a
    standalone calculator's start)."""
    if m == 2:
        return 29 if y % 4 == 0 and (y % 100 != 0 or y % 400 == 0) else 28
    return 30 if m in (4, 6, 9, 11) else 31


# ---- the date idioms (Civil Code art. 201–203, interface.md) -----------------------------
# Each is range-checked: a day before 0001-01-01 or after 9999-12-31 makes the decision undecidable.
_ONE_DAY = _dt.timedelta(days=1)


def day_after(d: _dt.date) -> _dt.date:
    try:
        return d + _ONE_DAY
    except OverflowError:
        raise DateOutOfRange() from None


def plus_days(d: _dt.date, n: int) -> _dt.date:
    try:
        return d + _dt.timedelta(days=n)
    except OverflowError:
        raise DateOutOfRange() from None


def plus_months(d: _dt.date, n: int) -> _dt.date:
    """The same day n months later; the month's last day where that day does not exist."""
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    if not _dt.MINYEAR <= y <= _dt.MAXYEAR:
        raise DateOutOfRange()
    return _dt.date(y, m, min(d.day, _month_days(y, m)))


def age_on(birth: _dt.date, on: _dt.date) -> int:
    """Completed years (周岁) on a day. A period runs from the day after the birth (Civil Code art. 201)
    and N years end on the N-th birthday, or the month's last day where it has none (art. 202: 2-29
    → 2-28), so the age is N from the day after that birthday."""
    if birth > on:
        raise Undecidable("an age on a day before the birth")
    n = on.year - birth.year
    if n > 0 and plus_months(birth, 12 * n) >= on:
        n -= 1
    return n


def months_between(start: _dt.date, end: _dt.date) -> int:
    """Whole months from one day to a later one: the most n with `start + n months` on or before `end`."""
    if start > end:
        raise Undecidable("months from a later day to an earlier one")
    n = (end.year - start.year) * 12 + end.month - start.month
    if plus_months(start, n) > end:
        n -= 1
    return n


def month_of(d: _dt.date) -> int:
    return d.month


def year_of(d: _dt.date) -> int:
    return d.year


def first_of_next_month(d: _dt.date) -> _dt.date:
    if d.month == 12:
        return year_start(d.year + 1)
    return _dt.date(d.year, d.month + 1, 1)


def year_start(y: int) -> _dt.date:
    if not _dt.MINYEAR <= y <= _dt.MAXYEAR:
        raise DateOutOfRange()
    return _dt.date(y, 1, 1)


def year_end(y: int) -> _dt.date:
    if not _dt.MINYEAR <= y <= _dt.MAXYEAR:
        raise DateOutOfRange()
    return _dt.date(y, 12, 31)


# ---- cases in, results out ------------------------------------------------------------------
# Limits on a case's values (docs/limits.md): an amount below 10^15 yuan, a whole number of at most
# nine digits. ASCII digits only: `\\d` would take full-width and Arabic-Indic digits too.
MAX_MONEY_YUAN = 10 ** 15
MAX_INT = 10 ** 9
_MONEY = _re.compile(r"[0-9]+(\.[0-9]{1,2})?")
_DATE = _re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _money_in(field: str, raw) -> int:
    if isinstance(raw, bool) or not isinstance(raw, (int, str, _Decimal, float)):
        raise CaseError(field, f"expected money (a number or a string like \"342.00\"), got {_json_type(raw)}")
    if isinstance(raw, str):
        if not _MONEY.fullmatch(raw):
            raise CaseError(field, f"{_show(raw)} is not an amount of money in yuan: digits 0-9, "
                            "at most two decimals, not negative")
        raw = _Decimal(raw)
    elif isinstance(raw, float):
        raw = _Decimal(repr(raw))  # the shortest decimal that is this float, as a person wrote it
    elif isinstance(raw, int):
        raw = _Decimal(raw)
    if not raw.is_finite() or raw < 0 or raw >= MAX_MONEY_YUAN:
        raise CaseError(field, f"{_show(raw)} is not an amount of money from 0 to less than 10^15 yuan")
    fen = raw * 100
    if fen != fen.to_integral_value():
        raise CaseError(field, f"{_show(raw)} is not an amount of money in yuan with at most two decimals")
    return int(fen)


def _whole(value):
    """JSON's 2.0 is the integer 2 (within MAX_INT); anything else is returned as it is."""
    if isinstance(value, (float, _Decimal)):
        try:
            if abs(value) <= MAX_INT and value == int(value):
                return int(value)
        except (ValueError, OverflowError, ArithmeticError):  # nan, inf
            pass
    return value


def _int_value(field: str, value, minimum: int | None) -> int:
    value = _whole(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise CaseError(field, f"expected a whole number, got {_show(value)}")
    if minimum is not None and value < minimum:
        raise CaseError(field, f"expected a whole number ≥ {minimum}, got {value}")
    if abs(value) > MAX_INT:
        raise CaseError(field, f"{_show(value)} is more than {MAX_INT}, the largest whole number a case may give")
    return value


def _date_in(field: str, raw) -> _dt.date:
    if raw.__class__ is _dt.date:  # a Python caller's date (not a datetime: that has an hour too)
        return raw
    if not isinstance(raw, str) or not _DATE.fullmatch(raw):
        raise CaseError(field, f"expected a date YYYY-MM-DD, got {_show(raw)}")
    try:
        return _dt.date.fromisoformat(raw)
    except ValueError:
        raise CaseError(field, f"{raw} is not a day that exists") from None


def _json_type(v) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", _Decimal: "a number", str: "a string",
            list: "a list", dict: "an object", type(None): "null"}.get(type(v), type(v).__name__)


def _show(value, limit: int = 60) -> str:
    """A value for a one-line message: repr, with what cannot be printed escaped, cut short."""
    text = repr(value) if not isinstance(value, _Decimal) else str(value)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def decode_case(raw, spec: dict) -> dict:
    """Check a decoded JSON case against the facts' spec and turn it into runtime values.

    spec: field → (kind, aliases, default); kind is money | date | bool | int | count | enum | set;
    aliases maps every accepted spelling of an enum member to its code. Absent facts with no default
    are left out, so a decision that needs one raises MissingFact.
    """
    if not isinstance(raw, dict):
        raise CaseError("", f"a case is a JSON object, got {_json_type(raw)}")
    case = {}
    for field, value in raw.items():
        entry = spec.get(field)
        if entry is None and field == "id":  # not a fact: passed through to the result unchanged
            case["id"] = _id_value(value)
            continue
        if entry is None:
            close = [f for f in spec if f.startswith(field[:3])] if isinstance(field, str) and field else []
            raise CaseError(field, "unknown field" + (f" (did you mean `{close[0]}`?)" if close else "")
                            + "; the fields are " + ", ".join(spec))
        kind, aliases, _ = entry
        if kind == "money":
            case[field] = _money_in(field, value)
        elif kind == "date":
            case[field] = _date_in(field, value)
        elif kind == "bool":
            if not isinstance(value, bool):
                raise CaseError(field, f"expected true or false, got {_show(value)}")
            case[field] = value
        elif kind in ("int", "count"):
            case[field] = _int_value(field, value, 0 if kind == "count" else None)
        elif kind == "enum":
            value = _whole(value)
            if isinstance(value, bool) or not isinstance(value, (str, int)) or value not in aliases:
                raise CaseError(field, f"{_show(value)} is not one of " + ", ".join(map(repr, _codes(aliases))))
            case[field] = aliases[value]
        elif kind == "set":
            if not isinstance(value, list):
                raise CaseError(field, f"expected a list of codes, got {_json_type(value)}")
            codes = set()
            for i, item in enumerate(value):
                if isinstance(item, bool) or not isinstance(item, (str, int)) or item not in aliases:
                    raise CaseError(f"{field}[{i}]", f"{_show(item)} is not a known code; the codes are "
                                    + ", ".join(map(str, _codes(aliases))))
                codes.add(aliases[item])
            case[field] = frozenset(codes)
    for field, (kind, aliases, default) in spec.items():
        if field not in case and default is not _ABSENT:
            case[field] = default
    return case


def _id_value(value):
    value = value if isinstance(value, str) else _whole(value)
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_INT):
        return value
    raise CaseError("id", f"expected a string or a whole number of at most {MAX_INT}, got {_show(value)}")


class _Absent:
    def __repr__(self):
        return "ABSENT"


_ABSENT = _Absent()


def _codes(aliases: dict) -> list:
    seen = []
    for code in aliases.values():
        if code not in seen:
            seen.append(code)
    return seen


def output_value(kind: str, value):
    """A runtime value as the interface prints it."""
    if kind == "money":
        return money_out(value)
    if kind == "date":
        return value.isoformat()
    if kind == "set":
        return sorted(value, key=str)
    if kind == "rate":
        return str(value)
    return value


# ---- what generated code calls (a policy's own names never start with an underscore) -----------
def _unknown(what: str):
    raise UnknownValue(what)


class _UnknownEntry:
    """A table entry the notice leaves unknown (folded into a generated lookup table)."""
    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason


def _best_known(entries: list, default):
    """max() of a `hit best` table's entries; an unknown one could be the best, so the answer is unknown."""
    for x in entries:
        if x.__class__ is _UnknownEntry:
            raise UnknownValue(x.reason)
    if default.__class__ is _UnknownEntry:  # the default here is the rows every member gets
        raise UnknownValue(default.reason)
    return max(entries, default=default)


def _outside(parts):
    """Raise OutsideDomain; its message is text, and (kind, thunk) pairs for the values in it."""
    raise OutsideDomain(parts)


def _write(parts) -> str:
    if hasattr(parts, "message"):  # another OutsideDomain (the generated module's own copy)
        return parts.message
    text = []
    for part in parts:
        if isinstance(part, str):
            text.append(part)
            continue
        kind, thunk = part
        try:
            text.append(str(output_value(kind, thunk())))
        except (Undecidable, KeyError):
            text.append("?")
    return "".join(text)


def _in_domain(checks, value):
    """A guarded decision (ir.Domains): the first check that holds raises its OutsideDomain; a check
    that cannot be decided matters only where none holds."""
    undecided = None
    for holds, outside in checks:
        try:
            if holds():
                outside()
        except OutsideDomain:
            raise
        except (Undecidable, KeyError) as exc:
            undecided = undecided or exc
    if undecided is not None:
        raise undecided
    return value()


def _param_at(values: dict, year: int, name: str):
    try:
        return values[year]
    except KeyError:
        raise UnknownValue(f"{name} for {year}, which no notice here gives") from None


def _decide(fn, c: dict):
    try:
        return fn(c)
    except KeyError as exc:  # a fact the case does not give
        raise MissingFact(exc.args[0]) from None


def _python_value(kind: str, value):
    """A runtime value as a Python caller of a generated module gets it (Decimal for money)."""
    if kind == "money":
        return _Decimal(money_out(value))
    return value
