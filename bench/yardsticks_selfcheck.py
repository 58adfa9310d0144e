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

    all_cases = generated + gen.EDGE_CASES
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
