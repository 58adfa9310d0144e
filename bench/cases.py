"""Seeded synthetic cases for 九龙坡医保发〔2023〕46号 (coverage year 2024).

    python bench/cases.py N [--seed S] [--realistic] > cases.jsonl

generate(n, seed) yields interface.md case dicts; columns(n, seed) returns the very same cases as
NumPy columns. Both are drawn chunk by chunk from numpy.random.default_rng([seed, chunk]) with a
fixed chunk size, so generate(n) is a prefix of generate(m) for n < m, and streaming a million
cases runs in constant memory.

Columns (all length n):
    group         int8    index into GROUPS: 0 resident, 1 student, 2 newborn
    tier          int8    1 or 2
    identities    int64   bitmask, bit i <=> identities.IDENTITIES[i] (interface.md table order:
                          bit 0 destitute, 1 dibao, ... 17 needy_student, 18 low_income_elderly)
    payment_date  datetime64[D]
    birth_date    datetime64[D], NaT where the case gives none (only newborns have one)
    freshman      bool
The 九龙坡 decisions take no money input, so no money column is drawn (one would be int64 fen).
"""

import argparse
import json
import sys

import numpy as np

try:  # imported as bench.cases
    from .identities import BIT, CODE_OF, IDENTITIES, LABELS
except ImportError:  # run as a script from bench/
    from identities import BIT, CODE_OF, IDENTITIES, LABELS

GROUPS = ("resident", "student", "newborn")
CHUNK = 65536
MAX_IDS = 3

_D = np.datetime64
# Payment-date segments: concentrated window, January–February, the rest of the year to the
# residents' closing day, and a few boundary days where rules switch.
_SEGMENTS = (
    (_D("2023-10-12"), _D("2023-12-31")),
    (_D("2024-01-01"), _D("2024-02-29")),
    (_D("2024-03-01"), _D("2024-09-30")),
)
_SEGMENT_P = (0.66, 0.15, 0.16, 0.03)
_SPANS = np.array([(hi - lo).astype(int) + 1 for lo, hi in _SEGMENTS])
_NEWBORN_SEGMENT_P = tuple(0.97 * _SPANS / _SPANS.sum()) + (0.03,)
_BOUNDARY_DAYS = np.array(
    ["2023-10-12", "2023-12-31", "2024-01-01", "2024-01-31", "2024-02-01", "2024-02-29",
     "2024-03-01", "2024-06-30", "2024-07-01", "2024-09-30"], dtype="datetime64[D]")

_GROUP_P = (0.75, 0.15, 0.10)
_TIER2_P = 0.2
_N_IDS_P = (0.6, 0.25, 0.1, 0.05)  # 0, 1, 2, 3 identities
_LABEL_P = 0.2  # how often an identity is spelled with a Chinese label

# Relative frequency of each identity by group (IDENTITIES order); zero = never drawn.
_W = {
    "resident": dict(destitute=2, dibao=6, dibao_marginal=2, relapsed_poverty=0.5,
                     unstable_poverty_exit=1, poverty_risk=1, sudden_hardship=0.5,
                     poverty_exited=6, orphan=0.3, veteran_care=1, demobilized_veteran=0.3,
                     martyr_family=0.5, severe_disability=3, family_planning_reward=3,
                     family_planning_special=1, family_planning_complication=0.3,
                     infertile_couple=0.3, low_income_elderly=4),
    "student": dict(needy_student=10, dibao=2, destitute=0.5, orphan=0.5, poverty_exited=2,
                    severe_disability=0.5, family_planning_special=0.5, dibao_marginal=0.5,
                    martyr_family=0.3),
    "newborn": dict(dibao=3, destitute=0.5, orphan=0.5, poverty_exited=2,
                    family_planning_special=1, dibao_marginal=1, severe_disability=0.5),
}
with np.errstate(divide="ignore"):
    _LOG_W = np.log(np.array([[_W[g].get(c, 0.0) for c in IDENTITIES] for g in GROUPS]))


