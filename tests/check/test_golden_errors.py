"""Golden files for error output: the exact text a drafter sees, reviewed as a diff.

Run `pytest tests/check/test_golden_errors.py --update-golden` to rewrite them after a deliberate change.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers import scratch
from yibao.policies.directory import PolicySet

GOLDEN = Path(__file__).parents[1] / "golden" / "errors"


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.policy")), ids=lambda p: p.stem)
def test_error_output_matches_golden(path: Path, tmp_path: Path, request):
    d = scratch(tmp_path, path.read_text(encoding="utf-8"), name=path.name)
    _, diags = PolicySet(d).check(str(d / path.name))
    text = "\n\n".join(x.render() for x in diags).replace(str(d) + "/", "") + "\n"
    expected = path.with_suffix(".txt")
    if request.config.getoption("--update-golden") or not expected.exists():
        expected.write_text(text, encoding="utf-8")
    assert text == expected.read_text(encoding="utf-8")
