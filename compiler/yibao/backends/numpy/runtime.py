"""The code every generated columnar module carries (its runtime and its interface), and the
conversion of the benchmark generator's columns; backends/numpy.py generates the rest."""
from __future__ import annotations

_RUNTIME = '''
# ---- columnar runtime ------------------------------------------------------------
_T, _F = np.True_, np.False_  # numpy bools, so that ~ is logical
# a date is its day number since 1970-01-01 (int64: comparisons several times faster than datetime64's,
# which check for NaT); not given: NaT's bits, whose comparisons mean nothing, as the value of any
# undecided row (its `ok` is False)
_NAT = np.int64(np.iinfo(np.int64).min)


def _n(c):
    return c["@n"]


def _full(c, v):
    """A scalar or column → a column of the case count."""
    v = np.asarray(v)
    return v if v.shape == (c["@n"],) else np.broadcast_to(v, (c["@n"],))


def _cascade(c, rules, fill, name=None):
    """(values, decided) of rules [(guard, guard decided, value, value decided)] in priority order: the
    first rule whose guard holds gives the value; the cascade stops undecided at a guard it cannot
    decide; no rule holding is undecided. A byte per row says where it ends: 2i+1 rule i holds, 2i+2
    it stops undecided at rule i, 2n+3 no rule holds (so that earlier ends are smaller); applied last
    rule first, each overwriting, the first has the last word.
    A guard or value may be a function of grid facts only (its decided then None: it returns both):
    with a grid, those guards are decided once per combination (where the cascade ends among them),
    and the rules whose guards read other facts overwrite that per row where they come first; the
    values and the constants are one table [rule, combination] gathered by (rule, the row's key); the
    values given per row are blended in where theirs is chosen."""
    key = c.get("@key")
    if key is None:  # no grid: every part per row
        rules = [((*r[0](c),) if callable(r[0]) else r[:2]) + ((*r[2](c),) if callable(r[2]) else r[2:]) for r in rules]
    count = len(rules)
    dtype = np.uint8 if 2 * count + 3 < 256 else np.uint16
    later = key is not None and any(callable(r[0]) for r in rules)
    if later:  # a rule decided per row overwrites only where the grid's end comes after it
        which = _ends_table(c["@grid"], name, rules, dtype).take(key)
    else:
        which = np.full(c["@n"], 2 * count + 3, dtype)
    for i in range(count - 1, -1, -1):
        guard, guard_ok = rules[i][0], rules[i][1]
        if later and _on_grid(rules[i]):
            continue
        after = (which > 2 * i + 2) if later else _T
        if guard is not _F:
            _blend(which, guard & after if later else guard, 2 * i + 1)
        if guard_ok is not _T:
            _blend(which, ~guard_ok & after if later else ~guard_ok, 2 * i + 2)
    at = (which >> 1).astype(np.intp)  # rule i's row of the tables (take() is slower by a narrower index)
    values = [v if callable(v) else np.asarray(v) for _, _, v, _ in rules]
    oks = [_T if callable(v) else np.asarray(ok) for _, _, v, ok in rules]
    if key is not None and any(map(callable, values)):
        vt, okt = _rules_table(c["@grid"], name, values, oks, fill)
        at *= c["@grid"]["@n"]
        at += key
    else:
        vt = np.array([v if v.ndim == 0 else fill for v in values] + [fill, fill],
                      np.result_type(*values, np.asarray(fill)))
        okt = np.array([bool(k) if k.ndim == 0 else False for k in oks] + [False, False])
    out, ok = vt.take(at), okt.take(at)
    ok &= (which & 1).view(bool)  # an even end: stopped undecided
    for i, (v, k) in enumerate(zip(values, oks)):
        if (not callable(v) and v.ndim) or k.ndim:
            chosen = which == 2 * i + 1
            if not callable(v) and v.ndim:
                _blend(out, chosen, v)
            if k.ndim:
                _blend(ok, chosen, k)
    return out, ok


def _on_grid(rule):
    """A rule whose guard is decided on the grid: a function of grid facts, or a constant."""
    return callable(rule[0]) or (np.ndim(rule[0]) == 0 and np.ndim(rule[1]) == 0)


def _ends_table(g, name, rules, dtype):
    """Per grid combination, where the cascade ends among its rules decided on the grid (see _cascade)."""
    slot = tuple((r[0] if callable(r[0]) else (bool(r[0]), bool(r[1]))) if _on_grid(r) else None for r in rules)
    got = g.get(("@ends", name, slot))
    if got is None:
        which = np.full(g["@n"], 2 * len(rules) + 3, dtype)
        for i in range(len(rules) - 1, -1, -1):
            if slot[i] is None:
                continue
            guard, guard_ok = _constant(slot[i](g)) if callable(slot[i]) else rules[i][:2]
            if guard is not _F:
                _blend(which, guard, 2 * i + 1)
            if guard_ok is not _T:
                _blend(which, ~guard_ok, 2 * i + 2)
        got = g[("@ends", name, slot)] = which
    return got


def _rules_table(g, name, values, oks, fill):
    """A cascade's values and decided masks per (rule, grid combination), flattened; built once per grid
    for these constants. Columns given per row are left to the caller (fill, False here)."""
    slot = tuple(("f", v) if callable(v) else ("c", v.item(), bool(k)) if v.ndim == 0 and k.ndim == 0
                 else ("c", v.item(), None) if v.ndim == 0 else ("a",) for v, k in zip(values, oks))
    got = g.get(("@rules", name, slot))
    if got is None:
        size = g["@n"]
        cols = [_constant(v(g)) if callable(v) else  # an ok given per row is blended in: False here
                (v if v.ndim == 0 else np.asarray(fill), bool(k) if k.ndim == 0 else False) for v, k in zip(values, oks)]
        vt = np.empty((len(values) + 2, size), np.result_type(*(v for v, _ in cols), np.asarray(fill)))
        okt = np.zeros((len(values) + 2, size), bool)
        vt[-2:] = fill
        for i, (v, k) in enumerate(cols):
            vt[i] = v
            okt[i] = k
        got = g[("@rules", name, slot)] = (vt.ravel(), okt.ravel())
    return got


def _blend(out, mask, v):
    """out = v where mask, in place, without branches: out += mask * (v - out) in wrapping integers
    (np.copyto(where=) and np.where branch per element, several times slower on irregular masks);
    a wide column under a sparse mask (under 1 row in 32) is copied where it holds (then the faster)."""
    mask = np.asarray(mask, bool)
    if out.dtype.itemsize > 1 and mask.ndim and np.count_nonzero(mask) * 32 < mask.size:
        np.copyto(out, v, where=mask)
        return
    if out.dtype == bool:
        o, v = out.view(np.uint8), np.asarray(v, bool).view(np.uint8)
    elif out.dtype.kind == "M":
        o, v = out.view(np.int64), np.asarray(v, out.dtype).view(np.int64)
    else:
        o, v = out, np.asarray(v, out.dtype)
    d = v - o
    d *= mask.view(np.uint8)
    o += d


def _all(*masks):
    """The conjunction of masks, leaving out the scalar true ones (no column op for them)."""
    out = _T
    for m in masks:
        if m is not _T:
            out = m if out is _T else out & m
    return out


def _ok_where(cond, ok):
    """Decided where cond does not hold or ok: `a and b` needs b only where a (scalar where ok is)."""
    return _T if ok is _T else (~cond | ok)


def _ok_unless(cond, ok):
    """Decided where cond holds or ok: `a or b` needs b only where a does not."""
    return ok if ok is _T else (cond | ok)


def _branch_ok(cond, then_ok, else_ok):
    """An if-expression is decided where its taken branch is."""
    return _T if then_ok is _T and else_ok is _T else np.where(cond, then_ok, else_ok)


def _in(bits, index):
    """Bit `index` of `bits` (either may be a column): enum membership in a set."""
    return ((np.int64(bits) if isinstance(bits, int) else bits) >> index) & 1 != 0


def _best_over_bits(best, combo, bits, table):
    """max(best, table[combo, i] for every bit i set in bits), visiting only the set bits."""
    best = np.array(best, dtype=np.int64)
    rows = np.flatnonzero(bits)
    left, combo = bits[rows], combo[rows]
    while rows.size:
        low = left & -left
        bit = np.log2(low.astype(np.float64)).astype(np.int64)  # exact for a power of two
        best[rows] = np.maximum(best[rows], table[combo, bit])
        left = left ^ low
        keep = left != 0
        rows, left, combo = rows[keep], left[keep], combo[keep]
    return best


_BY_MASK = {}
_NONE = -(2 ** 62)  # a folded table's "no row matches"
_UNKNOWN_V = _NONE + 1  # with a default baked in: "an entry the notice leaves unknown"


def _by_mask(name, always, by_member, always_unk, by_member_unk, default=None):
    """A best-hit table over a set key, per key combination and per whole bitmask of the set (built once,
    on first use): the best of the always-matching rows and of every member's rows, and whether any of
    them is unknown. A case's value is then one gather."""
    got = _BY_MASK.get(name)
    if got is None:
        combos, width = by_member.shape
        best = np.empty((combos, 1 << width), np.int64)
        unk = np.zeros((combos, 1 << width), bool)
        best[:, 0] = always
        if always_unk is not None:
            unk[:, 0] = always_unk
        for bit in range(width):  # the masks with this bit as their highest: those without it, plus it
            low, high = 1 << bit, 2 << bit
            np.maximum(best[:, :low], by_member[:, bit][:, None], out=best[:, low:high])
            if by_member_unk is not None:
                np.logical_or(unk[:, :low], by_member_unk[:, bit][:, None], out=unk[:, low:high])
        if default is not None:  # where no row matches; and an unknown entry marked in the values themselves
            best[best == _NONE] = default
            best[unk] = _UNKNOWN_V
        got = _BY_MASK[name] = (best.ravel(), unk.ravel())
    return got


def _pct(fen, num, den):
    """num/den of an amount in fen, rounded half up (away from zero) only where not whole."""
    v = np.asarray(fen, dtype=np.int64) * num
    up = (2 * v + den) // (2 * den)
    down = -((-2 * v + den) // (2 * den))
    return np.where(v >= 0, up, down)


def _year_start(y):
    return (np.asarray(y, dtype=np.int64) - 1970).astype("datetime64[Y]").astype("datetime64[D]").view(np.int64)


def _year_end(y):
    return _year_start(np.asarray(y, dtype=np.int64) + 1) - 1


def _calendar(d, fn):
    """fn (datetime64 → datetime64) over day numbers; datetime64 in, datetime64 out."""
    d = np.asarray(d)
    if d.dtype.kind == "M":
        return _per_day(d.astype("datetime64[D]"), fn)
    return _per_day(d.astype(np.int64, copy=False).view("datetime64[D]"), fn).view(np.int64)


def _per_day(d, fn):
    """fn over a date column, computed once per distinct day of its span and gathered (NumPy's
    calendar conversions are slow per element; cases span a few hundred days)."""
    if d.ndim == 0 or d.size < 4096:
        return fn(d)
    known = ~np.isnat(d)
    if not known.any():
        return d.copy()
    lo, hi = d[known].min(), d[known].max()
    span = int((hi - lo).astype(np.int64)) + 1
    if span > d.size:
        return fn(d)
    table = fn(np.arange(lo, hi + np.timedelta64(1, "D")))
    out = table[np.where(known, (d - lo).astype(np.int64), 0)]
    return np.where(known, out, np.datetime64("NaT", "D")) if not known.all() else out


def _first_of_next_month(d):
    return _calendar(d, lambda d: (d.astype("datetime64[M]") + 1).astype("datetime64[D]"))


def _date_plus_months(d, n):
    """The same day n months later; the month's last day where that day does not exist."""
    if np.ndim(n) == 0:
        return _calendar(d, lambda d: _plus_months(d, n))
    d = np.asarray(d)
    return _plus_months(d, n) if d.dtype.kind == "M" else _plus_months(d.view("datetime64[D]"), n).view(np.int64)


def _plus_months(d, n):
    month = d.astype("datetime64[M]")
    day = (d - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.asarray(n, dtype=np.int64).astype("timedelta64[M]")
    first = target.astype("datetime64[D]")
    last = ((target + 1).astype("datetime64[D]") - first).astype(np.int64) - 1
    return first + np.minimum(day, last).astype("timedelta64[D]")
'''

