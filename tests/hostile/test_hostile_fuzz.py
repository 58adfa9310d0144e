"""Fuzzing what users and policy authors can send: JSON cases (valid and near-valid), mutated
policies and arbitrary Unicode names. Each run is bounded (a few seconds a test); `pytest -m fuzz
--hypothesis-profile long` runs them for much longer."""
from __future__ import annotations

import datetime as dt
import json
import keyword
import shutil
import unicodedata

import pytest
from hypothesis import HealthCheck, assume, event, given, settings, strategies as st

from conftest import POLICIES, evaluator, program
from helpers import HEADER, decide, scratch
from hostile import CQ2024, budget, decision
from yibao.runtime import bounded, core as runtime, strict_json
from yibao.base.diagnostics import PolicyError
from yibao.run.evaluate import Evaluator
from yibao.ir.interpret import Interpreter
from yibao.policies.directory import PolicySet
from yibao.backends.python.names import RESERVED, ident, public_names

pytestmark = pytest.mark.fuzz
FAST = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
NOTICES = sorted(PolicySet(POLICIES).notices)

# ---- JSON cases --------------------------------------------------------------------------------------
# mostly dates in and around the notices' coverage years (2023, 2024, 2026: paid the year before, born
# any time), so most cases reach the rules; some anywhere in 1..9999, and the edges
NEAR = st.dates(dt.date(2021, 1, 1), dt.date(2027, 12, 31)).map(str)
DATES = NEAR | NEAR | NEAR | st.dates().map(str) | st.sampled_from(["2023-11-01", "2024-02-29", "9999-12-31",
                                                                      "0001-01-01"])
MONEY = st.one_of(st.decimals(0, 10 ** 15, places=2, allow_nan=False).map(str),
                  st.integers(0, 10 ** 16), st.sampled_from(["86170907570494.24", "0.00", "1e3", "342.5"]))
VALID = {"group": st.sampled_from(["resident", "student", "newborn", "新生儿", "大学生"]),
         "tier": st.sampled_from([1, 2, "一档", "二档"]),
         "identities": st.lists(st.sampled_from(["dibao", "destitute", "orphan", "低保对象", "needy_student"]),
                                max_size=3),
         "payment_date": DATES, "birth_date": DATES, "continuous": st.booleans(),
         "lapsed_years": st.integers(0, 10 ** 9), "continuous_years": st.integers(0, 60),
         "zero_claim_last_year": st.booleans(), "freshman": st.booleans(), "graduating": st.booleans(),
         "employee_insurance_gap_months": st.integers(0, 600), "inpatient_reimbursement": MONEY}
HOSTILE_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10 ** 30, 10 ** 30), st.floats(), st.text(max_size=30),
    st.sampled_from(["２０２３-11-01", "2023-11-01\n", "-5", "1e999999", "NaN", "\ud800", "\x00", "٣٤٢"]),
    st.recursive(st.integers(0, 3), lambda x: st.lists(x, max_size=3) | st.dictionaries(st.text(max_size=3), x,
                                                                                         max_size=2), max_leaves=8))


@st.composite
def json_lines(draw):
    """One JSONL line: a valid case, a case with hostile values, or the text of one mutated."""
    fields = draw(st.lists(st.sampled_from(sorted(VALID)), unique=True, max_size=6))
    case = {f: draw(VALID[f]) for f in fields}
    if draw(st.booleans()):
        for _ in range(draw(st.integers(1, 2))):
            case[draw(st.sampled_from(sorted(VALID)) | st.text(max_size=5))] = draw(HOSTILE_VALUES)
    try:
        text = json.dumps(case, ensure_ascii=draw(st.booleans()))
    except ValueError:
        text = "{}"
    kind = draw(st.sampled_from(["keep", "keep", "insert", "delete", "duplicate-key", "deep", "bom", "bytes"]))
    i = draw(st.integers(0, len(text)))
    if kind == "insert":
        text = text[:i] + draw(st.sampled_from(["[", "{", "}", ",", '"', "\\", "NaN", "1e400", "\\ud800", "\x00",
                                                 "9" * 50, " ", "\ufeff"])) + text[i:]
    elif kind == "delete":
        text = text[:i] + text[i + draw(st.integers(1, 5)):]
    elif kind == "duplicate-key" and fields:
        text = text[:-1] + (", " if len(text) > 2 else "") + json.dumps(fields[0]) + ": 1}"
    elif kind == "deep":
        n = draw(st.integers(30, 3000))
        text = "[" * n + "]" * draw(st.sampled_from([0, n]))
    elif kind == "bom":
        text = "\ufeff" + text
    data = text.encode("utf-8", "surrogatepass")
    if kind == "bytes":
        data = data[:i] + draw(st.binary(min_size=1, max_size=3)) + data[i:]
    return data.replace(b"\n", b" ").replace(b"\r", b" ")


