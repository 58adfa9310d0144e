"""The mutation score of yibao's core: plant one small mistake at a time in a core module, run the
fast tests that exercise that module, and count the mistakes they catch ("killed") and miss
("survived"). docs/mutation.md holds the last score and the mutants recorded as equivalent.

Python modules are mutated by cosmic-ray's operators (the `mutation` extra), in place, one mutant at
a time; the file is put back after each run (and on Ctrl-C). The JavaScript runtime is mutated by a
list of our own (JS_MUTANTS below): each is a textual replacement of one exact snippet.

    python tools/mutate.py                       # every module, every mutant (the full run; hours)
    python tools/mutate.py --module domains      # one module
    python tools/mutate.py --sample 12 --seed 7  # a seeded sample (what CI runs: minutes)
    python tools/mutate.py --list                # count the mutants of each module, run nothing
    python tools/mutate.py --shard 1/2           # half of them (run --shard 2/2 in another checkout)

It prints one line a mutant and a table of scores; --json FILE writes every result; exit 1 when a
mutant survives that is not recorded as equivalent (EQUIVALENT below). Runs under `nice`.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "compiler" / "yibao"


@dataclass(frozen=True)
class Target:
    path: str            # the module, relative to compiler/yibao
    tests: tuple         # pytest arguments: the fast tests that exercise it (seconds, not minutes)
    functions: tuple = ()  # only mutate inside these functions/methods (empty: the whole module)


RUNTIME_JS = ("tests/runtime/test_runtime_js.py", "tests/runtime/test_cross_target_rounding.py")
TARGETS = {
    "core": Target("runtime/core.py", ("tests/runtime/test_runtime.py", *RUNTIME_JS)),
    "bounded": Target("runtime/bounded.py", ("tests/runtime/test_bounded.py", "tests/check/test_bounded_unknowns.py")),
    "strict_json": Target("runtime/strict_json.py", ("tests/runtime/test_strict_json.py", "tests/runtime/test_runtime_js.py",
                                                     "-k", "json or case")),
    "runtime.js": Target("runtime/runtime.js", RUNTIME_JS),
    "domains": Target("check/domains.py", ("tests/test_mutants.py", "tests/check/test_domains.py")),
    "invariants": Target("analysis/invariants.py", ("tests/analysis/test_invariants_search.py", "tests/analysis/test_prove.py",
                                                    "tests/test_mutants.py", "-k", "breaks or solver or settle or edges or "
                                                    "undecided or computes or budget or candidate or prove")),
    "citations": Target("check/citations.py", ("tests/check/test_citations.py",)),
    "cache": Target("base/cache.py", ("tests/policies/test_cache_key.py", "tests/test_mutants.py", "-k",
                                     "fingerprint or cache or key or entry or directory or newest or pickled or link")),
    "figures": Target("check/checker.py", ("tests/check/test_figures_checked.py", "tests/check/test_check.py"),
                      # the figure checks (a parameter's years, a data table's rows and printed totals, a
                      # printed figure and its unit, citations) and the inherited/twice-declared names
                      ("param", "fold", "data", "need_citation", "printed_value", "value", "_param_years",
                       "_add_items", "_declare_domain", "_declare")),
}

# cosmic-ray's operators we use: those mutmut would also plant (a flipped comparison, + for -, a
# negated condition, a changed constant, a loop that never runs); not its dozen spellings of every
# binary operator, which mostly make mutants no test could tell from a crash.
OPERATORS = (
    "core/ReplaceBinaryOperator_Add_Sub", "core/ReplaceBinaryOperator_Sub_Add",
    "core/ReplaceBinaryOperator_Mul_Div", "core/ReplaceBinaryOperator_Div_Mul",
    "core/ReplaceBinaryOperator_FloorDiv_Div", "core/ReplaceBinaryOperator_Mod_FloorDiv",
    "core/ReplaceComparisonOperator_Lt_LtE", "core/ReplaceComparisonOperator_LtE_Lt",
    "core/ReplaceComparisonOperator_Gt_GtE", "core/ReplaceComparisonOperator_GtE_Gt",
    "core/ReplaceComparisonOperator_Eq_NotEq", "core/ReplaceComparisonOperator_NotEq_Eq",
    "core/ReplaceComparisonOperator_Is_IsNot", "core/ReplaceComparisonOperator_IsNot_Is",
    "core/ReplaceAndWithOr", "core/ReplaceOrWithAnd", "core/ReplaceTrueWithFalse", "core/ReplaceFalseWithTrue",
    "core/ReplaceBreakWithContinue", "core/ReplaceContinueWithBreak", "core/ReplaceUnaryOperator_Delete_Not",
    "core/ReplaceUnaryOperator_USub_UAdd", "core/AddNot", "core/NumberReplacer", "core/ZeroIterationForLoop",
)

# The JavaScript runtime's mutants: (name, exact snippet, replacement). Each snippet occurs once.
JS_MUTANTS = (
    ("pct-half-down", "return (2n * v + den) / (2n * den);", "return (2n * v + den - 1n) / (2n * den);"),
    ("pct-negative-sign", "return -((-2n * v + den) / (2n * den));", "return ((-2n * v + den) / (2n * den));"),
    ("pct-zero-branch", "if (v >= 0n) return", "if (v > 0n) return"),
    ("divexact-zero", 'if (k === 0n) throw new Undecidable("division_by_zero");', ""),
    ("divexact-negative", "return k < 0n ? [-n, -d * k] : [n, d * k];", "return [n, d * k];"),
    ("roundto-half-down", 'const whole = mode === "half_up" ? (2n * n + d) / (2n * d)',
     'const whole = mode === "half_up" ? (2n * n + d - 1n) / (2n * d)'),
    ("roundto-up-is-down", ": (n + d - 1n) / d;", ": n / d;"),
    ("roundto-sign", "return (n0 < 0n ? -whole : whole) * unit;", "return whole * unit;"),
    ("moneyout-sign", 'const sign = fen < 0n ? "-" : "";', 'const sign = "";'),
    ("moneyout-pad", '(fen % 100n).toString().padStart(2, "0")', "(fen % 100n).toString()"),
    ("civil-march", "const m = mp < 10 ? mp + 3 : mp - 9;", "const m = mp <= 10 ? mp + 3 : mp - 9;"),
    ("civil-year", "return [yoe + era * 400 + (m <= 2 ? 1 : 0), m,", "return [yoe + era * 400 + (m < 2 ? 1 : 0), m,"),
    ("monthdays-century", "(y % 4 === 0 && y % 100 !== 0) || y % 400 === 0", "y % 4 === 0"),
    ("monthdays-30", "[4, 6, 9, 11].includes(m) ? 30 : 31", "[4, 6, 11].includes(m) ? 30 : 31"),
    ("inrange-max", "if (d < _MIN_DAY || d > _MAX_DAY)", "if (d < _MIN_DAY || d > _MAX_DAY + 1)"),
    ("plusdays-bound", "if (n > 4000000n || n < -4000000n)", "if (n > 4000000n)"),
    ("plusmonths-negative", "if (month < 0n) { month += 12n; years -= 1n; }", "if (month < 0n) { month += 12n; }"),
    ("plusmonths-year-range", "if (y2 < 1n || y2 > 9999n) throw new DateOutOfRange();", ""),
    ("plusmonths-clamp", "Math.min(day, _monthDays(yy, mm))", "day"),
    ("age-birthday", "if (n > 0n && plusMonths(birth, 12n * n) >= on) n -= 1n;",
     "if (n > 0n && plusMonths(birth, 12n * n) > on) n -= 1n;"),
    ("age-before-birth", 'if (birth > on) throw new Undecidable("age_before_birth");', ""),
    ("months-end", "if (plusMonths(start, n) > end) n -= 1n;", "if (plusMonths(start, n) >= end) n -= 1n;"),
    ("next-month-december", "return m === 12 ? yearStart(BigInt(y + 1))", "return m === 11 ? yearStart(BigInt(y + 1))"),
    ("yearstart-range", "if (y < 1n || y > 9999n) throw new DateOutOfRange();\n  return _daysFromCivil(Number(y), 1, 1);",
     "return _daysFromCivil(Number(y), 1, 1);"),
    ("yearend-day", "return _daysFromCivil(Number(y), 12, 31);", "return _daysFromCivil(Number(y), 12, 30);"),
    ("json-max-number", "if (m[0].length > MAX_NUMBER_CHARS)", "if (m[0].length > MAX_NUMBER_CHARS + 1)"),
    ("json-max-text", "if (text.length > MAX_TEXT_CHARS) throw", "if (text.length > MAX_TEXT_CHARS + 1) throw"),
    ("json-depth", "if (depth > MAX_DEPTH) fail", "if (depth > MAX_DEPTH + 1) fail"),
    ("json-duplicate-key", 'if (obj.has(key)) throw new JSONError("the key " + _show(key) + " appears twice");', ""),
    ("json-trailing", 'if (i !== text.length) fail("Extra data");', ""),
    ("json-control-char", "text.charCodeAt(i) >= 0x20) i++;", "text.charCodeAt(i) >= 0x00) i++;"),
    ("json-surrogate", "if (/[\\ud800-\\udfff]/.test(out) && !out.isWellFormed())", "if (false)"),
    ("json-escape-n", 'n: "\\n",', 'n: "n",'),
    ("money-two-decimals", "/^[0-9]+(\\.[0-9]{1,2})?$/.test(raw)", "/^[0-9]+(\\.[0-9]{1,3})?$/.test(raw)"),
    ("money-negative", "if (mant < 0n || (mant !== 0n && digits + exp > 15))", "if ((mant !== 0n && digits + exp > 15))"),
    ("money-15-digits", "digits + exp > 15))", "digits + exp > 16))"),
    ("money-fraction-of-fen", "if (scale > digits || mant % 10n ** BigInt(scale) !== 0n) {", "if (scale > digits) {"),
    ("money-max", "if (fen >= MAX_MONEY_YUAN * 100n)", "if (fen > MAX_MONEY_YUAN * 100n)"),
    ("whole-fraction", "if (mant % p !== 0n) return null;", ""),
    ("whole-max", "return v <= MAX_INT && v >= -MAX_INT ? v : null;", "return v;"),
    ("int-minimum", "if (minimum !== null && v < minimum)", "if (minimum !== null && v < minimum - 1n)"),
    ("int-max", "if (v > MAX_INT || v < -MAX_INT) {", "if (v > MAX_INT) {"),
    ("date-month-13", "m < 1 || m > 12 ||", "m < 1 ||"),
    ("date-day-of-month", "d > _monthDays(y, m)) throw", "d > 31) throw"),
    ("enum-unknown", "if (key === undefined || !aliases.has(key)) {\n        const codes = _codes(aliases);",
     "if (key === undefined) {\n        const codes = _codes(aliases);"),
    ("set-not-list", 'if (!Array.isArray(value)) throw new CaseError(field, "set_type"', 'if (false) throw new CaseError(field, "set_type"'),
    ("default-ignored", "if (!c.has(field) && dflt !== undefined) c.set(field, dflt);", ""),
    ("bool-any", 'if (typeof value !== "boolean") throw', "if (value === null) throw"),
    ("in-domain-order", "if (undecided !== null) throw undecided;", ""),
    ("max-is-min", "function _max(...xs) { return xs.reduce((a, b) => (b > a ? b : a)); }",
     "function _max(...xs) { return xs.reduce((a, b) => (b < a ? b : a)); }"),
    ("set-eq-size", "return a.size === b.size && [...a]", "return [...a]"),
)

# Mutants that no test can kill because they change nothing observable, keyed by module and the
# mutated line as it reads after the mutation; each with the reason. docs/mutation.md lists them.
EQUIVALENT_FILE = Path(__file__).with_name("mutation_equivalents.json")


def equivalents() -> dict:
    return json.loads(EQUIVALENT_FILE.read_text(encoding="utf-8")) if EQUIVALENT_FILE.exists() else {}


@dataclass
class Mutant:
    module: str
    key: str          # how it is known: operator@line:col (Python), the mutant's name (JavaScript)
    line: int
    make: object      # () -> the module's mutated source text, or None when the operator changes nothing
    _text: object = False

    def text(self):
        if self._text is False:
            self._text = self.make()
        return self._text

    @property
    def mutated(self) -> str:
        """The mutated line, as it reads."""
        lines = (self.text() or "").splitlines()
        return lines[self.line - 1].strip() if self.line - 1 < len(lines) else ""


def python_mutants(name: str, target: Target) -> list[Mutant]:
    """Every place each operator can mutate the module (the mutated text is made only when run)."""
    from cosmic_ray.ast import ast_nodes, get_ast
    from cosmic_ray.ast.ast_query import ASTQuery
    from cosmic_ray.mutating import mutate_code
    from cosmic_ray.plugins import get_operator

    source = (PKG / target.path).read_text(encoding="utf-8")
    lines = source.splitlines()
    out = []
    for op_name in OPERATORS:
        operator = get_operator(op_name)()
        positions = [(node, start) for node in ast_nodes(get_ast(source))
                     for start, _ in operator.mutation_positions(node)]
        for occurrence, (node, (line, col)) in enumerate(positions):
            if target.functions and not any(
                    f == (ASTQuery(node).get_definition_name() or "").rpartition(".")[2] for f in target.functions):
                continue
            if lines[line - 1].lstrip().startswith(("assert ", "#")):
                continue

            def make(op=operator, occ=occurrence):
                new = mutate_code(source, op, occ)
                return None if new == source else new
            out.append(Mutant(name, f"{op_name.removeprefix('core/')}@{line}:{col}", line, make))
    return out


def js_mutants(name: str, target: Target) -> list[Mutant]:
    path = PKG / target.path
    source = path.read_text(encoding="utf-8")
    out = []
    for key, old, new in JS_MUTANTS:
        assert source.count(old) == 1, f"runtime.js mutant {key}: {old!r} occurs {source.count(old)} times"
        at = source.index(old)
        line = source[:at].count("\n") + 1
        out.append(Mutant(name, key, line, lambda old=old, new=new: source.replace(old, new)))
    return out


def mutants_of(name: str) -> list[Mutant]:
    target = TARGETS[name]
    return js_mutants(name, target) if target.path.endswith(".js") else python_mutants(name, target)


def run_one(m: Mutant, timeout: float) -> str:
    """'killed' or 'survived' (a timeout is killed: the mutant made the tests hang)."""
    import subprocess
    path = PKG / TARGETS[m.module].path
    original = path.read_bytes()
    saved = path.with_name(path.name + ".unmutated")  # put back by the next run if this one is killed hard
    saved.write_bytes(original)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "compiler"), PYTHONDONTWRITEBYTECODE="1",
               YIBAO_CACHE="0", PYTHONHASHSEED="0")
    cmd = ["nice", "-n", "10", sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
           "--hypothesis-seed=0", *TARGETS[m.module].tests]
    try:
        path.write_text(m.text(), encoding="utf-8")
        try:
            done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return "killed"
        if done.returncode in (4, 5):  # a missing file, or no test: a broken selection, not a kill
            raise SystemExit(f"{m.module}: the test selection {TARGETS[m.module].tests} runs no test")
        return "survived" if done.returncode == 0 else "killed"
    finally:
        path.write_bytes(original)
        saved.unlink(missing_ok=True)


def put_back():
    """A module a killed run left mutated is put back from the copy taken before the mutation."""
    for saved in PKG.rglob("*.unmutated"):
        saved.with_name(saved.name.removesuffix(".unmutated")).write_bytes(saved.read_bytes())
        saved.unlink()
        print(f"put back {saved.relative_to(ROOT)} (a killed run left it mutated)", file=sys.stderr)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--module", action="append", choices=sorted(TARGETS), help="only these modules")
    ap.add_argument("--sample", type=int, help="only this many mutants a module, drawn with --seed")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--shard", metavar="K/N", help="only every Nth mutant of each module, from the Kth: N runs, "
                    "each in a checkout of its own, share a full run")
    ap.add_argument("--list", action="store_true", help="count the mutants, run nothing")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds a test run may take (then: killed, as a mutant that hangs)")
    ap.add_argument("--json", type=Path, help="write every result here")
    ap.add_argument("--again", type=Path, help="only the mutants that survived in this --json file")
    ap.add_argument("--score", type=Path, action="append",
                    help="print the scores of these --json files, a later one's result for a mutant over an "
                         "earlier's (a run --again after new tests), with today's equivalents")
    args = ap.parse_args(argv)
    # a kill (SIGTERM) unwinds like Ctrl-C, so the module being mutated is put back
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even where started in the background
    if args.score:
        merged = {}
        for f in args.score:
            for r in json.loads(f.read_text(encoding="utf-8"))["results"]:
                merged[(r["module"], r["key"], r["mutated"])] = r  # (one place may take two mutants: 7 and 9 for 8)
        return print_scores(list(merged.values()), equivalents())
    if not args.list:
        take_lock()
        put_back()
    again = None
    if args.again:
        again = {(r["module"], r["key"]) for r in json.loads(args.again.read_text(encoding="utf-8"))["results"]
                 if r["outcome"] == "survived"}

    known = equivalents()
    results, table = [], []
    for name in args.module or list(TARGETS):
        ms = mutants_of(name)
        if args.sample is not None and args.sample < len(ms):
            ms = random.Random(f"{args.seed}:{name}").sample(ms, args.sample)
            ms.sort(key=lambda m: (m.line, m.key))
        if args.list:
            print(f"{name:12} {len(ms):4} mutants  ({TARGETS[name].path})")
            for m in ms if args.sample is not None else ():
                print(f"    {m.key:45} {m.mutated[:90]}")
            continue
        killed = survived = equivalent = 0
        ms = [m for m in ms if again is None or (name, m.key) in again]
        if args.shard:
            k, n = map(int, args.shard.split("/"))
            ms = ms[k - 1::n]
        for m in ms:
            if m.text() is None:  # the operator found nothing to change here
                continue
            if known.get(name, {}).get(m.mutated):
                outcome = "equivalent"
                equivalent += 1
            else:
                outcome = run_one(m, args.timeout)
                killed += outcome == "killed"
                survived += outcome == "survived"
            print(f"{outcome:10} {name} {m.key:45} {m.mutated[:90]}", flush=True)
            results.append({"module": name, "key": m.key, "line": m.line, "mutated": m.mutated, "outcome": outcome})
            if args.json:  # after every mutant: a long run stopped early keeps what it measured
                args.json.write_text(json.dumps({"sample": args.sample, "seed": args.seed, "results": results},
                                                ensure_ascii=False, indent=1), encoding="utf-8")
        score = killed / (killed + survived) if killed + survived else 1.0
        table.append((name, killed + survived + equivalent, killed, survived, equivalent, score))
    if args.list:
        return 0
    print(f"\n{'module':12} {'mutants':>7} {'killed':>6} {'survived':>8} {'equivalent':>10} {'score':>6}")
    for name, n, k, s, e, score in table:
        print(f"{name:12} {n:7} {k:6} {s:8} {e:10} {score:6.1%}")
    if args.json:
        args.json.write_text(json.dumps({"sample": args.sample, "seed": args.seed, "results": results},
                                        ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if any(r["outcome"] == "survived" for r in results) else 0


LOCK = ROOT / "tools" / ".mutate.lock"


def take_lock():
    """One run at a time: two would see each other's mutants. A lock whose process is gone is stale."""
    import atexit
    if LOCK.exists():
        try:
            os.kill(int(LOCK.read_text()), 0)
            raise SystemExit(f"another tools/mutate.py (pid {LOCK.read_text()}) is running; its mutants would be ours")
        except (ProcessLookupError, ValueError):
            pass
    LOCK.write_text(str(os.getpid()))
    atexit.register(lambda: LOCK.unlink(missing_ok=True))


def print_scores(results: list, known: dict) -> int:
    """The table of docs/mutation.md from a --json file: a survivor now recorded as equivalent counts so."""
    print("| module | mutants | killed | survived | equivalent | score |\n|---|---:|---:|---:|---:|---:|")
    left = all_k = all_eq = 0
    for name in dict.fromkeys(r["module"] for r in results):
        rs = [r for r in results if r["module"] == name]
        eq = sum(r["outcome"] == "equivalent" or (r["outcome"] == "survived" and r["mutated"] in known.get(name, {}))
                 for r in rs)
        k = sum(r["outcome"] == "killed" for r in rs)
        s = len(rs) - k - eq
        left, all_k, all_eq = left + s, all_k + k, all_eq + eq
        print(f"| {name} | {len(rs)} | {k} | {s} | {eq} | {k / (k + s):.0%} |" if k + s else f"| {name} | {len(rs)} | 0 | 0 | {eq} | — |")
    if all_k + left:
        print(f"| **all** | {len(results)} | {all_k} | {left} | {all_eq} | **{all_k / (all_k + left):.1%}** |")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
