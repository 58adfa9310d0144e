"""The case contract: the JSON Schema generated from the facts, and the fast decoder, agree on
every input (the schema names the field when the decoder rejects a case)."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from conftest import program
from yibao.run.cases import _least, case_schema, schema_errors, validator
from yibao.runtime.core import CaseError, decode_case
from yibao.ir.kinds import fact_spec

P = program("渝医保发〔2023〕24号")
SPEC = fact_spec(P)
VALIDATOR = validator(P)
LEAST = _least(P)  # facts a constraint bounds below

values = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 5), st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["resident", "student", "新生儿", "一档", "dibao", "低保对象", "king", "2023-11-01",
                     "2024-02-30", "2024-2-1", "380", "380.5", "12.345", "-1", ""]),
    st.lists(st.sampled_from(["dibao", "destitute", "城乡孤儿", "nope", 1]), max_size=3),
)
fields = st.sampled_from(list(SPEC) + ["colour"])


def test_the_schema_lists_every_fact_and_forbids_others():
    s = case_schema(P)
    assert set(s["properties"]) == set(P.facts) | {"id"} and s["additionalProperties"] is False
    assert {1, 2, "一档", "二档"} <= set(s["properties"]["tier"]["enum"])


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(fields, values, max_size=4))
def test_decoder_and_schema_accept_the_same_cases(raw):
    """They agree, except that the decoder also refuses money finer than the fen (0.125), which a
    JSON Schema cannot say of a binary number; the schema then still names a field, the decoder's."""
    try:
        decode_case(raw, SPEC)
        accepted, error = True, None
    except CaseError as exc:
        accepted, error = False, exc
    schema_ok = schema_errors(P, raw, VALIDATOR) == []
    if accepted and not schema_ok:  # under the least a constraint allows (continuous_years 0): the
        # decoder leaves it to the constraint, which rejects it by name; the schema states the bound
        assert all(e.field in LEAST and raw[e.field] < LEAST[e.field] for e in schema_errors(P, raw, VALIDATOR)), raw
    elif accepted or not schema_ok:
        assert accepted == schema_ok, raw
    else:
        assert SPEC[error.field][0] == "money" and "two decimals" in str(error), (raw, error)