@settings(max_examples=budget(150), **FAST)
@given(notice=st.sampled_from(NOTICES), lines=st.lists(json_lines(), min_size=1, max_size=8))
def test_a_roll_answers_every_line_and_never_fails(notice, lines):
    import io
    ev = evaluator(notice)
    out = io.StringIO()
    code = ev.stream(io.BytesIO(b"\n".join(lines) + b"\n"), out, None, False, "roll")
    results = out.getvalue().split("\n")[:-1]
    assert len(results) == len(lines) and code in (0, 2, 3)
    for line, result in zip(lines, results):
        event("line: " + ("blank" if not result else "error" if '"error"' in result[:10] else "result"))
        if not result:
            assert not line.strip()
            continue
        obj = json.loads(result)
        assert isinstance(obj, dict)
        if "error" in obj:
            assert obj["exit"] in (2, 3) and "\n" not in obj["error"]


@settings(max_examples=budget(300), **FAST)
@given(notice=st.sampled_from(NOTICES), line=json_lines())
def test_the_generated_module_and_the_interpreter_agree_on_any_case(notice, line):
    """Same decoding (accepted or bad input alike), and on an accepted case the same decisions."""
    ev, p = evaluator(notice), program(notice)
    try:
        raw = strict_json.loads(line.decode("utf-8"))
    except (strict_json.JSONError, UnicodeDecodeError):
        event("malformed JSON")
        return
    bad = (runtime.CaseError, ev.module.CaseError)  # the module carries its own copy of the runtime
    decoded = []
    for decode in (ev.module._decode_facts, lambda r: ev.module.decode_case(r, ev.module.FACTS)):
        try:
            decoded.append(decode(raw))  # the fast decoder and the reference one: the same values
        except bad:
            decoded.append("bad input")
    assert decoded[0] == decoded[1]
    try:
        c = ev.decode(raw)  # and the policy's constraints
    except bad:
        event("bad case")
        return
    event("decided")
    interp = Interpreter(p)
    for name in p.decisions:
        try:
            mine = ("value", decide(ev.module, ev.decisions[name][0], dict(c)))
        except (runtime.Undecidable, ev.Undecidable):
            mine = ("undecidable",)
        try:
            theirs = ("value", interp.decide(name, dict(c)))
        except runtime.Undecidable:
            theirs = ("undecidable",)
        assert mine == theirs, name


