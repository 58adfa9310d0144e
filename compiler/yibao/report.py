"""`yibao check` output: text for people, JSON for scripts, SARIF for code-scanning UIs, JUnit for
CI test reports. Exit 1 on any error (and on warnings with --strict)."""
from __future__ import annotations

import json
from pathlib import Path

from . import __version__
from .diagnostics import Diagnostic
from .policies import PolicySet

RULE_HELP = {
    "E1": "syntax", "E2": "names", "E3": "types", "E4": "printed figures and citations",
    "E5": "tables and rules", "E6": "inheritance and overrides", "W": "warnings",
}


def collect(ps: PolicySet, files: list[Path]) -> dict[str, list[Diagnostic]]:
    """file → its diagnostics (each reported once, against the file it is in)."""
    from . import checked
    from .analysis import analyze
    from .context import rehome  # (here: a check answered from the cache needs none of it)
    by_file: dict[str, list[Diagnostic]] = {str(f): [] for f in files}
    seen = set()
    wanted = {Path(f).resolve() for f in files}

    def add(d: Diagnostic, fallback: str):
        key = (d.code, d.message, d.span.where if d.span else fallback)
        if key in seen:
            return
        seen.add(key)
        target = d.span.file.path if d.span else fallback
        if Path(target).resolve() in wanted:
            by_file.setdefault(next((f for f in by_file if Path(f).resolve() == Path(target).resolve()), target), []).append(d)

    for f in files:
        key = str(f)
        resolved = ps.resolve(key)
        if resolved in ps.failed:
            for d in ps.failed[resolved].diagnostics:
                add(d, key)
            continue
        module = ps.modules[resolved]
        if module.header is None:
            continue  # a library: checked through the notices that use it
        program, diags = ps.check(resolved)
        if program is not None:  # (the analyses from the cache where the notice's sources are unchanged)
            diags = diags + checked.analyze(ps, resolved, program, analyze)
        for d in rehome(ps, resolved, diags):  # each at the line that must change
            add(d, key)
    return by_file


def check_report(ps: PolicySet, files: list[Path], fmt: str, strict: bool, out) -> int:
    from . import checked
    by_file = checked.collect(ps, files, collect)  # the cache's, where the sources are unchanged
    all_diags = [d for ds in by_file.values() for d in ds]
    errors = sum(d.severity == "error" for d in all_diags)
    warnings = len(all_diags) - errors
    if fmt == "json":
        json.dump({"files": {f: [d.to_json() for d in ds] for f, ds in by_file.items()},
                   "errors": errors, "warnings": warnings}, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "sarif":
        json.dump(sarif(by_file), out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "junit":
        out.write(junit(by_file, strict))
    else:
        for d in all_diags:
            out.write(d.render() + "\n\n")
        out.write(f"checked {len(by_file)} file(s): {errors} error(s), {warnings} warning(s)\n")
    return 1 if errors or (strict and warnings) else 0


def sarif(by_file: dict[str, list[Diagnostic]]) -> dict:
    rules = {}
    results = []
    for f, diags in by_file.items():
        for d in diags:
            rules.setdefault(d.code, {"id": d.code, "name": _family(d.code),
                                      "shortDescription": {"text": _family(d.code)}})
            result = {"ruleId": d.code, "level": "warning" if d.severity == "warning" else "error",
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
                                      "informationUri": "https://github.com/yibao/yibao",
                                      "rules": list(rules.values())}},
                  "results": results}],
    }


def _family(code: str) -> str:
    return RULE_HELP.get(code[:2], RULE_HELP.get(code[:1], "check"))


def junit(by_file: dict[str, list[Diagnostic]], strict: bool) -> str:
    """One test case per policy file; it fails with its errors (and warnings, with --strict)."""
    from xml.sax.saxutils import escape, quoteattr  # (urllib and email come with it: only for JUnit)
    cases, failures = [], 0
    for f, diags in by_file.items():
        bad = [d for d in diags if d.severity == "error" or strict]
        body = ""
        if bad:
            failures += 1
            text = "\n\n".join(d.render() for d in diags)
            body = (f'<failure message={quoteattr(bad[0].message)} type="{bad[0].code}">'
                    f"{escape(text)}</failure>")
        elif diags:
            body = f"<system-out>{escape(chr(10).join(d.render() for d in diags))}</system-out>"
        cases.append(f'    <testcase classname="yibao.check" name={quoteattr(f)}>{body}</testcase>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<testsuites name="yibao check" tests="{len(cases)}" failures="{failures}" errors="0">\n'
            f'  <testsuite name="yibao check" tests="{len(cases)}" failures="{failures}" errors="0" skipped="0">\n'
            + "\n".join(cases) + "\n  </testsuite>\n</testsuites>\n")
