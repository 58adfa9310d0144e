"""The calendar in SMT terms (z3 integer arithmetic), exactly as runtime/core.py counts it: a date is
its proleptic Gregorian ordinal (datetime.date.toordinal: 0001-01-01 is 1), and a date whose year,
month or day an operator needs is split into them by fresh variables that only that split satisfies
(`split`), so `N months after` clamps to the month's end as plus_months does, for every year 1…9999."""
from __future__ import annotations

import datetime as dt

import z3

MIN_ORD, MAX_ORD = 1, dt.date.max.toordinal()
MIN_YEAR, MAX_YEAR = dt.MINYEAR, dt.MAXYEAR
_CUM = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)  # days before each month, common year


def leap(y):
    return z3.And(y % 4 == 0, z3.Or(y % 100 != 0, y % 400 == 0))


def days_before_year(y):
    p = y - 1
    return 365 * p + p / 4 - p / 100 + p / 400  # (z3's `/` on integers floors for a positive divisor)


def days_before_month(y, m):
    cum = z3.IntVal(_CUM[11])
    for k in range(10, -1, -1):
        cum = z3.If(m == k + 1, _CUM[k], cum)
    return cum + z3.If(z3.And(m > 2, leap(y)), 1, 0)


def days_in_month(y, m):
    return z3.If(m == 2, z3.If(leap(y), 29, 28), z3.If(z3.Or(m == 4, m == 6, m == 9, m == 11), 30, 31))


def ordinal(y, m, d):
    return days_before_year(y) + days_before_month(y, m) + d


def year_ok(y):
    return z3.And(y >= MIN_YEAR, y <= MAX_YEAR)


def in_range(o):
    return z3.And(o >= MIN_ORD, o <= MAX_ORD)


def split(o, side: list, fresh):
    """(year, month, day) of the ordinal o: fresh variables, constrained (where o names a day) to be
    the one split of it."""
    y, m, d = fresh("y"), fresh("m"), fresh("d")
    side.append(z3.Implies(in_range(o), z3.And(year_ok(y), m >= 1, m <= 12, d >= 1, d <= days_in_month(y, m),
                                               o == ordinal(y, m, d))))
    return y, m, d


def plus_months(o, n, side, fresh):
    """(the ordinal, out of range) of plus_months: the same day n months on, clamped to the month's end."""
    y, m, d = split(o, side, fresh)
    t = m - 1 + n
    y2, m2 = y + t / 12, t % 12 + 1
    last = days_in_month(y2, m2)
    return ordinal(y2, m2, z3.If(d <= last, d, last)), z3.Not(year_ok(y2))


def first_of_next_month(o, side, fresh):
    y, m, _ = split(o, side, fresh)
    value = z3.If(m == 12, days_before_year(y + 1) + 1, days_before_year(y) + days_before_month(y, m + 1) + 1)
    return value, z3.And(m == 12, y + 1 > MAX_YEAR)


def year_start(y):
    return days_before_year(y) + 1, z3.Not(year_ok(y))


def year_end(y):
    return days_before_year(y + 1), z3.Not(year_ok(y))
