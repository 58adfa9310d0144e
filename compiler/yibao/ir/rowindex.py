"""Which rows of a decision table a combination of key codes can reach, found by index: asked for each
of m combinations, a table of n rows costs about n + m set intersections, not n × m row scans. (A
best-hit table with a row per identity code, 资助标准's shape, was quadratic in the codes: 800 of them
took seconds to generate and to analyse.) The generators fold tables with it and the analyses look
for gaps and overlaps with it."""
from __future__ import annotations


class RowIndex:
    """A table's rows by key column: those whose cell is `*` (None) and, for each code, those listing it."""

    def __init__(self, rows):
        self.rows = list(rows)
        width = len(self.rows[0].cells) if self.rows else 0
        self._wild = [frozenset(r for r, row in enumerate(self.rows) if row.cells[i] is None) for i in range(width)]
        self._listing: list[dict] = [{} for _ in range(width)]
        for r, row in enumerate(self.rows):
            for i, cell in enumerate(row.cells):
                for code in cell or ():
                    self._listing[i].setdefault(code, set()).add(r)
        self._reach: dict = {}

    def wild(self, i: int) -> frozenset:
        """The rows whose key `i` is `*`."""
        return self._wild[i] if self.rows else frozenset()

    def listing(self, i: int, code) -> frozenset:
        """The rows whose key `i` names `code` itself (not `*`)."""
        return frozenset(self._listing[i].get(code, ())) if self.rows else frozenset()

    def reach(self, i: int, code) -> frozenset:
        """The rows whose key `i` is `*` or names `code`."""
        got = self._reach.get((i, code))
        if got is None:
            got = self._reach[(i, code)] = self.wild(i) | self.listing(i, code)
        return got

    def matching(self, pairs) -> list[int]:
        """The rows (in table order) that every (key, code) of `pairs` reaches; all rows for no pairs."""
        sets = sorted((self.reach(i, code) for i, code in pairs), key=len)
        if not sets:
            return list(range(len(self.rows)))
        out = set(sets[0])
        for s in sets[1:]:
            out &= s
            if not out:
                break
        return sorted(out)
