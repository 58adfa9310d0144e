"""ir/rowindex.py finds the rows a combination of key codes reaches by index (issue 23: a table with a
row per identity code was quadratic to generate and analyse); it must find exactly the rows a scan of
every row finds, in table order, for any table."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from yibao.ir import nodes as ir
from yibao.ir.rowindex import RowIndex

CODES = ["a", "b", "c", "d"]
cell = st.one_of(st.none(), st.frozensets(st.sampled_from(CODES), min_size=1))


def row(cells, value):
    return ir.RowIR(f"r{value}", tuple(cells), ir.Const(value, ir.MONEY), None, "测试")


def table(width):
    return st.lists(st.tuples(*[cell] * width), max_size=8).map(
        lambda rows: [row(cells, i) for i, cells in enumerate(rows)])


@settings(max_examples=300, derandomize=True)
@given(st.integers(1, 3).flatmap(lambda w: st.tuples(table(w), st.lists(st.sampled_from(CODES), min_size=w, max_size=w))))
def test_the_index_reaches_exactly_the_rows_a_scan_reaches(rows_and_combo):
    rows, combo = rows_and_combo
    index = RowIndex(rows)
    scan = [r for r, row in enumerate(rows) if all(c is None or code in c for c, code in zip(row.cells, combo))]
    assert index.matching(enumerate(combo)) == scan
    for i, code in enumerate(combo):
        assert index.wild(i) == {r for r, row in enumerate(rows) if row.cells[i] is None}
        assert index.listing(i, code) == {r for r, row in enumerate(rows) if row.cells[i] and code in row.cells[i]}


def test_no_key_reaches_every_row_and_a_code_no_row_names_reaches_only_the_wildcards():
    rows = [row((frozenset("a"), None), 1), row((None, frozenset("b")), 2)]
    index = RowIndex(rows)
    assert index.matching([]) == [0, 1]
    assert index.matching([(0, "z")]) == [1] and index.matching([(0, "z"), (1, "z")]) == []
