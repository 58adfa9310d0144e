"""Decision tables → columnar code (a mixin of backends/numpy.py's generator): enum-keyed tables with
constant values folded into arrays gathered per case, the others a hit policy over row masks."""
from __future__ import annotations

import itertools
import math

from ...ir import nodes as ir
from ...ir.kinds import output_kind
from ...ir.rowindex import RowIndex
from ..python.names import ident
from ..common import FOLDED_MAX, NOT_STATIC, comment

_NONE = -(2 ** 62)  # a folded table's "no row matches"
_UNKNOWN = object()  # a folded table's entry the notice leaves unknown
_FILL = {"date": "_NAT", "bool": "False", "enum": "-1"}  # a cascade's or table's default by output kind (else 0)


def _and(*oks):
    """Code for the conjunction of masks (None: always true), through _all: no column op for a part that
    is true throughout at run time (every fact given)."""
    oks = [o for o in oks if o is not None]
    if not oks:
        return None
    return oks[0] if len(oks) == 1 else "_all(" + ", ".join(oks) + ")"


class TableGen:
    """table() and table_lookup() for _Gen (which supplies p, enum_index, tables, expr and fold)."""

    def table(self, d: ir.Definition) -> list[str]:
        lookup = self.table_lookup(d)
        if lookup is not None:
            return lookup
        t = d.table
        lines = []
        key_oks = []
        for i, k in enumerate(t.keys):
            v, ok = self.expr(k.expr)
            lines.append(f"    k{i} = {v}")
            key_oks.append(ok)
        fill = _FILL.get(output_kind(d.type), "0")
        lines += ["    v, has, rows_ok = " + fill + ", _F, _T"]
        if t.hit == "unique":
            lines.append("    twice = _F")
        for row in t.rows:
            conds = []
            for i, (cell, key) in enumerate(zip(row.cells, t.keys)):
                if cell is None:
                    continue
                bits = sum(1 << self.enum_index[key.enum][code] for code in cell)
                if key.mode == "eq":
                    conds.append(f"_in({bits}, k{i})")
                else:
                    conds.append(f"((k{i} & {bits}) != 0)")
            cond = " & ".join(conds) or "_T"
            cite = f"  # §{comment(row.citation.clause)} “{comment(row.citation.quote)}”" if row.citation else ""
            x, xok = self.expr(row.value)
            lines.append(f"    m = {cond}{cite}")
            if t.hit == "best":
                lines += [f"    x = {x}", "    take = m & (~has | (x > v))", "    v = np.where(take, x, v)"]
            elif t.hit == "first":
                lines += ["    take = m & ~has", f"    v = np.where(take, {x}, v)"]
            else:
                lines += ["    twice = twice | (m & has)", f"    v = np.where(m, {x}, v)", "    take = m"]
            if xok is not None:
                # best: every matching row's value is computed; first/unique: the chosen row's
                lines.append(f"    rows_ok = rows_ok & (~{'m' if t.hit == 'best' else 'take'} | {xok})")
            lines.append("    has = has | m")
        ok = [*key_oks]
        if t.hit == "unique":
            ok.append("~twice")
        if t.default is not None:
            dv, dok = self.expr(t.default)
            lines.append(f"    v = np.where(has, v, {dv})")
            ok.append("rows_ok" if dok is None else f"np.where(has, rows_ok, {dok})")
        else:
            ok += ["has", "rows_ok"]
        lines.append(f"    r = (_full(c, v), _full(c, {_and(*ok)}))")
        return lines

    def table_lookup(self, d: ir.Definition) -> list[str] | None:
        """Enum keys (at most one set key, `best` hit) and constant or unknown values: the rows folded into
        arrays indexed by the eq keys' combination and the set key's whole bitmask (or member by member where
        that table would be too large), gathered per case: one gather instead of a mask per row."""
        t = d.table
        members = [i for i, k in enumerate(t.keys) if k.mode == "member"]
        if len(members) > 1 or (members and t.hit != "best") or not t.rows:
            return None
        values = []
        for row in t.rows:
            if isinstance(row.value, ir.Unknown) and row.value.low is None and row.value.high is None:
                values.append(_UNKNOWN)  # an entry the notice leaves unknown: its row, matched, is undecided
                continue
            v = row.value.value if isinstance(row.value, ir.Const) else self.fold(row.value)
            if v is NOT_STATIC or not isinstance(v, int) or isinstance(v, bool):
                return None
            values.append(v)
        eq = [i for i, k in enumerate(t.keys) if k.mode == "eq"]
        sizes = [len(self.p.enums[t.keys[i].enum].codes()) for i in eq]
        m = members[0] if members else None
        m_codes = self.p.enums[t.keys[m].enum].codes() if m is not None else []
        if math.prod(sizes) * max(1, len(m_codes)) > FOLDED_MAX:  # the key product, folded, would grow
            return None  # with it (3 × 100 members: a million): the rows are tried instead
        combos = list(itertools.product(*(self.p.enums[t.keys[i].enum].codes() for i in eq)))
        dense = m is not None and len(m_codes) <= 20 and len(combos) << len(m_codes) <= 1 << 22
        if m is not None and not dense and _UNKNOWN in values:
            return None

        def pick(hits):  # (value, unknown) of the matching rows' values by the hit policy
            known = [h for h in hits if h is not _UNKNOWN]
            if t.hit == "first":
                return (_NONE if not hits or hits[0] is _UNKNOWN else hits[0]), bool(hits) and hits[0] is _UNKNOWN
            return max(known, default=_NONE), len(known) < len(hits)
        always, always_unk, by_member, by_member_unk, twice = [], [], [], [], []
        index = RowIndex(t.rows)
        for combo in combos:
            reached = set(index.matching(zip(eq, combo)))

            def hits(code, any_member):  # the values, in row order, of the rows the combination reaches
                rows = reached if m is None else reached & (index.wild(m) if any_member else index.listing(m, code))
                return [values[r] for r in sorted(rows)]
            h = hits(None, True)
            v, u = pick(h)
            always.append(v)
            always_unk.append(u)
            twice.append(t.hit == "unique" and len(h) > 1)
            cells = [pick(hits(code, False)) for code in m_codes]
            by_member.append([v for v, _ in cells])
            by_member_unk.append([u for _, u in cells])
        var = ident("_T_", d.name, len(self.tables))
        unknown = any(always_unk) or any(map(any, by_member_unk))
        always_at = len(self.tables)
        self.tables.append(f"{var}_ALWAYS = np.array({always!r}, dtype=np.int64)  # {comment(d.name)}")
        if unknown:
            self.tables.append(f"{var}_ALWAYS_UNK = np.array({always_unk!r}, dtype=bool)")
        lines = [f"    # the rows of `{comment(d.name)}` folded into {var}_* ({t.hit} hit)"]
        key_oks = []
        index = "0"
        stride = 1
        for j, i in reversed(list(enumerate(eq))):
            k, ok = self.expr(t.keys[i].expr)
            key_oks.append(ok)
            lines.append(f"    k{i} = np.asarray({k}, dtype=np.int64)")
            index = f"k{i}" if index == "0" else f"{index} + {stride} * k{i}"
            stride *= sizes[j]
        lines.append(f"    combo = np.broadcast_to({index}, (c['@n'],))")
        u = None
        # a constant default where no row matches, baked into the arrays (no mask of the rows matched)
        baked = None
        if t.default is not None and (m is None or dense):
            folded = t.default.value if isinstance(t.default, ir.Const) else self.fold(t.default)
            if isinstance(folded, int) and not isinstance(folded, bool) and folded is not NOT_STATIC:
                baked = folded
        if m is None:
            if baked is not None:
                always = [baked if v == _NONE else v for v in always]
                self.tables[always_at] = f"{var}_ALWAYS = np.array({always!r}, dtype=np.int64)  # {comment(d.name)}"
            lines.append(f"    v = {var}_ALWAYS[combo]")
            if unknown:
                lines.append(f"    u = {var}_ALWAYS_UNK[combo]")
                u = "u"
        else:
            self.tables.append(f"{var}_BY_MEMBER = np.array({by_member!r}, dtype=np.int64)")
            k, ok = self.expr(t.keys[m].expr)
            key_oks.append(ok)
            bits = f"np.asarray({k}, dtype=np.int64)"
            if dense:
                self.tables.append(f"{var}_BY_MEMBER_UNK = np.array({by_member_unk!r}, dtype=bool)")
                unk = f"{var}_ALWAYS_UNK, {var}_BY_MEMBER_UNK" if unknown else "None, None"
                lines += [f"    best, unk = _by_mask({var!r}, {var}_ALWAYS, {var}_BY_MEMBER, {unk}, {baked})",
                          f"    at = combo * {1 << len(m_codes)} + {bits}",
                          "    v = best.take(at)"]
                if unknown and baked is not None:  # an unknown entry is _UNKNOWN_V in `best` (see _by_mask)
                    key_oks.append("(v != _UNKNOWN_V)")
                elif unknown:
                    lines.append("    u = unk.take(at)")
                    u = "u"
            else:
                lines += [f"    v = {var}_ALWAYS[combo]",
                          f"    v = _best_over_bits(v, combo, np.broadcast_to({bits}, (c['@n'],)), {var}_BY_MEMBER)"]
        if baked is None:
            lines.append(f"    has = v != {_NONE}" if u is None else f"    has = (v != {_NONE}) | u")
        ok = [*key_oks]
        if u is not None:
            ok.append("~u")
        if any(twice):
            self.tables.append(f"{var}_TWICE = np.array({twice!r})")
            ok.append(f"~{var}_TWICE[combo]")
        if baked is not None:
            pass
        elif t.default is not None:
            dv, dok = self.expr(t.default)
            lines.append(f"    v = np.where(has, v, {dv})")
            if dok is not None:
                ok.append(f"(has | {dok})")
        else:
            ok.append("has")
        lines.append(f"    r = (_full(c, v), _full(c, {_and(*ok) or '_T'}))")
        return lines
