"""Invariants proved by the SMT solver (analysis/prove.py, encode.py, smtdates.py): every invariant of
the five notices proved for every case, a planted off-by-one found with a counterexample the
reference interpreter confirms, the solver agreeing with the sampled search, and the fallback to
the sampled search where there is no solver or a construct it cannot encode."""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest

z3 = pytest.importorskip("z3")

from yibao.analysis import invariants, prove as smt, smtdates as cal  # noqa: E402
from yibao.analysis.encode import Encoder, NotEncodable  # noqa: E402
from yibao.analysis.rules import CaseGenerator  # noqa: E402
from yibao.cli import main  # noqa: E402
from yibao.ir.interpret import Interpreter  # noqa: E402
from yibao.policies.directory import PolicySet  # noqa: E402
from yibao.runtime import core as rt  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
NOTICES = ["chongqing-2024.policy", "chongqing-2026.policy", "fengyan-2024.policy",
           "jiulongpo-2024.policy", "tongnan-2023.policy"]
INVARIANTS = ["待遇起止有序", "实缴不为负", "资助不超应缴", "二档不低于一档", "截止后无答", "年度后无答", "上年前无答",
              # interface.md's own, on every notice (check/contract.py)
              "接口_连续却断保", "接口_连续年数不可能", "接口_出生前缴费", "接口_零报销却未参保", "接口_待遇不早于出生",
              "接口_待遇不早于缴费"]
# (notice, invariant) → why it is only sampled: none today, every invariant is proved
SAMPLED: dict[tuple[str, str], str] = {}

# the off-by-one: the 2024 notice's domain 待遇年内 lets a start one day after the end through
PLANT = ("chongqing-2024.policy", "  excludes benefit_start > benefit_end",
         "  excludes benefit_start > day after benefit_end")


def _programs(d: Path):
    ps = PolicySet(d)
    return {n: ps.load(str(d / n)) for n in NOTICES}


@pytest.fixture(scope="module")
def real():
    return _programs(ROOT / "policies")


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    d = tmp_path_factory.mktemp("planted") / "policies"
    shutil.copytree(ROOT / "policies", d)
    file, old, new = PLANT
    text = (d / file).read_text(encoding="utf-8")
    assert old in text
    (d / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return d


def test_every_invariant_of_the_five_notices_is_proved(real):
    for name, program in real.items():
        assert invariants.prove(program) == []
        got = {s["invariant"]: (s["status"], s.get("reason")) for s in invariants.statuses(program)}
        assert list(got) == INVARIANTS
        for inv, (status, reason) in got.items():
            expected = ("sampled", SAMPLED[name, inv]) if (name, inv) in SAMPLED else ("proved", None)
            assert (status, reason) == expected, (name, inv)


def test_the_solver_agrees_with_the_sampled_search(real):
    for name, program in real.items():
        gen = CaseGenerator(program, extra_dates=invariants._year_dates(program))
        p = smt.prover(program)
        for inv in program.invariants:
            assert p.counterexample(inv) is None, (name, inv.name)
            assert invariants._prove_one(program, gen, inv) == [], (name, inv.name)


def test_a_planted_off_by_one_is_found_with_a_counterexample(planted):
    programs = _programs(planted)
    found = {}
    for name, program in programs.items():
        p = smt.prover(program)
        gen = CaseGenerator(program, extra_dates=invariants._year_dates(program))
        for inv in program.invariants:
            case = p.counterexample(inv)
            sampled = [d.code for d in invariants._prove_one(program, gen, inv)]
            assert (case is not None) == (sampled == ["E701"]), (name, inv.name)  # the two agree
            if case is None:
                continue
            found[name, inv.name] = case
            # the reference interpreter confirms it: benefits start the day after they end
            interp = Interpreter(program)
            start, end = interp.decide("benefit_start", dict(case)), interp.decide("benefit_end", dict(case))
            assert start == end + dt.timedelta(days=1)
            assert invariants._verdict(interp, inv, case) not in (invariants._HOLDS, invariants._VACUOUS,
                                                                   invariants._UNCHECKED)
    # the districts that inherit the domain and start benefits after a wait or at birth
    assert set(found) == {("fengyan-2024.policy", "待遇起止有序"), ("jiulongpo-2024.policy", "待遇起止有序")}


def test_check_reports_the_planted_failure_as_failed(planted):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--policies", str(planted), "check", "--format", "json", str(planted)])
    assert code == 1
    report = json.loads(out.getvalue())
    status = {(Path(f).name, s["invariant"]): s["status"] for f, xs in report["invariants"].items() for s in xs}
    assert {k for k, v in status.items() if v != "proved"} == {
        ("fengyan-2024.policy", "待遇起止有序"), ("jiulongpo-2024.policy", "待遇起止有序")}
    assert status["fengyan-2024.policy", "待遇起止有序"] == "failed"
    e701 = [x for xs in report["files"].values() for x in xs if x["code"] == "E701"]
    assert {Path(x["file"]).name for x in e701} == {"fengyan-2024.policy", "jiulongpo-2024.policy"}
    assert all("待遇起止有序" in x["message"] and x["line"] > 0 for x in e701)
    assert all(any(n.startswith("rules that fired: ") for n in x["notes"]) for x in e701)


def test_the_solvers_own_counterexample_is_reported_where_sampling_misses(planted, monkeypatch):
    program = _programs(planted)["jiulongpo-2024.policy"]
    monkeypatch.setattr(invariants, "_prove_one", lambda *a: [])  # as if the sampled search missed it
    (d,) = [x for x in invariants.prove(program) if x.code == "E701"]
    assert "待遇起止有序" in d.message and "benefit_start = " in d.message
    case = json.loads(d.message.split(" fails for ", 1)[1].split("}: ", 1)[0] + "}")
    assert set(case) <= {"group", "payment_date", "birth_date", "identities", "tier"}  # shrunk
    assert {s["invariant"]: s["status"] for s in invariants.statuses(program)}["待遇起止有序"] == "failed"


def test_without_z3_every_invariant_is_sampled(monkeypatch):
    monkeypatch.setattr(smt, "z3", None)
    program = PolicySet(ROOT / "policies").load(str(ROOT / "policies" / "chongqing-2024.policy"))
    assert invariants.prove(program) == []
    assert {(s["status"], s["reason"]) for s in invariants.statuses(program)} == {
        ("sampled", "z3 is not installed (pip install yibao[prove])")}


def test_a_construct_the_encoder_does_not_take_is_sampled(monkeypatch):
    def refuse(self, e):
        raise NotEncodable("`with` (refused for this test)")
    monkeypatch.setattr(Encoder, "x_With", refuse)
    monkeypatch.setitem(Encoder._x, __import__("yibao.ir.nodes", fromlist=["With"]).With, refuse)
    program = PolicySet(ROOT / "policies").load(str(ROOT / "policies" / "chongqing-2024.policy"))
    assert invariants.prove(program) == []
    got = {s["invariant"]: (s["status"], s.get("reason")) for s in invariants.statuses(program)}
    assert got["二档不低于一档"] == ("sampled", "not encodable: `with` (refused for this test)")
    assert {v for k, v in got.items() if k != "二档不低于一档"} == {("proved", None)}


DAYS = [dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2023, 2, 28), dt.date(2023, 12, 31),
        dt.date(1900, 2, 28), dt.date(2000, 2, 29), dt.date(9999, 12, 31), dt.date(1, 1, 1), dt.date(2024, 10, 31)]


