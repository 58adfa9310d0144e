"""Hand-written NumPy yardstick for the columnar backend: handwritten.py's four decisions of
九龙坡医保发〔2023〕46号 over bench/cases.columns() arrays, chunked, as a person tuning NumPy would write
them (assistance one gather from a table by tier and the whole identity bitmask). Money int64 fen;
benefit_start datetime64[D], NaT where undecidable. bench/columnar.py times it beside the generated code.
"""
from __future__ import annotations

import numpy as np

from handwritten import ASSISTANCE_TABLE, STANDARD
from identities import IDENTITIES

GROUPS = ("resident", "student", "newborn")
_STANDARD = np.array([[0, STANDARD[g, 1], STANDARD[g, 2]] for g in GROUPS], np.int64)  # [group, tier]
_D = lambda s: np.datetime64(s, "D")  # noqa: E731
WINDOW_OPENS, CONCENTRATED_ENDS, EARLY_ENDS = _D("2023-10-12"), _D("2023-12-31"), _D("2024-02-29")
TRANSITION, RESIDENT_CLOSES, YEAR_STARTS, YEAR_ENDS = _D("2023-09-01"), _D("2024-09-30"), _D("2024-01-01"), _D("2024-12-31")
NO_SUBSIDY_AFTER, FEB, MAR, NAT = _D("2024-06-30"), _D("2024-02-01"), _D("2024-03-01"), np.datetime64("NaT", "D")


def _assistance_table():
    """[tier, bitmask] → the best single assistance (built by doubling over the bits)."""
    width = len(IDENTITIES)
    table = np.zeros((3, 1 << width), np.int64)
    for bit, code in enumerate(IDENTITIES):
        value = ASSISTANCE_TABLE.get(code, (0, 0))
        for tier in (1, 2):
            np.maximum(table[tier, :1 << bit], value[tier - 1], out=table[tier, 1 << bit:2 << bit])
    return table.ravel()


_ASSIST = _assistance_table()


def _decide(group, tier, ident, paid, birth, freshman):
    contribution = _STANDARD[group, tier] + np.where((group == 0) & (paid > NO_SUBSIDY_AFTER), 67000, 0)
    assistance = _ASSIST.take(tier.astype(np.int64) * (1 << len(IDENTITIES)) + ident)
    due = np.maximum(contribution - assistance, 0)
    student_early = (group == 1) & (paid <= CONCENTRATED_ENDS)
    start = np.where(paid + 91 > YEAR_ENDS, NAT, paid + 91)
    start = np.where(paid <= EARLY_ENDS, np.where(paid < FEB, FEB, MAR), start)
    newborn = (group == 2) & (paid > CONCENTRATED_ENDS)
    start = np.where(newborn & (paid <= birth + 90), birth, np.where(newborn & np.isnat(birth), NAT, start))
    start = np.where((group == 0) & (paid > RESIDENT_CLOSES), NAT, start)
    start = np.where(paid <= CONCENTRATED_ENDS, YEAR_STARTS, start)
    start = np.where(paid < WINDOW_OPENS, NAT, start)
    student = np.where(freshman, paid + 1, np.where(paid >= WINDOW_OPENS, YEAR_STARTS,
                                                    np.where(paid >= TRANSITION, TRANSITION, NAT)))
    start = np.where(student_early, student, start)
    return contribution, assistance, due, start


def evaluate(cols: dict, chunk: int = 1 << 16) -> dict:
    n = len(cols["group"])
    out = {k: np.empty(n, "datetime64[D]" if k == "benefit_start" else np.int64)
           for k in ("contribution", "assistance", "amount_due", "benefit_start")}
    for s in range(0, n, chunk):
        part = [cols[k][s:s + chunk] for k in ("group", "tier", "identities", "payment_date", "birth_date", "freshman")]
        for k, v in zip(out, _decide(*part)):
            out[k][s:s + chunk] = v
    return out
