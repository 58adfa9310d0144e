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

It prints one line a mutant and a table of scores; --json FILE writes every result; exit 1 when a
mutant survives that is not recorded as equivalent (EQUIVALENT below). Runs under `nice`.
"""
from __future__ import annotations

import argparse
import json
import os
import random
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


TARGETS = {
    "core": Target("runtime/core.py", ("tests/runtime", "tests/backends/test_codegen.py")),
    "bounded": Target("runtime/bounded.py", ("tests/runtime", "tests/check/test_bounded_unknowns.py")),
    "strict_json": Target("runtime/strict_json.py", ("tests/runtime",)),
    "runtime.js": Target("runtime/runtime.js", ("tests/runtime/test_cross_target_rounding.py",
                                                  "tests/runtime/test_runtime_js.py")),
    "domains": Target("check/domains.py", ("tests/check/test_domains.py", "tests/test_mutants.py", "-k",
                                          "domain or Domain")),
    "invariants": Target("analysis/invariants.py", ("tests/test_mutants.py", "-k", "breaks")),
    "citations": Target("check/citations.py", ("tests/check/test_citations.py",)),
    "cache": Target("base/cache.py", ("tests/policies/test_cache_key.py", "tests/test_mutants.py", "-k",
                                     "fingerprint or cache")),
    "figures": Target("check/checker.py", ("tests/check/test_figures_checked.py", "tests/test_mutants.py", "-k",
                                          "printed or E401 or E601 or row"),
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--module", action="append", choices=sorted(TARGETS), help="only these modules")
    ap.add_argument("--sample", type=int, help="only this many mutants a module, drawn with --seed")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--list", action="store_true", help="count the mutants, run nothing")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds a test run may take (then: killed)")
    ap.add_argument("--json", type=Path, help="write every result here")
    ap.add_argument("--again", type=Path, help="only the mutants that survived in this --json file")
    args = ap.parse_args(argv)
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
            continue
        killed = survived = equivalent = 0
        ms = [m for m in ms if again is None or (name, m.key) in again]
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


if __name__ == "__main__":
    sys.exit(main())