_INTERFACE = '''
_KIND_DTYPE = {"money": np.int64, "int": np.int64, "count": np.int64, "days": np.int64,
               "months": np.int64, "date": np.int64, "bool": bool, "enum": np.int64,
               "set": np.int64}


def context(columns, n=None):
    """Columns (see the module header) → the evaluation context: fact → (values, given)."""
    if n is None:
        n = len(next(iter(columns.values())))
    c = {"@n": n}
    for name, (kind, enum, default) in FACTS.items():
        if name not in columns:
            # a 0-d array, never a Python scalar: `~(0 == 0)` would be -2, not False
            c[name] = (np.asarray(default, _KIND_DTYPE.get(kind)), _T) if default is not None else (
                np.zeros((), _KIND_DTYPE.get(kind, np.int64)), _F)
            continue
        if kind == "date":  # day numbers (see _NAT), no copy
            v = np.asarray(columns[name], dtype="datetime64[D]").view(np.int64)
            given = _T if v.size and v.min() != _NAT else v != _NAT  # a reduction first: no mask where all given
        else:
            v = np.asarray(columns[name], dtype=_KIND_DTYPE.get(kind))
        if kind == "enum":
            given = _T if v.size and v.min() >= 0 else v >= 0
        elif kind != "date":
            given = np.asarray(columns[name + "?"], bool) if name + "?" in columns else _T
        if given is not _T and given.all():
            given = _T  # a scalar mask keeps every `ok` computation of this fact scalar
        if default is not None and given is not _T:
            v, given = np.where(given, v, default), _T
        c[name] = (v, given)
    return c


CHUNK = 1 << 16  # rows per pass: every temporary stays in cache, none grows with the roll
def evaluate(columns, decisions=None, n=None, chunk=CHUNK, grid=None):
    """Columns → {decision: (values, decided)} for every vectorized decision (or those asked for),
    computed chunk by chunk into one output array per decision. grid: whether the functions reading
    only GRID_FACTS run once per combination of them (None: where that is fewer rows than half the roll)."""
    if n is None:
        n = len(next(iter(columns.values())))
    names = list(DECISIONS if decisions is None else decisions)
    out = {}
    with np.errstate(over="ignore"):  # day numbers of undecided rows (NaT's bits) may wrap: they mean nothing
        for start in range(0, max(n, 1), chunk):
            stop = min(n, start + chunk)
            part = {k: (v[start:stop] if np.ndim(v) else v) for k, v in columns.items()}
            c = context(part, stop - start)
            if GRID_FACTS and grid is not False:
                _tabulate(c, GRID_MAX if grid else min(GRID_MAX, n // 2))
            for name in names:
                values, decided = DECISIONS[name][0](c)
                values, decided = _full(c, values), _full(c, decided)
                if n <= chunk:
                    out[name] = (values, decided)
                    continue
                if name not in out:
                    out[name] = (np.empty(n, values.dtype), np.empty(n, bool))
                out[name][0][start:stop] = values
                out[name][1][start:stop] = decided
    for name in names:  # day numbers → dates
        if DECISIONS[name][1] == "date":
            out[name] = (out[name][0].view("datetime64[D]"), out[name][1])
    return out


def decode(name, values):
    """A decision's column as interface codes where it is an enumeration (else unchanged)."""
    enum = DECISIONS[name][2]
    if enum is None:
        return values
    return np.asarray(ENUMS[enum], dtype=object)[values]


def encode(enum, codes):
    """Interface codes (or values) → member indices of `enum`; unknown → -1."""
    index = {code: i for i, code in enumerate(ENUMS[enum])}
    return np.array([index.get(code, -1) for code in codes], dtype=np.int64)


def recode(enum, values, order):
    """Indices into `order` (a tuple of codes; -1 = none) → indices into ENUMS[enum]."""
    index = {code: i for i, code in enumerate(ENUMS[enum])}
    table = np.array([index.get(code, -1) for code in order] + [-1], dtype=np.int64)
    return table[np.asarray(values, dtype=np.int64)]


def rebits(enum, mask, order):
    """A bitmask over `order` (a tuple of codes) → a bitmask over ENUMS[enum] (codes not there drop)."""
    index = {code: i for i, code in enumerate(ENUMS[enum])}
    mask = np.asarray(mask, dtype=np.int64)
    if tuple(order) == tuple(ENUMS[enum]):
        return mask
    out = np.zeros(mask.shape, np.int64)
    for bit, code in enumerate(order):
        if code in index:
            out |= ((mask >> bit) & 1) << index[code]
    return out
'''


