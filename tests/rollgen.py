"""A seeded synthetic roll for the diff tests: bench/cases.py's people (coverage 2024), plus people
paid or born on Feb 29, whom moving to a year without one puts on Feb 28."""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import cases as bench_cases  # noqa: E402
from identities import CODE_OF  # noqa: E402

LEAP_DAY = [
    {"tier": 1, "payment_date": "2024-02-29"},
    {"group": "student", "tier": 2, "payment_date": "2024-02-29", "identities": ["needy_student"]},
    {"group": "newborn", "tier": 1, "payment_date": "2024-03-15", "birth_date": "2024-02-29"},
]


def write_roll(path: Path, n: int, seed: int) -> list[dict]:
    people = list(bench_cases.generate(n, seed)) + LEAP_DAY
    with open(path, "w", encoding="utf-8") as f:
        for c in people:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    return people


def identity_codes(case: dict) -> tuple:
    return tuple(sorted(CODE_OF[i] for i in case.get("identities", [])))