# Where the rules switch, including cases the generator never draws (paid before the window,
# after the residents' closing day, a newborn's late payment past the year's end).
EDGE_CASES = [
    {"group": "student", "tier": 1, "payment_date": "2023-09-01"},
    {"group": "student", "tier": 2, "payment_date": "2023-10-11", "freshman": False},
    {"group": "student", "tier": 1, "payment_date": "2023-08-31"},
    {"group": "student", "tier": 1, "payment_date": "2023-09-20", "freshman": True},
    {"group": "student", "tier": 1, "payment_date": "2024-08-20", "freshman": True},
    {"group": "student", "tier": 2, "payment_date": "2024-08-20", "identities": ["家庭经济困难在校大学生"]},
    {"tier": 1, "payment_date": "2023-10-11"},
    {"tier": 1, "payment_date": "2024-10-01", "identities": ["特困人员"]},
    {"tier": 2, "payment_date": "2024-06-30", "identities": ["在乡老复员军人"]},
    {"tier": 1, "payment_date": "2024-07-01", "identities": ["烈士遗属", "低保对象"]},
    {"tier": 2, "payment_date": "2024-07-01", "identities": ["low_income_elderly", "family_planning_reward"]},
    {"tier": 1, "payment_date": "2024-09-30", "identities": ["poverty_exited"]},
    {"group": "newborn", "tier": 1, "payment_date": "2024-07-30", "birth_date": "2024-05-01"},
    {"group": "newborn", "tier": 1, "payment_date": "2024-07-31", "birth_date": "2024-05-01"},
    {"group": "newborn", "tier": 2, "payment_date": "2024-10-01", "birth_date": "2024-01-01"},
    {"group": "newborn", "tier": 2, "payment_date": "2024-10-02", "birth_date": "2024-01-01"},
    {"group": "newborn", "tier": 1, "payment_date": "2024-02-10"},
]


def _chunk(seed, index):
    """One full chunk of draws (columns plus the presentation choices generate() needs)."""
    rng = np.random.default_rng([seed, index])
    n = CHUNK
    group = rng.choice(3, n, p=_GROUP_P).astype(np.int8)
    tier = np.where(rng.random(n) < _TIER2_P, 2, 1).astype(np.int8)

    # Residents and students crowd into the concentrated window; babies are born all year round,
    # so newborns' payments spread evenly over the days.
    seg = np.where(group == 2, rng.choice(4, n, p=_NEWBORN_SEGMENT_P), rng.choice(4, n, p=_SEGMENT_P))
    u = rng.random(n)
    paid = _BOUNDARY_DAYS[rng.integers(0, len(_BOUNDARY_DAYS), n)]
    for s, ((lo, _), span) in enumerate(zip(_SEGMENTS, _SPANS)):
        pick = seg == s
        paid[pick] = lo + (u[pick] * span).astype(int)

    # Newborns: mostly paid within the 90 days, some exactly at the edge, some late.
    newborn = group == 2
    age = np.where(rng.random(n) < 0.75, rng.integers(0, 90, n), rng.integers(91, 200, n))
    age = np.where(rng.random(n) < 0.1, rng.integers(89, 92, n), age)
    has_birth = newborn & (rng.random(n) < 0.95)
    birth = np.where(has_birth, paid - age, np.datetime64("NaT", "D"))

    freshman = (group == 1) & (rng.random(n) < 0.25)

    # Up to three distinct identities per case: Gumbel top-k = weighted draw without replacement.
    keys = _LOG_W[group] + rng.gumbel(size=(n, len(IDENTITIES)))
    slots = np.argsort(-keys, axis=1)[:, :MAX_IDS].astype(np.int8)
    k = rng.choice(MAX_IDS + 1, n, p=_N_IDS_P)
    used = np.arange(MAX_IDS) < k[:, None]
    mask = np.where(used, np.int64(1) << slots.astype(np.int64), 0).sum(axis=1).astype(np.int64)

    return {
        "group": group, "tier": tier, "identities": mask, "payment_date": paid,
        "birth_date": birth, "freshman": freshman,
        # presentation only (generate): which spelling, which optional fields
        "_slots": slots, "_k": k, "_label_u": rng.random((n, MAX_IDS)),
        "_omit_group": rng.random(n) < 0.3, "_continuous": rng.integers(0, 3, n),
    }


_COLUMNS = ("group", "tier", "identities", "payment_date", "birth_date", "freshman")


