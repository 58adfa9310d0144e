"""`yibao check` output: text for people, JSON for scripts, SARIF for code-scanning UIs, JUnit for
CI test reports. Exit 1 on any error (and on warnings with --strict)."""
from __future__ import annotations

import json
from pathlib import Path

from .. import __version__
from ..base import codes
from ..base.diagnostics import Diagnostic
from .directory import PolicySet


def collect(ps: PolicySet, files: list[Path], analyses: bool = True,
            invariants: dict | None = None) -> dict[str, list[Diagnostic]]:
    """file → its diagnostics (each reported once, against the file it is in); the static analyses
    (seconds, where the rest takes a fraction of one) only with `analyses`. `invariants` gets, for
    each notice analysed, how each of its invariants was settled (analysis.invariants.statuses)."""
    from . import fanout
    from .rehome import rehome  # (here: a check answered from the cache needs none of it)
    by_file: dict[str, list[Diagnostic]] = {str(f): [] for f in files}
    seen = set()
    wanted = {Path(f).resolve() for f in files}

    def add(d: Diagnostic, fallback: str, force: bool = False) -> bool:
        """d reported (once) against its file if that is one checked, or against fallback if force:
        whether it is reported."""
        key = (d.code, d.message, d.span.where if d.span else fallback)
        if key in seen:
            return True
        target = d.span.file.path if d.span else fallback
        if force or (d.span and not target.endswith(".policy")):  # a notice's text that cannot be
            target = fallback  # read (E109): told with the notice that cites it, as `yibao eval` tells it
        if Path(target).resolve() not in wanted:
            return False
        seen.add(key)
        by_file.setdefault(next((f for f in by_file if Path(f).resolve() == Path(target).resolve()), target), []).append(d)
        return True

    checked_files = []  # (file, notice or None, program or None, the checker's diagnostics)
    for f in files:
        key = str(f)
        resolved = ps.resolve(key)
        if resolved in ps.failed:
            checked_files.append((key, None, None, list(ps.failed[resolved].diagnostics)))
            continue
        if ps.modules[resolved].header is None:
            continue  # a library: checked through the notices that use it
        program, diags = ps.check(resolved)
        checked_files.append((key, resolved, program, diags))
    # the analyses (from the cache where the notice's sources are unchanged), notices in parallel
    todo = [(key, resolved, program) for key, resolved, program, _ in checked_files if program is not None and analyses]
    found = dict(zip((key for key, _, _ in todo), fanout.run_all(
        [(_analysis(ps), (resolved, program)) for _, resolved, program in todo])))
    for key, resolved, program, diags in checked_files:
        if key in found:
            diags = diags + found[key][0]
            if invariants is not None:
                invariants[key] = found[key][1]
        diags = rehome(ps, resolved, diags) if resolved else diags  # each at the line that must change
        told = [add(d, key) for d in diags]
        if resolved and program is None and not any(t for t, d in zip(told, diags) if d.severity == "error"):
            # the notice fails for errors in a file not checked here (an `implements` circle's other
            # notices): told against it, never reported clean where `yibao eval` would fail
            for d in diags:
                if d.severity == "error":
                    add(d, key, force=True)
    return by_file


def _analysis(ps: PolicySet):
    """One notice's (findings, how each invariant was settled), for fanout."""
    from . import checked
    from .warm import analyze
    from ..analysis.invariants import statuses

    def run(item):
        resolved, program = item
        return checked.analyze(ps, resolved, program, analyze, statuses)
    return run