@pytest.mark.parametrize("day", DAYS)
def test_month_arithmetic_is_the_runtimes(day):
    n = iter(range(10 ** 6))

    def fresh(p):
        return z3.Int(f"{p}{next(n)}")
    for k in (-13, -1, 0, 1, 3, 11, 12, 25):
        side: list = []
        value, bad = cal.plus_months(z3.IntVal(day.toordinal()), z3.IntVal(k), side, fresh)
        s = z3.SolverFor("QF_AUFLIA")
        s.add(*side)
        assert s.check() == z3.sat
        m = s.model()
        try:
            expected = rt.plus_months(day, k).toordinal()
        except rt.DateOutOfRange:
            assert z3.is_true(m.eval(bad))
            continue
        assert not z3.is_true(m.eval(bad)) and m.eval(value).as_long() == expected, (day, k)
    side = []
    value, bad = cal.first_of_next_month(z3.IntVal(day.toordinal()), side, fresh)
    s = z3.SolverFor("QF_AUFLIA")
    s.add(*side)
    assert s.check() == z3.sat
    m = s.model()
    try:
        assert m.eval(value).as_long() == rt.first_of_next_month(day).toordinal()
    except rt.DateOutOfRange:
        assert z3.is_true(m.eval(bad))


@pytest.mark.parametrize("rate", ["7/10", "1/3", "-1/2", "3/200"])
def test_pct_rounds_half_up_as_the_runtime(rate):
    from fractions import Fraction
    from yibao.ir import nodes as ir
    r = Fraction(rate)
    x = z3.Int("x")
    enc = Encoder.__new__(Encoder)
    e = ir.Op("pct", (ir.Const(r, ir.RATE), ir.Fact("x", ir.MONEY)), ir.MONEY)
    enc.program, enc.env, enc.defs, enc.s = None, {"x": (z3.BoolVal(True), x)}, {}, None
    got = enc.visit(e).val
    for fen in (-7, -5, -1, 0, 1, 5, 7, 15, 38000, 99999):
        assert z3.simplify(z3.substitute(got, (x, z3.IntVal(fen)))).as_long() == rt._pct_rate(r, fen), (rate, fen)


