"""Cross-check the two yardsticks for 九龙坡医保发〔2023〕46号 case by case.

    python bench/yardsticks_selfcheck.py [N] [--seed S]     (default 2000 cases, seed 0)

Runs N generated cases plus a few hand-picked edge cases through bench/handwritten.py (one dict
at a time) and bench/openfisca_jiulongpo.py (all at once), and also checks that
cases.columns() describes exactly the cases cases.generate() yields. Prints "N passed, M failed";
exits 1 on any failure.
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cases as gen  # noqa: E402
import handwritten  # noqa: E402
import openfisca_jiulongpo  # noqa: E402

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


def _fen_str(fen):
    return f"{fen // 100}.{fen % 100:02d}"


def _expected(of, i):
    """The OpenFisca result for case i in the evaluate() shape."""
    out = {name: _fen_str(int(of[name][i])) for name in ("contribution", "assistance", "amount_due")}
    start = of["benefit_start"][i]
    if not np.isnat(start):
        out["benefit_start"] = str(start)
    return out


def _same_columns(a, b):
    return all(np.array_equal(a[k], b[k], equal_nan=k.endswith("date")) for k in a)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, nargs="?", default=2000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    generated = list(gen.generate(args.n, args.seed))
    if not _same_columns(gen.columns(args.n, args.seed), gen.to_columns(generated)):
        print("cases.columns() and cases.generate() disagree", file=sys.stderr)
        return 1

    all_cases = generated + EDGE_CASES
    of = openfisca_jiulongpo.run(gen.to_columns(all_cases))
    passed = failed = 0
    for i, case in enumerate(all_cases):
        got, want = handwritten.evaluate(case), _expected(of, i)
        if got == want:
            passed += 1
        else:
            failed += 1
            if failed <= 10:
                print(f"case {i}: {case}\n  handwritten {got}\n  openfisca   {want}", file=sys.stderr)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
