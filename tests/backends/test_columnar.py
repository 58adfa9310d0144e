"""The columnar (NumPy) calculator agrees with the scalar generated one, case by case.

Same seeded cases as the benchmark (bench/cases.py), plus hand-picked edge cases and cases with
missing facts, for every decision the columnar path vectorizes; the `decided` mask must match the
scalar code's Undecidable too. No timings here: speed is the benchmark's business.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

np = pytest.importorskip("numpy")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import cases as gen  # noqa: E402
from helpers import decide  # noqa: E402

from yibao.backends.numpy import generate as to_numpy  # noqa: E402
from yibao.run.evaluate import load_generated  # noqa: E402
from yibao.policies.directory import PolicySet  # noqa: E402

N = 3000
NOTICES = ["渝医保发〔2023〕24号", "九龙坡医保发〔2023〕46号"]

# the yardsticks' edge cases, and more the scalar and columnar paths must agree on
EDGE_CASES = gen.EDGE_CASES + [
    {"group": "newborn", "tier": 2, "payment_date": "2024-01-02", "birth_date": "2024-02-01"},
    {"tier": 2, "payment_date": "2024-12-31", "identities": ["dibao", "martyr_family"]},
    {"tier": 1, "payment_date": "2025-01-01"},
    {"group": "student", "tier": 1, "payment_date": "2023-12-31", "freshman": True},
]


def _policies():
    ps = PolicySet(ROOT / "policies")
    return ps, [n for n in NOTICES if n in ps.notices]


def _cases():
    """(case dicts, bench-format columns) for the same cases, some with facts left out."""
    cases = list(gen.generate(N, seed=7)) + [dict(c) for c in EDGE_CASES]
    cols = gen.to_columns(cases)
    # every 97th case without a tier, every 101st without a payment date
    no_tier = np.arange(len(cases)) % 97 == 5
    no_paid = np.arange(len(cases)) % 101 == 3
    for i in np.flatnonzero(no_tier):
        del cases[i]["tier"]
    for i in np.flatnonzero(no_paid):
        del cases[i]["payment_date"]
    return cases, cols, no_tier, no_paid


def _scalar(value):
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[D]").item()
    if isinstance(value, np.generic):
        return value.item()
    return value


@pytest.mark.parametrize("grid", [False, True], ids=["per-row", "grid"])
@pytest.mark.parametrize("notice", NOTICES)
def test_columnar_equals_scalar(notice, grid):
    """Per row, and with the functions of few-valued facts run once per combination and gathered."""
    ps, present = _policies()
    if notice not in present:
        pytest.skip(f"{notice} is not encoded yet")
    program = ps.load(notice)
    scalar = load_generated(program)
    columnar = to_numpy.load(program)
    assert columnar.DECISIONS, "the columnar path vectorizes no decision"

    cases, cols, no_tier, no_paid = _cases()
    columns = to_numpy.bench_columns(columnar, cols)
    if "tier" in columns:
        columns["tier"] = np.where(no_tier, -1, columns["tier"])
    columns["payment_date"] = np.where(no_paid, np.datetime64("NaT", "D"), columns["payment_date"])
    # small chunks: some give every fact, some do not; their dates span different days (grids reused, rebuilt)
    results = columnar.evaluate(columns, grid=grid, chunk=64)
    assert bool(columnar._GRIDS) == (grid and bool(columnar.GRID_FACTS))  # the grid did run

    mismatches = []
    checked = 0
    for i, case in enumerate(cases):
        c = scalar.decode_case(case, scalar.FACTS)
        for name, (fn, kind, enum) in columnar.DECISIONS.items():
            values, decided = results[name]
            try:
                want, want_decided = decide(scalar, scalar.DECISIONS[name][0], c), True
            except scalar.Undecidable:
                want, want_decided = None, False
            got_decided = bool(decided[i])
            got = _scalar(columnar.decode(name, values[i:i + 1])[0]) if got_decided else None
            if isinstance(want, dt.date) and isinstance(got, dt.datetime):
                got = got.date()
            checked += 1
            if (got_decided, got) != (want_decided, want):
                mismatches.append((i, name, case, (want_decided, want), (got_decided, got)))
    assert not mismatches, f"{len(mismatches)} of {checked} differ, e.g. " + "\n".join(map(str, mismatches[:8]))
    assert len(cases) >= 2000


def test_grid_equals_per_row_for_every_notice():
    """Every notice's columnar module decides the same with the grid as without, on the bench's cases
    with gaps (the differential test above checks two notices against the scalar module)."""
    ps = PolicySet(ROOT / "policies")
    cases, cols, no_tier, no_paid = _cases()
    for notice in sorted(ps.notices):
        mod = to_numpy.load(ps.load(notice))
        columns = to_numpy.bench_columns(mod, cols)
        if "tier" in columns:
            columns["tier"] = np.where(no_tier, -1, columns["tier"])
        columns["payment_date"] = np.where(no_paid, np.datetime64("NaT", "D"), columns["payment_date"])
        if "freshman" in columns:  # a bool fact some rows do not give
            columns["freshman?"] = np.arange(len(cases)) % 89 != 7
        per_row = mod.evaluate(columns, grid=False, chunk=512)
        grid = mod.evaluate(columns, grid=True, chunk=512)
        for name, (values, decided) in per_row.items():
            got, got_decided = grid[name]
            assert np.array_equal(decided, got_decided), (notice, name)
            # values where decided (date columns compared as day numbers: NaT never equals itself)
            as_int = (lambda v: v.view(np.int64)) if values.dtype.kind == "M" else np.asarray
            assert np.array_equal(as_int(values)[decided], as_int(got)[decided]), (notice, name)


def test_grid_key_finds_each_rows_combination():
    """The grid's key (_tabulate) points every row at the grid row holding its facts' values and
    given-ness: enums, bools and dates, given throughout or not."""
    from yibao.backends.numpy.gridrun import GRID_RUNTIME
    from yibao.backends.numpy.runtime import _RUNTIME
    space = {"np": np}
    exec(_RUNTIME + GRID_RUNTIME, space)
    space.update(ENUMS={"e": ("a", "b", "c")}, FACTS={"k": ("enum", "e", None), "b": ("bool", None, None),
                                                     "d": ("date", None, None), "k2": ("enum", "e", None)},
                 GRID_FACTS=[("b", "bool"), ("d", "date"), ("k", "enum"), ("k2", "enum")])
    rng = np.random.default_rng(5)
    n = 5000
    for gaps in (False, True):
        k = rng.integers(-1 if gaps else 0, 3, n)
        b, b_given = rng.random(n) < 0.5, (rng.random(n) < 0.9) if gaps else space["_T"]
        d = 19600 + rng.integers(0, 40, n)
        d_given = (rng.random(n) < 0.9) if gaps else space["_T"]
        if gaps:
            d = np.where(d_given, d, space["_NAT"])
        c = {"@n": n, "k": (k, k >= 0 if gaps else space["_T"]), "b": (b, b_given), "d": (d, d_given),
             "k2": (np.full(n, 2), space["_T"])}
        space["_tabulate"](c, 1 << 20)
        key, g = c["@key"], c["@grid"]
        for name in ("k", "b", "d", "k2"):
            v, given = c[name]
            gv, ggiven = g[name]
            given = np.broadcast_to(given, (n,))
            assert np.array_equal(np.broadcast_to(ggiven, (g["@n"],))[key], given), (gaps, name)
            assert np.array_equal(gv[key][given], v[given]), (gaps, name)


def test_columnar_date_idioms_match_runtime():
    """plus_months / first_of_next_month / pct agree with the scalar runtime on awkward days."""
    from yibao.runtime import core as rt
    ps, present = _policies()
    mod = to_numpy.load(ps.load(present[0]))
    days = np.arange(np.datetime64("2023-01-01"), np.datetime64("2025-01-01"))
    for n in (0, 1, 3, 4, 13):
        got = mod._date_plus_months(days, n)
        want = [rt.plus_months(d.item(), n) for d in days]
        assert [g.item() for g in got] == want
    assert [d.item() for d in mod._first_of_next_month(days)] == [rt.first_of_next_month(d.item()) for d in days]
    fen = np.arange(-1000, 1000, 7)
    for num, den in ((7, 10), (4, 5), (1, 3), (2, 3)):
        assert mod._pct(fen, num, den).tolist() == [rt.pct(int(f), num, den) for f in fen]


def test_columnar_per_day_idioms_on_long_columns():
    """The per-day tables behind first_of_next_month / plus_months (columns ≥ 4096), NaT kept."""
    from yibao.runtime import core as rt
    ps, present = _policies()
    mod = to_numpy.load(ps.load(present[0]))
    rng = np.random.default_rng(1)
    days = np.datetime64("2023-06-01") + rng.integers(0, 500, 10000).astype("timedelta64[D]")
    days[::97] = np.datetime64("NaT")
    got = mod._first_of_next_month(days)
    for d, g in zip(days, got):
        assert np.isnat(g) if np.isnat(d) else g.item() == rt.first_of_next_month(d.item())
    got = mod._date_plus_months(days, 3)
    for d, g in zip(days, got):
        assert np.isnat(g) if np.isnat(d) else g.item() == rt.plus_months(d.item(), 3)


def test_decisions_named_like_keywords_or_helpers_still_build_a_columnar_module(tmp_path):
    import shutil
    from yibao.backends.numpy import generate as to_numpy
    from yibao.policies.directory import PolicySet
    d = tmp_path / "policies"
    shutil.copytree(ROOT / "policies" / "lib", d / "lib")
    (d / "texts").mkdir()
    (d / "texts" / "测试〔2024〕9号.txt").write_text("一档 400 元", encoding="utf-8")
    (d / "t.policy").write_text('''notice 测试〔2024〕9号 {
  title "t" issuers "x" issued 2024-01-02 coverage 2024 jurisdiction "y" implements none
}
use 居民医保
decision class : money = 400 元 §一 "一档 400 元"
decision evaluate : money = 400 元 §一 "一档 400 元"
''', encoding="utf-8")
    source = to_numpy.generate(PolicySet(d).load("测试〔2024〕9号"))
    namespace: dict = {}
    exec(compile(source, "<columnar>", "exec"), namespace)
    assert "class_" in namespace and callable(namespace["evaluate"])  # the helper is not shadowed
    assert set(namespace["DECISIONS"]) == {"class", "evaluate"}
