"""The grid's runtime, carried by every generated columnar module (backends/numpy_grid.py decides which
functions use it): the functions that read only GRID_FACTS run once per combination of those facts'
values in the roll, and each row gathers its combination's result by a key."""

GRID_RUNTIME = '''
# ---- the grid: functions of few-valued facts run once per combination ------------
GRID_MAX = 1 << 17  # most combinations of GRID_FACTS worth computing once each
_GRIDS = {}  # radices → the grid context, kept across chunks and calls (a few: batches with and without gaps)


def _gather(c, fn):
    """fn's (values, decided) or mask for each row of c: fn run once per combination of the grid facts
    (c["@grid"]) and gathered by the row's combination (c["@key"]). A result the same for every
    combination stays a scalar (a decided mask where every fact is given is often all true)."""
    g = c["@grid"]
    got = g.get(fn)
    if got is None:
        got = g[fn] = _constant(fn(g))
    key = c["@key"]
    gather = lambda v: v if np.ndim(v) == 0 else v.take(key)  # noqa: E731
    return tuple(map(gather, got)) if isinstance(got, tuple) else gather(got)


def _constant(got):
    """A grid result with each column that holds one value throughout made that value."""
    if isinstance(got, tuple):
        return tuple(map(_constant, got))
    v = np.asarray(got)
    return v[0] if v.ndim and v.size and (v == v[0]).all() else v


def _tabulate(c, most):
    """Give c a key per row (mixed radix over GRID_FACTS) and the grid: a context with one row per
    combination, where the functions that read only these facts run once (_gather). Left out where the
    grid would have more than `most` rows. A fact every row gives has no digit for "not given"; a date's
    digits span the roll's days, the grid rebuilt only when a date falls outside the span it has."""
    radices = []
    for name, kind in GRID_FACTS:
        v, given = c[name]
        gaps = int(given is not _T)
        if kind == "enum":
            radices.append((name, kind, gaps, len(ENUMS[FACTS[name][1]]) + gaps, 0))
        elif kind == "bool":
            radices.append((name, kind, gaps, 2 + gaps, 0))
        else:
            days = v if not gaps else v[given]
            lo, hi = (int(days.min()), int(days.max())) if days.size else (0, 0)
            radices.append((name, kind, gaps, hi - lo + 1 + gaps, lo))
    radices = tuple(radices)
    g = _GRIDS.get(radices)
    if g is None:  # a grid whose dates span these (the last one built) will do
        for have in reversed(list(_GRIDS)):
            if all(h[:3] == r[:3] and (h[1] != "date" or h[4] <= r[4] and r[4] + r[3] <= h[4] + h[3])
                   for h, r in zip(have, radices)):
                g = _GRIDS.get(have)  # another thread (a Dask worker's) may have cleared it meanwhile
                if g is not None:
                    radices = have
                    break
    size = int(np.prod([r[3] for r in radices]))
    if size > most:
        return
    if g is None:
        if len(_GRIDS) >= 4:
            _GRIDS.clear()
        g = _GRIDS[radices] = _grid(radices, size)
    # key = Σ digit·stride, by Horner's rule from the last fact, in place (no temporaries); a digit is the
    # fact's value less an offset (-1 for "not given" first, the span's first day) subtracted once at the end
    key, offset, stride = None, 0, 1
    for name, kind, gaps, radix, lo in radices:
        offset += stride * (lo - gaps if kind == "date" else -gaps)
        stride *= radix
    for name, kind, gaps, radix, lo in reversed(radices):
        v, given = c[name]
        if gaps and kind != "enum":  # not given: digit 0 (an enum's -1 already is)
            v = np.where(given, v, lo - 1 if kind == "date" else -1)
        if key is None:
            key = np.array(np.broadcast_to(v, (c["@n"],)), np.intp)
        else:
            key *= radix
            key += v
    key -= offset
    c["@key"], c["@grid"] = key, g


def _grid(radices, size):
    """The context of every combination of the grid facts' digits (see _tabulate)."""
    g = {"@n": size}
    rows, stride = np.arange(size, dtype=np.intp), 1
    for name, kind, gaps, radix, lo in radices:
        digit = rows // stride % radix
        given = digit >= gaps if gaps else _T
        value = digit - gaps
        if kind == "bool":
            value = value == 1
        elif kind == "date":
            value = np.where(given, value + lo, _NAT)
        g[name] = (value, given)
        stride *= radix
    return g
'''