@settings(max_examples=budget(200), **FAST)
@given(st.binary(max_size=200) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_strict_json_reads_any_bytes_or_says_why(data):
    import io
    for _, text in strict_json.lines(io.BytesIO(data)):
        if isinstance(text, strict_json.JSONError):
            continue
        try:
            value = strict_json.loads(text)
        except strict_json.JSONError as exc:
            assert "\n" not in str(exc)
            continue
        json.dumps(value, default=str).encode("utf-8")  # whatever it accepts can be written back out


# ---- names ------------------------------------------------------------------------------------------------
ANY_NAME = st.text(min_size=1, max_size=12) | st.sampled_from(
    sorted(RESERVED)[:400] + ["Ａ档", "A档", "ﬁle", "file", "ℌ", "H", "_x41", "x41", "_", "__name__"])


@settings(max_examples=budget(300), **FAST)
@given(st.lists(ANY_NAME, min_size=1, max_size=8, unique=True))
def test_generated_identifiers_never_merge_or_shadow(names):
    for prefix in ("_d_", "_K_", "_P_", "_T_"):
        idents = [ident(prefix, n) for n in names]
        assert len(set(idents)) == len(names)
        for i in idents:
            assert i.isidentifier() and unicodedata.normalize("NFKC", i) == i and not keyword.iskeyword(i)
            assert i not in vars(runtime) and i not in vars(strict_json) and i not in vars(bounded)
    public = public_names(names)
    values = list(public.values())
    assert len(set(values)) == len(values) and set(public) == set(names)
    for v in values:
        assert v.isidentifier() and unicodedata.normalize("NFKC", v) == v and not keyword.iskeyword(v)
        assert v not in RESERVED and not v.startswith("_")


def test_no_runtime_name_starts_like_a_generated_one():
    for name in list(vars(runtime)) + list(vars(strict_json)) + list(vars(bounded)):
        assert not name.startswith(("_d_", "_K_", "_P_", "_T_", "_dx", "_Kx", "_Px", "_Tx")), name


POLICY_NAME = st.from_regex(r"[^\W\d]\w{0,6}", fullmatch=True)


@pytest.fixture(scope="module")
def scratch_dir(tmp_path_factory):
    return scratch(tmp_path_factory.mktemp("names"), HEADER)


@settings(max_examples=budget(40), **FAST)
@given(names=st.lists(POLICY_NAME | st.sampled_from(["class", "None", "decode", "Ａ", "A", "__name__", "print"]),
                      min_size=1, max_size=5, unique=True))
def test_any_decision_names_check_compile_and_run_alike(scratch_dir, names):
    (scratch_dir / "t.policy").write_text(HEADER + "".join(decision(n, f"{380 + i} 元") for i, n in enumerate(names)),
                                          encoding="utf-8")
    try:
        p, diags = PolicySet(scratch_dir).check(str(scratch_dir / "t.policy"))
    except PolicyError:
        event("a name the language keeps for itself: a syntax error")
        return
    folded = {unicodedata.normalize("NFKC", n) for n in names}
    if p is None:
        event("diagnostics: " + ",".join(sorted({d.code for d in diags if d.severity == "error"})))
        assert len(folded) < len(names) or diags  # look-alikes, or another diagnostic
        return
    event("checked, compiled and ran")
    assert len(folded) == len(names)
    ev = Evaluator(p)
    got = {n: ev.decisions[n][0]({}) for n in names}
    assert got == {n: (380 + i) * 100 for i, n in enumerate(names)}
    for n in names:
        assert str(getattr(ev.module, ev.module.FUNCTIONS[n])({})) == f"{380 + names.index(n)}.00"


# ---- policy mutations --------------------------------------------------------------------------------------
SOURCE = (POLICIES / "chongqing-2024.policy").read_text(encoding="utf-8")
HOSTILE_TOKENS = ["Ａ档", "class", "__name__", "decode", "\x00", "\ufeff", "\ud7ff", "-" * 150, "(" * 120,
                  " + 1 元" * 120, "payment_date + 10000000 days", "9" * 400, "9999-12-31", "０", "٣",
                  "let", "decision", "fact x : money = contribution\n", "use 居民医保\n", "§", '"', "}", "{",
                  "if true then ", " else 0 元", "\n", "#", "override ", "2024-02-30"]


@st.composite
def hostile_policies(draw):
    text = SOURCE
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["insert", "delete", "line"]))
        if kind == "line":  # a whole line dropped or doubled (a rule's guard, a row): often still a policy
            lines = text.split("\n")
            j = draw(st.integers(0, len(lines) - 1))
            lines[j:j + 1] = [] if draw(st.booleans()) else [lines[j], lines[j]]
            text = "\n".join(lines)
            continue
        i = draw(st.integers(0, len(text)))
        if kind == "insert":
            text = text[:i] + draw(st.sampled_from(HOSTILE_TOKENS) | st.text(min_size=1, max_size=3)) + text[i:]
        else:
            text = text[:i] + text[i + draw(st.integers(1, 30)):]
    return text


@pytest.fixture(scope="module")
def policies_copy(tmp_path_factory):
    d = tmp_path_factory.mktemp("mutants") / "policies"
    shutil.copytree(POLICIES, d)
    return d


MUTANT_CASES = [{"tier": 1, "payment_date": "2023-11-01"},
                {"group": "student", "tier": 2, "payment_date": "2024-02-15", "identities": ["dibao"]},
                {"group": "newborn", "tier": 1, "birth_date": "2024-03-01", "payment_date": "2024-04-01",
                 "identities": ["orphan"], "inpatient_reimbursement": "1000.00"}]


@settings(max_examples=budget(60), **FAST)
@given(text=hostile_policies())
def test_a_hostile_policy_gives_diagnostics_or_runs_alike_everywhere(policies_copy, text):
    path = policies_copy / "chongqing-2024.policy"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    p, diags = PolicySet(policies_copy).check(str(path))
    for d in diags:
        d.render()
    if p is None:
        event("diagnostics: " + ",".join(sorted({d.code for d in diags if d.severity == "error"}))[:40])
        assert any(d.severity == "error" for d in diags)
        return
    assume(p.document == CQ2024)
    event("checked, then evaluated alike")
    ev = Evaluator(p)
    interp = Interpreter(p)
    for raw in MUTANT_CASES:
        try:
            c = ev.decode(raw)
        except ev.module.CaseError:
            continue  # a mutated constraint can refuse a case
        _agree(ev, interp, p, c)


def _agree(ev, interp, p, c):
    for name in p.decisions:
        try:
            mine = decide(ev.module, ev.decisions[name][0], dict(c))
        except ev.Undecidable:
            mine = None
        try:
            theirs = interp.decide(name, dict(c))
        except runtime.Undecidable:
            theirs = None
        assert mine == theirs, name
