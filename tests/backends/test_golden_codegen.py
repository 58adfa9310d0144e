"""Golden file for generated code: the calculator a developer ships, reviewed as a diff.

Run `pytest tests/backends/test_golden_codegen.py --update-golden` after a deliberate change to the
generator or the policy, and read the diff before committing it.
"""
from __future__ import annotations

from pathlib import Path

from conftest import program
from yibao.backends.python.generate import generate

GOLDEN = Path(__file__).parents[1] / "golden" / "codegen" / "chongqing-2024.py"


def test_generated_code_matches_golden(request):
    source = generate(program("渝医保发〔2023〕24号"))
    if request.config.getoption("--update-golden"):
        GOLDEN.write_text(source, encoding="utf-8")
    assert GOLDEN.exists(), "no golden file: run with --update-golden and review it"
    assert source == GOLDEN.read_text(encoding="utf-8")
