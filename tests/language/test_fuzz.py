"""Mutated policies give diagnostics or a program, never an exception."""
from __future__ import annotations

import shutil

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import POLICIES
from yibao.base.diagnostics import PolicyError
from yibao.policies.directory import PolicySet

SOURCE = (POLICIES / "chongqing-2024.policy").read_text(encoding="utf-8")
TOKENS = ["{", "}", "(", ")", ",", "=", "=>", "rule", "when", "then", "otherwise", "§一", '"', '"q"', "380 元",
          "90%", "of", "2024-02-30", "2024-01-01", "..", "in", "overrides", "override", "let", "decision",
          "table", "hit best", "printed 1", "unknown", "tier", "一档", "payment_date", "+ 3 months", "\n", " ", "#"]


@st.composite
def mutations(draw):
    text = SOURCE
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["delete", "insert", "duplicate"]))
        if kind == "delete":
            j = min(len(text), i + draw(st.integers(1, 40)))
            text = text[:i] + text[j:]
        elif kind == "insert":
            text = text[:i] + draw(st.sampled_from(TOKENS)) + text[i:]
        else:
            j = min(len(text), i + draw(st.integers(1, 60)))
            text = text[:j] + text[i:j] + text[j:]
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutations())
def test_mutated_policy_gives_diagnostics_or_success(tmp_path, text):
    d = tmp_path / "p"
    if not d.exists():
        shutil.copytree(POLICIES, d)
    (d / "chongqing-2024.policy").write_text(text, encoding="utf-8")
    ps = PolicySet(d)
    try:
        program, diags = ps.check(str(d / "chongqing-2024.policy"))
    except PolicyError as exc:
        assert exc.errors, "a PolicyError with no error in it"
        diags, program = exc.diagnostics, None
    errors = [x for x in diags if x.severity == "error"]
    for diag in diags:
        rendered = diag.render()  # rendering must not fail either, and names the code
        assert f"{diag.severity}[{diag.code}]" in rendered, rendered
    # a program exactly when there is no error; an error says where (file:line:col) or names a file
    assert (program is None) == bool(errors), [x.render() for x in errors]
    if errors:
        assert any(x.span is not None or ".policy" in x.render() for x in errors), [x.render() for x in errors]
    if program is not None:
        from yibao.backends.python.generate import generate
        compile(generate(program), "generated", "exec")
