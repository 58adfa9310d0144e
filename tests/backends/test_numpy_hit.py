"""`hit first` and `hit unique` tables in the NumPy backend, held to the scalar generated code case by
case: overlapping rows (first: the first matching row wins; unique: two matching rows are undecidable),
no row matching (undecidable, or the `otherwise` value), a wildcard, a set key (the mask path) and
enum keys only (the folded lookup), and a tier the case does not give. The notice is made up for the
test (【虚构示例】)."""
from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest

np = pytest.importorskip("numpy")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import cases as gen  # noqa: E402
from helpers import check, decide  # noqa: E402

from yibao.backends.numpy import generate as to_numpy  # noqa: E402
from yibao.run.evaluate import load_generated  # noqa: E402

Q = '§一 "个人缴费标准为一档 380 元/人·年"'
TABLES = f"""
table 首条 (group, tier) : money "首条" hit first {{
  大学生, * => 1 元 {Q}
  *, 二档 => 2 元 {Q}
  普通城乡居民, * => 3 元 {Q}
}}
table 唯一 (group, tier) : money "唯一" hit unique {{
  大学生, * => 1 元 {Q}
  *, 二档 => 2 元 {Q}
  普通城乡居民, 一档 => 3 元 {Q}
}}
table 唯一否则 (group, tier) : money "唯一否则" hit unique otherwise 9 元 {Q} {{
  大学生, 一档 => 1 元 {Q}
  {{大学生, 新生儿}}, 一档 => 2 元 {Q}
}}
table 首条身份 (identities, tier) : money "首条身份" hit first {{
  {{低保对象}}, * => 10 元 {Q}
  {{特困人员, 低保对象}}, 二档 => 20 元 {Q}
  *, 二档 => 30 元 {Q}
}}
table 唯一身份 (identities, tier) : money "唯一身份" hit unique {{
  {{低保对象}}, * => 10 元 {Q}
  {{特困人员}}, 二档 => 20 元 {Q}
}}
"""
NAMES = ["首条", "唯一", "唯一否则", "首条身份", "唯一身份"]
DECISIONS = "".join(f'decision d{i} : money "{n}" = {n} {Q}\n' for i, n in enumerate(NAMES))

IDENTITY_SETS = [[], ["dibao"], ["destitute"], ["dibao", "destitute"], ["orphan"], ["destitute", "orphan"]]


@pytest.fixture(scope="module")
def program(tmp_path_factory):
    p, diags = check(tmp_path_factory.mktemp("hit"), TABLES + DECISIONS)
    assert p is not None, [d.render() for d in diags]
    return p


def cases():
    out = [{"group": g, "tier": t, "identities": ids, "payment_date": "2024-03-01"}
           for g, t, ids in itertools.product(["resident", "student", "newborn"], [1, 2], IDENTITY_SETS)]
    return out


def test_hit_first_and_unique_in_numpy_equal_the_scalar_code(program):
    scalar = load_generated(program)
    columnar = to_numpy.load(program)
    assert set(columnar.DECISIONS) == {f"d{i}" for i in range(len(NAMES))}  # every table is vectorized
    all_cases = cases()
    columns = to_numpy.bench_columns(columnar, gen.to_columns(all_cases))
    no_tier = np.arange(len(all_cases)) % 5 == 4  # some cases do not give their tier
    columns["tier"] = np.where(no_tier, -1, columns["tier"])
    results = columnar.evaluate(columns, grid=False, chunk=16)
    seen = {name: set() for name in columnar.DECISIONS}
    for i, case in enumerate(all_cases):
        if no_tier[i]:
            case = {k: v for k, v in case.items() if k != "tier"}
        c = scalar.decode_case(case, scalar.FACTS)
        for name in columnar.DECISIONS:
            values, decided = results[name]
            try:
                want = decide(scalar, scalar.DECISIONS[name][0], c)
            except scalar.Undecidable:
                want = None
            got = int(columnar.decode(name, values[i:i + 1])[0]) if decided[i] else None
            assert got == want, (name, case)
            seen[name].add(want)
    # the cases reach every row, the overlaps and the gaps
    assert seen["d0"] == {100, 200, 300, None}
    assert seen["d1"] == {100, 200, 300, None}  # None: a student in 二档 matches two rows
    assert seen["d2"] == {200, 900, None}  # 大学生 一档 matches both rows: undecidable, not 100 or 200
    assert seen["d3"] == {1000, 2000, 3000, None}
    assert seen["d4"] == {1000, 2000, None}


@pytest.mark.parametrize("case, name, want", [
    ({"group": "student", "tier": 2}, "d0", 100),      # first: 大学生 before 二档
    ({"group": "newborn", "tier": 2}, "d0", 200),
    ({"group": "newborn", "tier": 1}, "d0", None),     # no row
    ({"group": "student", "tier": 2}, "d1", None),     # unique: two rows
    ({"group": "resident", "tier": 1}, "d1", 300),
    ({"group": "resident", "tier": 1}, "d2", 900),     # otherwise
    ({"group": "newborn", "tier": 1}, "d2", 200),
    ({"group": "student", "tier": 1}, "d2", None),     # unique with otherwise: two rows still undecidable
    ({"identities": ["dibao", "destitute"], "tier": 2}, "d3", 1000),
    ({"identities": ["destitute"], "tier": 2}, "d3", 2000),  # a set key matches on any member
    ({"identities": ["orphan"], "tier": 2}, "d3", 3000),
    ({"identities": ["orphan"], "tier": 1}, "d3", None),
    ({"identities": ["dibao", "destitute"], "tier": 2}, "d4", None),
    ({"identities": ["destitute"], "tier": 2}, "d4", 2000),
])
def test_the_hit_policies_mean_what_they_say(program, case, name, want):
    scalar = load_generated(program)
    c = scalar.decode_case({"payment_date": "2024-03-01", **case}, scalar.FACTS)
    try:
        got = decide(scalar, scalar.DECISIONS[name][0], c)
    except scalar.Undecidable:
        got = None
    assert got == want
