"""Bounded unknowns at run time: "不低于1000元" as a value that keeps its bounds.

Standard library only. The interpreter uses it; `yibao compile` copies it into a generated module
only when the notice has a bounded unknown, so every other calculator is unchanged.
"""
from __future__ import annotations

from .core import UnknownValue  # a generated module has its own, defined above this code


# A value the notice bounds but does not state. Arithmetic, min/max and comparisons keep the bounds;
# a result the bounds fix is an ordinary value again, and a comparison they do not decide raises
# UnknownValue naming the unknown. Only notices with a bounded unknown ever create one.
class Bounded:
    __slots__ = ("lo", "hi", "what")

    def __init__(self, lo, hi, what: str):
        self.lo, self.hi, self.what = lo, hi, what  # None: no bound on that side

    def __repr__(self):
        return f"_bounded({self.lo!r}, {self.hi!r}, {self.what!r})"

    def __str__(self):
        lo = "" if self.lo is None else f"≥ {self.lo}"
        hi = "" if self.hi is None else f"≤ {self.hi}"
        return f"unknown ({', '.join(x for x in (lo, hi) if x)}): {self.what}"

    __hash__ = object.__hash__

    def __bool__(self):
        raise UnknownValue(self.what)

    # arithmetic (None is unbounded)
    def __add__(self, other):
        o = _interval(other)
        return _bounded(_plus(self.lo, o.lo), _plus(self.hi, o.hi), _names(self, other))

    __radd__ = __add__

    def __neg__(self):
        return _bounded(None if self.hi is None else -self.hi, None if self.lo is None else -self.lo, self.what)

    def __sub__(self, other):
        return self + (-_interval(other))

    def __rsub__(self, other):
        return (-self) + other

    def __mul__(self, k):
        if k.__class__ is Bounded:
            raise UnknownValue(_names(self, k))
        if k == 0:
            return 0
        lo, hi = (None if self.lo is None else self.lo * k), (None if self.hi is None else self.hi * k)
        return _bounded(lo, hi, self.what) if k > 0 else _bounded(hi, lo, self.what)

    __rmul__ = __mul__

    def __floordiv__(self, k):  # by a positive whole number (rounding money): monotonic
        return _bounded(None if self.lo is None else self.lo // k, None if self.hi is None else self.hi // k, self.what)

    # comparisons: decided by the bounds, or unknown
    def __lt__(self, other):
        o = _interval(other)
        if self.hi is not None and o.lo is not None and self.hi < o.lo:
            return True
        if self.lo is not None and o.hi is not None and self.lo >= o.hi:
            return False
        raise UnknownValue(_names(self, other))

    def __le__(self, other):
        o = _interval(other)
        if self.hi is not None and o.lo is not None and self.hi <= o.lo:
            return True
        if self.lo is not None and o.hi is not None and self.lo > o.hi:
            return False
        raise UnknownValue(_names(self, other))

    def __gt__(self, other):
        return _interval(other) < self

    def __ge__(self, other):
        return _interval(other) <= self

    def __eq__(self, other):
        if other is self:
            return True
        o = _interval(other)
        if (self.hi is not None and o.lo is not None and self.hi < o.lo) or (
                self.lo is not None and o.hi is not None and self.lo > o.hi):
            return False
        raise UnknownValue(_names(self, other))

    def __ne__(self, other):
        return not self.__eq__(other)


def _bounded(lo, hi, what: str):
    """A bounded unknown, or the value itself where the bounds fix it."""
    if lo is not None and lo == hi:
        return lo
    return Bounded(lo, hi, what)


def _interval(x) -> Bounded:
    return x if x.__class__ is Bounded else Bounded(x, x, "")


def _plus(a, b):
    return None if a is None or b is None else a + b


def _names(a, b) -> str:
    names = []
    for x in (a, b):
        if x.__class__ is Bounded and x.what and x.what not in names:
            names.append(x.what)
    return " and ".join(names)


def _extreme(args, pick):
    """max (pick=max) or min of values some of which are bounded: the bounds of the result."""
    if not any(a.__class__ is Bounded for a in args):
        return pick(args)
    xs = [_interval(a) for a in args]
    if pick is max:
        lo = max((x.lo for x in xs if x.lo is not None), default=None)
        hi = None if any(x.hi is None for x in xs) else max(x.hi for x in xs)
    else:
        lo = None if any(x.lo is None for x in xs) else min(x.lo for x in xs)
        hi = min((x.hi for x in xs if x.hi is not None), default=None)
    what = " and ".join(dict.fromkeys(x.what for x in xs if x.what))
    return _bounded(lo, hi, what)


def _max(*args):
    return _extreme(args, max)


def _min(*args):
    return _extreme(args, min)


def _resolved(value):
    """A decision's value: a bounded unknown the bounds do not fix cannot be decided."""
    if value.__class__ is Bounded:
        raise UnknownValue(value.what)
    return value
