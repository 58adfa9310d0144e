"""`yibao diff OLD NEW`: what a notice changes against another, and what that does to people.

The definitions (diff_definitions.py), then the effect on people: without a roll, on cases generated
from both notices' own conditions (diff_effects.py); with `--roll`, on every person of a real roll
(diff_roll.py), counted and totalled by group × tier × identities, with a chart (diff_chart.py).
Printed as text, markdown, HTML (diff_render.py) or JSON for scripts.

OLD and NEW are document numbers or policy file paths (a file elsewhere is read with the policy
directory it sits in, so a draft beside its own texts/ checks its own quotes).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ..ir import nodes as ir
from ..base.exits import BAD_INPUT, OUTPUT_ERROR, Fail
from ..run.evaluate import Evaluator
from .diff_adds import added
from .diff_definitions import compare_definitions, compare_params


def add_parser(sub):
    d = sub.add_parser("diff", help="compare two notices: rules changed and the effect on people",
                       description="Compare two notices (document numbers or policy file paths): parameters, lets,\n"
                       "decisions, rules and table rows added, removed or changed, with both citations, and\n"
                       "the effect on people: generated cases covering every rule, or with --roll every\n"
                       "person of a roll (the old notice's population, dates moved to the new coverage year).")
    d.add_argument("old", metavar="OLD")
    d.add_argument("new", metavar="NEW")
    d.add_argument("--format", choices=("text", "markdown", "json", "html"), default="text")
    d.add_argument("--roll", metavar="ROLL", help="a roll (.jsonl, .csv or .parquet) of the old notice's people: "
                   "how many change on each decision and by how much in total")
    d.add_argument("-o", "--output", metavar="FILE", help="write the report here (default: standard output); "
                   "with --roll and markdown, the chart is written beside it as FILE's name with .svg")
    d.add_argument("--chart", metavar="FILE.svg|png", help="write the roll's chart here")
    d.set_defaults(run=cmd_diff)


def load(args, notice: str) -> ir.Program:
    from ..policies.directory import PolicySet, default_directory, load_notice
    directory = args.policies or default_directory()
    p = Path(notice)
    if p.suffix == ".policy" and p.exists():
        directory = _policy_dir(p)
    return load_notice(PolicySet(directory), notice)


def _policy_dir(p: Path) -> Path:
    """The nearest directory up from a policy file that has the notices' texts/."""
    for d in p.resolve().parents:
        if (d / "texts").is_dir():
            return d
    return p.resolve().parent


def compare(old: ir.Program, new: ir.Program, roll: str | None = None) -> dict:
    eo, en = Evaluator(old), Evaluator(new)
    out = {
        "old": {"document": old.document, "coverage": old.coverage, "path": old.path},
        "new": {"document": new.document, "coverage": new.coverage, "path": new.path,
                "implements": new.implements},
        "decisions": {"added": [d for d in new.decisions if d not in old.decisions],
                      "removed": [d for d in old.decisions if d not in new.decisions]},
        "changes": compare_params(old, new) + compare_definitions(old, new),
        "adds": added(old, new),
    }
    if roll is not None:
        from .diff_roll import RollDiff
        out["roll"] = RollDiff(old, new, eo, en, out["adds"]).run(roll)
    else:
        from .diff_effects import effects
        out["effects"] = effects(old, new, eo, en, out["adds"])
    return out


def cmd_diff(args) -> int:
    from . import diff_chart, diff_render
    from .labels import Labels
    old, new = load(args, args.old), load(args, args.new)
    if (args.chart or args.format == "html") and args.roll:
        diff_chart.require()
    result = compare(old, new, args.roll)
    labels = Labels(old, new)
    chart_path, svg = _chart(args, result, labels)
    if chart_path and "roll" in result:
        result["roll"]["chart"] = str(chart_path)
    if args.format == "json":
        text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    elif args.format == "html":
        text = diff_render.page(diff_render.blocks(result, labels, "inline" if svg else None), svg)
    else:
        shown = None
        if chart_path:  # markdown links the chart relative to the report
            base = Path(args.output).resolve().parent if args.output else Path.cwd()
            shown = _relative(chart_path, base)
        text = diff_render.text(diff_render.blocks(result, labels, shown), markdown=args.format == "markdown")
    _write(args.output, text)
    return 0


def _chart(args, result: dict, labels) -> tuple[Path | None, str | None]:
    """(where the chart was written, the SVG for an HTML page)."""
    if "roll" not in result:
        if args.chart:
            raise Fail(BAD_INPUT, "--chart draws a roll's changes: give --roll too")
        return None, None
    from . import diff_chart
    path = Path(args.chart) if args.chart else None
    if path is None and args.format == "markdown" and args.output:
        path = Path(args.output).with_suffix(".svg")
    svg = None
    if args.format == "html":
        data = diff_chart.render(result["roll"], labels, "svg")
        svg = data.decode("utf-8") if data else None
    if path is not None:
        path = diff_chart.write(result["roll"], labels, path)
    return path, svg


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base))
    except ValueError:
        return str(path.resolve())


def _write(output: str | None, text: str):
    if output is None:
        sys.stdout.write(text)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise Fail(OUTPUT_ERROR, f"cannot write {output}: {exc.strerror}") from None