def _outcome(interp, name, case):
    try:
        return "value", interp.decide(name, dict(case), {})
    except rt.OutsideDomain:
        return "outside", None
    except rt.Undecidable:
        return "undecidable", None


@pytest.mark.parametrize("notice", NOTICES)
def test_every_definition_encodes_as_the_interpreter_evaluates_it(real, notice):
    """Differential: random cases (the case space's candidates, and any day of 0001…9999, any sum),
    each fixed in the solver; every definition's outcome (outside, undecidable, or its value) must
    be the reference interpreter's. (Run with more cases while changing the encoder: 2,000 agreed.)"""
    import random
    from yibao.ir import nodes as ir
    program = real[notice]
    p = smt.prover(program)
    gen = CaseGenerator(program, extra_dates=invariants._year_dates(program))
    encoded = {n: p.enc.ref(n) for n in program.definitions}
    rnd = random.Random(7)
    for _ in range(8):
        case = {}
        for f, info in program.facts.items():
            v = rnd.choice(gen.values(f))
            if type(v).__name__ == "_Absent":
                continue
            if info.type == ir.DATE and rnd.random() < 0.3:
                v = dt.date.fromordinal(rnd.randint(1, dt.date.max.toordinal()))
            elif info.type == ir.MONEY and rnd.random() < 0.5:
                v = rnd.randint(0, 10 ** 7)
            case[f] = v
        s = z3.SolverFor("QF_AUFLIA")
        s.add(*p.domain, *p.shared.side)
        for f, (given, var) in p.env.items():
            if f not in case:
                s.add(z3.Not(given))
                continue
            v, t = case[f], program.facts[f].type
            s.add(given)
            if isinstance(var, dict):
                s.add(*[b == (c in v) for c, b in var.items()])
            else:
                s.add(var == (v.toordinal() if t == ir.DATE else p.codes.id(v) if isinstance(t, tuple) else v))
        assert s.check() == z3.sat
        m = s.model()
        interp = Interpreter(program)
        for name, r in encoded.items():
            kind, expected = _outcome(interp, name, case)
            if z3.is_true(m.eval(r.out, model_completion=True)):
                assert kind == "outside", (name, case)
                continue
            if z3.is_true(m.eval(r.err, model_completion=True)):
                assert kind == "undecidable", (name, case)
                continue
            assert kind == "value", (name, case)
            t = program.definitions[name].type
            if isinstance(r.val, dict):
                got = frozenset(c for c, b in r.val.items() if z3.is_true(m.eval(b, model_completion=True)))
            elif not z3.is_expr(r.val):
                got = r.val  # a rate
            else:
                x = m.eval(r.val, model_completion=True)
                got = (z3.is_true(x) if z3.is_bool(x) else x.as_string() if z3.is_string(x) else x.as_long())
                if t == ir.DATE:
                    got = dt.date.fromordinal(got)
                elif isinstance(t, tuple):
                    got = p.codes.back[got]
                elif z3.is_string(x):
                    got = expected if x == z3.StringVal(expected) else got
            assert got == expected, (name, case)


def test_an_invariant_no_decided_case_tries_is_left_to_the_sampled_search(tmp_path):
    """A proof over no decided case proves nothing: the sampled search's W702 stands, as before."""
    d = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", d)
    p = d / "chongqing-2024.policy"
    p.write_text(p.read_text(encoding="utf-8") + '\ninvariant 资助不为负 "assistance, where some identity is held, is never below 0"\n'
                 "  when identities != {}\n  holds assistance >= 0 元\n", encoding="utf-8")
    program = PolicySet(d).load(str(p))
    assert [x.code for x in invariants.prove(program)] == ["W702"]
    got = {s["invariant"]: (s["status"], s.get("reason")) for s in invariants.statuses(program)}
    assert got["资助不为负"] == ("sampled", "no case where it applies decides it (each needs an unknown): "
                                 "the sampled search says whether that is W702")
    assert {v for k, v in got.items() if k != "资助不为负"} == {("proved", None)}


def test_check_runs_where_z3_cannot_be_imported(tmp_path):
    """The core needs no solver: with z3 unimportable every invariant is sampled and the check passes."""
    import subprocess
    import sys
    code = ("import sys; sys.modules['z3'] = None\n"
            "from yibao.cli import main\n"
            f"sys.exit(main(['--policies', {str(ROOT / 'policies')!r}, 'check', '--strict', '--format', 'json']))")
    env = {**__import__("os").environ, "XDG_CACHE_HOME": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    settled = [s for xs in report["invariants"].values() for s in xs]
    assert len(settled) == len(NOTICES) * len(INVARIANTS)
    assert {(s["status"], s["reason"]) for s in settled} == {
        ("sampled", "z3 is not installed (pip install yibao[prove])")}