def columns(n, seed=0):
    """The cases generate(n, seed) yields, as NumPy column arrays (see module doc)."""
    # At least one chunk, so that n == 0 still gives typed empty columns.
    parts = [_chunk(seed, c) for c in range(max(1, -(-n // CHUNK)))]
    return {name: np.concatenate([p[name] for p in parts])[:n] for name in _COLUMNS}


def to_columns(cases):
    """Columns for any iterable of case dicts (codes or labels), e.g. hand-written edge cases."""
    cases = list(cases)
    nat = np.datetime64("NaT", "D")
    return {
        "group": np.array([GROUPS.index(c.get("group", "resident")) for c in cases], np.int8),
        "tier": np.array([c["tier"] for c in cases], np.int8),
        "identities": np.array([sum({1 << BIT[CODE_OF[i]] for i in c.get("identities", ())})
                                for c in cases], np.int64),
        "payment_date": np.array([c["payment_date"] for c in cases], "datetime64[D]"),
        "birth_date": np.array([c.get("birth_date", nat) for c in cases], "datetime64[D]"),
        "freshman": np.array([c.get("freshman", False) for c in cases], bool),
    }


def _spell(code_index, u):
    code = IDENTITIES[code_index]
    if u >= _LABEL_P:
        return code
    labels = LABELS[code]
    return labels[int(u / _LABEL_P * len(labels))]


# The realistic roll (generate(..., realistic=True)): a district's people as a roll lists them. Every
# case has an id, a birth date and its own amount (the cesarean benefit's inpatient reimbursement),
# so no two lines repeat; most people hold no assistance identity.
_REAL_N_IDS_P = (0.88, 0.09, 0.025, 0.005)
_AGE_BANDS = np.array([0, 5, 15, 25, 35, 45, 55, 65, 75, 85, 100])  # years, band edges
_AGE_P = np.array([4, 9, 10, 12, 14, 15, 14, 12, 7, 3], float)  # a district's pyramid, roughly
_AGE_P /= _AGE_P.sum()


def _realistic(seed, index, ch, m):
    """The realistic roll's draws for one chunk (a stream of their own: the repeating roll's are kept):
    ids, birth dates as ISO text, amounts as "yuan.fen" text, and how many identities each case holds."""
    rng = np.random.default_rng([seed, index, 1])
    n = CHUNK
    band = rng.choice(len(_AGE_P), n, p=_AGE_P)
    years = _AGE_BANDS[band] + rng.random(n) * (_AGE_BANDS[band + 1] - _AGE_BANDS[band])
    years = np.where(ch["group"] == 1, 17 + rng.random(n) * 9, years)  # students: 17 to 25
    born = ch["payment_date"] - (years * 365.25).astype(np.int64)
    born = np.where(ch["group"] == 2, np.where(np.isnat(ch["birth_date"]), ch["payment_date"] - 30, ch["birth_date"]),
                    born)
    fen = (rng.lognormal(12.0, 1.3, n)).astype(np.int64) + rng.integers(0, 100, n)  # ≈ 1,000 yuan, a long tail
    k = rng.choice(MAX_IDS + 1, n, p=_REAL_N_IDS_P)
    return {"id": [f"JLP{index * CHUNK + i:09d}" for i in range(m)],
            "born": np.datetime_as_string(born[:m]).tolist(),
            "amount": [f"{f // 100}.{f % 100:02d}" for f in fen[:m].tolist()], "k": k[:m].tolist()}


def generate(n, seed=0, realistic=False):
    """Yield n interface.md case dicts: the repeating roll (the benchmark's first: 60% of its lines
    repeat an earlier one but for their dates), or with `realistic` a roll of distinct people."""
    for c in range(-(-n // CHUNK)):
        ch = _chunk(seed, c)
        m = min(CHUNK, n - c * CHUNK)
        real = _realistic(seed, c, ch, m) if realistic else None
        group, tier = ch["group"][:m].tolist(), ch["tier"][:m].tolist()
        paid = np.datetime_as_string(ch["payment_date"][:m]).tolist()
        birth = np.datetime_as_string(ch["birth_date"][:m]).tolist()  # "NaT" where none
        fresh = ch["freshman"][:m].tolist()
        slots, k, lu = ch["_slots"][:m].tolist(), ch["_k"][:m].tolist(), ch["_label_u"][:m].tolist()
        omit, cont = ch["_omit_group"][:m].tolist(), ch["_continuous"][:m].tolist()
        if real is not None:
            k, birth = real["k"], real["born"]
        for i in range(m):
            g = GROUPS[group[i]]
            case = {"id": real["id"][i]} if real is not None else {}
            if g != "resident" or not omit[i]:
                case["group"] = g
            case["tier"] = tier[i]
            if k[i]:
                case["identities"] = [_spell(slots[i][j], lu[i][j]) for j in range(k[i])]
            case["payment_date"] = paid[i]
            if birth[i] != "NaT":
                case["birth_date"] = birth[i]
            if real is not None:
                case["inpatient_reimbursement"] = real["amount"][i]
            if g == "student":
                case["freshman"] = fresh[i]
            if cont[i] < 2:  # a field the 九龙坡 decisions ignore, present in two cases of three
                case["continuous"] = cont[i] == 1
            yield case


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--realistic", action="store_true", help="the realistic roll (ids, birth dates, amounts)")
    args = ap.parse_args(argv)
    out = sys.stdout
    out.reconfigure(encoding="utf-8")
    dumps = json.dumps
    for case in generate(args.n, args.seed, args.realistic):
        out.write(dumps(case, ensure_ascii=False))
        out.write("\n")


if __name__ == "__main__":
    main()