# ---- bench/cases.py columns → this module's columns -----------------------------------------
# The generator's conventions (interface.md order): group index, tier as the code itself,
# identities bitmask in the interface table's order.
BENCH_GROUPS = ("resident", "student", "newborn")
BENCH_IDENTITIES = (
    "destitute", "dibao", "dibao_marginal", "relapsed_poverty", "unstable_poverty_exit", "poverty_risk",
    "sudden_hardship", "poverty_exited", "orphan", "veteran_care", "demobilized_veteran", "martyr_family",
    "severe_disability", "family_planning_reward", "family_planning_special", "family_planning_complication",
    "infertile_couple", "needy_student", "low_income_elderly",
)


def bench_columns(module, cols: dict) -> dict:
    """bench/cases.columns() output → columns for a generated columnar module."""
    import numpy as np
    facts = module.FACTS
    out = {}
    for name, values in cols.items():
        if name not in facts:
            continue
        kind, enum, _ = facts[name]
        if name == "group" and kind == "enum":
            out[name] = module.recode(enum, values, BENCH_GROUPS)
        elif name == "tier" and kind == "enum":
            codes = module.ENUMS[enum]
            out[name] = module.recode(enum, np.asarray(values, np.int64) - 1, tuple(c for c in (1, 2)))\
                if codes and isinstance(codes[0], int) else module.recode(enum, values, codes)
        elif name == "identities" and kind == "set":
            out[name] = module.rebits(enum, values, BENCH_IDENTITIES)
        else:
            out[name] = values
    return out
