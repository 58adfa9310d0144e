"""Named values of a notice: what a conformance case's `values` asserts, found by name and printed
the way the interface prints values, through the checked program and through the generated module.

A name is one of
    notice.issued, notice.printed, notice.coverage   the notice header
    名字                     a let, decision or table of the notice (read on the case's facts, if any)
    名字[2024]                a parameter by year
    名字[行].列               a data table's cell: the row whose first column prints as 行;
                             the row 合计 is the column's total (the checker proved the printed total
                             equals the sum of the rows)
"""
from __future__ import annotations

import re
from fractions import Fraction

from ..ir import nodes as ir
from ..ir.interpret import Interpreter
from ..runtime.core import UnknownValue, money_out

TOTAL_ROW = "合计"
HEADER = ("issued", "printed", "coverage")
_NAME = re.compile(r"^(?P<name>[^\s.\[\]]+)(?:\[(?P<key>[^\[\]]+)\](?:\.(?P<column>[^\s.\[\]]+))?)?$")


class NotNamed(LookupError):
    """The notice has no value of that name."""


def show(value, t):
    """A runtime value as a case writes it: money "342.00", a rate "95%", a count "9390", a date
    ISO, a period "90 days" / "3 months", a set the sorted list of its codes, a flag "true"/"false"."""
    if isinstance(t, tuple) and t[0] == "set":
        return sorted(str(v) for v in value)
    if t == ir.MONEY:
        return money_out(value)
    if t == ir.RATE:
        pct = Fraction(value) * 100
        return f"{pct.numerator}%" if pct.denominator == 1 else f"{float(pct):g}%"
    if t == ir.DATE:
        return value.isoformat()
    if t == ir.DAYS:
        return f"{value} days"
    if t == ir.MONTHS:
        return f"{value} months"
    if t == ir.BOOL:
        return "true" if value else "false"
    return str(value)


def same(got, want) -> bool:
    """A set compares as a set: the case may list its codes in any order."""
    if isinstance(got, list):
        return isinstance(want, list) and sorted(map(str, want)) == got
    return str(want) == got


def parse(name: str) -> tuple[str, str | None, str | None]:
    m = _NAME.match(name)
    if not m:
        raise NotNamed(f"`{name}` is not a name: write 名字, 名字[年] or 名字[行].列")
    return m.group("name"), m.group("key"), m.group("column")


def value(program: ir.Program, name: str, case: dict | None = None):
    """The value `name` has in the checked program, as `show` prints it. Raises NotNamed, or
    Undecidable where the notice leaves it unknown."""
    case = case or {}
    if name.startswith("notice."):
        field = name[len("notice."):]
        if field not in HEADER:
            raise NotNamed(f"the notice header has no `{field}`: it has " + ", ".join(HEADER))
        v = getattr(program, field)
        if isinstance(v, ir.Unknown):
            raise UnknownValue(v.reason)
        return show(v, ir.INT if field == "coverage" else ir.DATE)
    base, key, column = parse(name)
    if column is not None:
        return _cell(program, base, key, column)
    if key is not None:
        prm = program.params.get(base)
        if prm is None or not key.isdigit():
            raise NotNamed(f"{program.document} has no parameter by year `{base}`")
        return show(_param(prm, int(key)), prm.type)
    d = program.definitions.get(base)
    if d is None:
        raise NotNamed(f"{program.document} defines no `{base}`")
    return show(Interpreter(program).decide(base, dict(case), {}), d.type)


def _param(prm: ir.ParamIR, year: int):
    v = prm.values.get(year)
    if v is None:
        raise UnknownValue(f"{prm.name} for {year}, which no notice here gives")
    if isinstance(v, ir.Unknown):
        raise UnknownValue(v.reason)
    return v


def _cell(program: ir.Program, table: str, key: str, column: str):
    data = program.data.get(table)
    if data is None:
        raise NotNamed(f"{program.document} has no data table `{table}`")
    names = [c for c, _ in data.columns]
    if column not in names:
        raise NotNamed(f"`{table}` has no column `{column}`: it has " + ", ".join(names))
    i, t = names.index(column), data.columns[names.index(column)][1]
    if key == TOTAL_ROW:
        return show(sum(row[i] for row in data.rows), t)
    rows = [row for row in data.rows if show(row[0], data.columns[0][1]) == key]
    if len(rows) != 1:
        raise NotNamed(f"`{table}` has {len(rows) or 'no'} rows `{key}`")
    return show(rows[0][i], t)


def generated(program: ir.Program, module, name: str, case: dict | None = None):
    """The same value read from the generated module, or None where the module does not carry it
    (data tables, issue and printing dates: the calculator needs neither)."""
    from ..backends.python.names import ident
    if name == "notice.coverage":
        return show(module.COVERAGE_YEAR, ir.INT)
    if name.startswith("notice."):
        return None
    base, key, column = parse(name)
    if column is not None:
        return None
    if key is not None:
        i = list(program.params).index(base)
        values = getattr(module, ident("_P_", base, i))
        prm = program.params[base]
        if int(key) not in values:
            raise module.UnknownValue(f"{base} for {key}")
        return show(values[int(key)], prm.type)
    i = list(program.definitions).index(base)
    const = ident("_K_", base, i)
    if hasattr(module, const):
        return show(getattr(module, const), program.definitions[base].type)
    return show(module._decide(getattr(module, ident("_d_", base, i)), dict(case or {})),
                program.definitions[base].type)


def is_decision(name: str) -> bool:
    """interface.md's decision names are lower-case ASCII words; any other name is a named value."""
    return re.fullmatch(r"[a-z_]+", name) is not None


def mismatch(program: ir.Program, module, name: str, want, case: dict | None = None) -> str | None:
    """Why `name` is not `want` in the checked program or the generated module; None when it is."""
    got = value(program, name, case)
    if not same(got, want):
        return f"`{name}`: expected {want}, the program gives {got}"
    got = generated(program, module, name, case)
    if got is not None and not same(got, want):
        return f"`{name}`: expected {want}, the generated module gives {got}"
    return None


def known(program: ir.Program, module, name: str, case: dict | None = None) -> str | None:
    """Why a value the case says is unknown is known after all, in the checked program or the
    generated module; None when it is unknown in both."""
    from ..runtime.core import Undecidable
    try:
        return f"`{name}` should be unknown, the program gives {value(program, name, case)}"
    except Undecidable:
        pass
    try:
        got = generated(program, module, name, case)
    except module.Undecidable:
        return None
    return None if got is None else f"`{name}` should be unknown, the generated module gives {got}"