def check_report(ps: PolicySet, files: list[Path], fmt: str, strict: bool, out) -> int:
    from . import checked
    invariants: dict = {}  # notice → how each invariant was settled: proved, sampled or failed
    by_file = checked.collect(ps, files, collect, invariants)  # the cache's, where the sources are unchanged
    all_diags = [d for ds in by_file.values() for d in ds]
    errors = sum(d.severity == "error" for d in all_diags)
    warnings = sum(d.severity == "warning" for d in all_diags)
    if fmt == "json":
        # (`invariants` was added after the rest: a reader of the older fields sees them unchanged)
        json.dump({"files": {f: [d.to_json() for d in ds] for f, ds in by_file.items()},
                   "errors": errors, "warnings": warnings,
                   "invariants": invariants}, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "sarif":
        json.dump(sarif(by_file), out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "junit":
        failed = {str(Path(k).resolve()) for k in ps.failed}
        out.write(junit(by_file, strict, {f for f in by_file if str(Path(f).resolve()) in failed}))
    else:
        for d in all_diags:
            out.write(d.render() + "\n\n")
        out.write(f"checked {len(by_file)} file(s): {errors} error(s), {warnings} warning(s)\n")
    return 1 if errors or (strict and warnings) else 0


def sarif(by_file: dict[str, list[Diagnostic]]) -> dict:
    """A SARIF 2.1.0 log: one rule per diagnostic code met, each result pointing at its rule."""
    rules: dict[str, int] = {}  # code → index in the driver's rules
    results = []
    for f, diags in by_file.items():
        for d in diags:
            index = rules.setdefault(d.code, len(rules))
            result = {"ruleId": d.code, "ruleIndex": index,
                      "level": {"warning": "warning", "info": "note"}.get(d.severity, "error"),
                      "message": {"text": d.message + "".join(f"\nnote: {n}" for n in d.notes)
                                  + (f"\nhelp: {d.hint}" if d.hint else "")}}
            if d.span:
                result["locations"] = [{"physicalLocation": {
                    "artifactLocation": {"uri": Path(d.span.file.path).as_posix()},
                    "region": {"startLine": d.span.line, "startColumn": d.span.column,
                               "endLine": d.span.end_line, "endColumn": max(d.span.end_column, d.span.column + 1)}}}]
            else:
                result["locations"] = [{"physicalLocation": {"artifactLocation": {"uri": Path(f).as_posix()}}}]
            results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "yibao", "version": __version__,
                                      "informationUri": codes.HELP_BASE,
                                      "rules": [_rule(code) for code in rules]}},
                  "results": results}],
    }


def _rule(code: str) -> dict:
    return {"id": code, "name": codes.name(code),
            "shortDescription": {"text": f"{code}: {codes.title(code)}"},
            "fullDescription": {"text": codes.description(code)},
            "helpUri": codes.help_uri(code),
            "defaultConfiguration": {"level": {"W": "warning", "I": "note"}.get(code[0], "error")},
            "properties": {"tags": [codes.phase(code)]}}


def junit(by_file: dict[str, list[Diagnostic]], strict: bool, broken: set[str] = frozenset()) -> str:
    """One test suite per policy file and a test case per check phase in it. A phase with errors
    (and warnings, with --strict) has one failing test case per diagnostic, as a test case holds one
    failure; other warnings go to system-out. A file that does not parse skips the later phases, one
    with errors skips the analyses (they need a checked program)."""
    from xml.sax.saxutils import escape, quoteattr  # (urllib and email come with it: JUnit only)
    suites, totals = [], [0, 0]
    for f, diags in by_file.items():
        by_phase: dict[str, list[Diagnostic]] = {p: [] for p in codes.PHASES.values()}
        for d in diags:
            by_phase.setdefault(codes.phase(d.code), []).append(d)
        has_error = any(d.severity == "error" for d in diags)
        cases, failures, skipped = [], 0, 0
        for ph, found in by_phase.items():
            bad = [d for d in found if d.severity == "error" or (strict and d.severity == "warning")]
            out = "\n\n".join(d.render() for d in found if d not in bad)
            out = f"<system-out>{escape(out)}</system-out>" if out else ""
            for d in bad:
                failures += 1
                where = f" at {d.span.line}:{d.span.column}" if d.span else ""
                cases.append(_case(f, f"{ph}: {d.code}{where}", f'<failure message={quoteattr(d.message)} '
                                   f'type="{d.code}">{escape(d.render())}</failure>' + out))
                out = ""
            if bad:
                continue
            why = ("the policy does not parse" if f in broken and ph != codes.PHASES["1"] else
                   "the policy has errors; the analyses need a checked program" if has_error and ph in _ANALYSES
                   else "")
            skipped += bool(why)
            cases.append(_case(f, ph, (f"<skipped message={quoteattr(why)}/>" if why else "") + out))
        suites.append(f'  <testsuite name={quoteattr(f)} tests="{len(cases)}" failures="{failures}" errors="0" '
                      f'skipped="{skipped}">\n' + "\n".join(cases) + "\n  </testsuite>")
        totals[0] += len(cases)
        totals[1] += failures
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<testsuites name="yibao check" tests="{totals[0]}" failures="{totals[1]}" errors="0">\n'
            + "\n".join(suites) + "\n</testsuites>\n")


def _case(file: str, name: str, body: str) -> str:
    from xml.sax.saxutils import quoteattr
    return f'    <testcase classname={quoteattr("yibao.check." + Path(file).stem)} name={quoteattr(name)}>{body}</testcase>'


# phases that run only on a program that checks without errors
_ANALYSES = {codes.PHASES["5"], codes.PHASES["7"]}
