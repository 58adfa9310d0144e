"""The `yibao` command: eval, compile, check, schema, notices (diff and new live in workbench/).

Exit codes (interface.md): 0 ok · 1 a policy is wrong · 2 bad input · 3 a requested decision the
notice does not state or cannot decide; beyond the contract, 74 the output could not be written
(closed, full disk), 141 the reader closed the pipe, 130 interrupted, 70 an internal error. Errors go
to standard error, one line each (a policy's diagnostics add their source line and caret); never a
traceback.
"""
from __future__ import annotations

import argparse
import importlib
import io
import json
import os
import sys
from pathlib import Path

from . import __version__
from .backends.targets import COMPILE_TARGETS
from .base.exits import BAD_INPUT, BROKEN_PIPE, INTERNAL_ERROR, INTERRUPTED, OK, OUTPUT_ERROR, POLICY_ERROR, Fail
from .policies.directory import default_directory, load_calculator, load_notice, policy_set


_EPILOG = """\
examples:
  yibao eval 渝医保发〔2023〕24号 --case case.json
  echo '{"group": "student", "tier": 2, "payment_date": "2023-11-01"}' | yibao eval 渝医保发〔2023〕24号 --case -
  yibao eval 九龙坡医保发〔2023〕46号 --cases roll.jsonl > results.jsonl
  yibao eval 九龙坡医保发〔2023〕46号 --case case.json --decision assistance --explain
  yibao compile 渝医保发〔2023〕24号 -o calc.py && python -I calc.py < case.json
  yibao check --strict
  yibao diff 渝医保发〔2023〕24号 渝医保发〔2025〕42号
  yibao notices --format json

NOTICE is a document number exactly as printed, or a policy file's path.
Policies are found in --policies DIR, else $YIBAO_POLICIES, else the nearest ./policies (this
directory or one above it), else the policies installed with yibao.
exit codes: 0 ok · 1 a policy is wrong · 2 bad input · 3 a decision cannot be made
"""

# an example for each command's --help (set on the commands other modules register too)
_EXAMPLES = {
    "eval": _EPILOG,
    "compile": """example:
  yibao compile 九龙坡医保发〔2023〕46号 -o jlp.py
  python -I jlp.py < case.json          # standard library only: runs anywhere with Python 3.11+
""",
    "check": """examples:
  yibao check --strict                  # every policy in policies/; warnings fail too
  yibao check policies/jiulongpo-2024.policy --format sarif > check.sarif
""",
    "schema": """example:
  yibao schema 渝医保发〔2023〕24号 > case.schema.json
""",
    "diff": """example:
  yibao diff 渝医保发〔2023〕24号 渝医保发〔2025〕42号 --format markdown
""",
    "new": """example:
  yibao new --from 渝医保发〔2025〕42号 --coverage 2027 -o policies/chongqing-2027.policy
""",
    "lsp": """example:
  yibao lsp                             # started by the editor: see docs/how-to/editor.md
""",
    "notices": """examples:
  yibao notices
  yibao notices --format json | python -c 'import json, sys; print(len(json.load(sys.stdin)))'
""",
}

# commands registered by other modules: imported only when that command (or the full --help) is
# wanted, so `yibao eval` does not pay for them; each module has add_parser(subparsers)
_MODULES = {"diff": ".workbench.diff", "new": ".workbench.drafting", "lsp": ".workbench.lsp",
            "serve": ".server.command", "test": ".run.conformance"}
_CORE = ("eval", "compile", "check", "schema", "notices")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    unknown = _unknown_command(argv)
    if unknown:
        _say(unknown)
        return BAD_INPUT
    parser = build_parser(_command(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return BAD_INPUT
    if sys.stdout is None and not getattr(args, "output", None):  # started with `>&-`
        _say("standard output is closed: nothing can be written")
        return OUTPUT_ERROR
    try:
        code = args.run(args)
        if not sys.stdout.closed:  # (the language server closes it on `exit`)
            sys.stdout.flush()  # a full disk shows here, not at exit where it could only be ignored
        return code
    except Fail as exc:
        _say(str(exc))
        return exc.code
    except BrokenPipeError:  # `yibao eval … | head`: the reader has what it wanted
        _silence_stdout()
        return BROKEN_PIPE
    except OSError as exc:
        _silence_stdout()
        _say(f"cannot write the output: {exc.strerror or exc}")
        return OUTPUT_ERROR
    except KeyboardInterrupt:
        _silence_stdout()
        _say("interrupted")
        return INTERRUPTED
    except RecursionError:
        _say("internal error: nested too deeply (please report the policy or case)")
        return INTERNAL_ERROR
    except Exception as exc:  # a bug: one line, not a traceback, and not mistaken for bad input
        from .base.diagnostics import PolicyError  # (not imported before: a warm eval never needs it)
        if isinstance(exc, PolicyError):
            for d in exc.diagnostics:
                print(d.render(), file=sys.stderr)
            return POLICY_ERROR
        _say(f"internal error: {type(exc).__name__}: {' '.join(str(exc).split())[:300]} (please report)")
        return INTERNAL_ERROR


def _say(message: str):
    if sys.stderr is not None:
        try:
            print(f"yibao: {message}", file=sys.stderr, flush=True)
        except OSError:
            pass


def _silence_stdout():
    """Point standard output at /dev/null, so the interpreter's flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass


def _command(argv: list[str]) -> str | None:
    """The command word of an argument list (None: a global option such as --help, or no command)."""
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--policies":
            i += 2
            continue
        if a.startswith("-"):
            if a.startswith("--policies="):
                i += 1
                continue
            return None
        return a if a in _CORE or a in _MODULES else None
    return None


def _unknown_command(argv: list[str]) -> str | None:
    """The message for a command word yibao does not have (`yibao evl`), with the closest ones."""
    from .runtime.messages import close_names, lang_of_environment, say
    words = [a for i, a in enumerate(argv) if not a.startswith("-") and (i == 0 or argv[i - 1] != "--policies")]
    if not words or words[0] in _CORE or words[0] in _MODULES:
        return None
    commands = list(_CORE) + list(_MODULES)
    return say("unknown_command", lang_of_environment(),
               {"name": words[0], "close": close_names(words[0], commands), "names": commands})


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with `only`, that command's module alone is imported."""
    p = argparse.ArgumentParser(
        prog="yibao", formatter_class=argparse.RawDescriptionHelpFormatter, epilog=_EPILOG,
        description="Chongqing resident medical-insurance notices as checked, executable policy.")
    p.add_argument("--version", action="version", version=f"yibao {__version__}")
    p.add_argument("--policies", metavar="DIR", type=Path,
                   help="the policy directory (default: $YIBAO_POLICIES, else the nearest ./policies, "
                   "else the policies installed with yibao)")
    sub = p.add_subparsers(title="commands", metavar="COMMAND", dest="command")

    e = sub.add_parser("eval", help="evaluate cases against a notice", formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Evaluate one case (--case) or a JSONL stream of cases (--cases) and print JSON.\n"
                       "A result holds every decision the case has the facts for; --decision asks for\n"
                       "particular ones and exits 3 if one cannot be decided.")
    e.add_argument("notice", metavar="NOTICE")
    src = e.add_mutually_exclusive_group(required=True)
    src.add_argument("--case", metavar="FILE", help="one case, a JSON object ('-' reads standard input)")
    src.add_argument("--cases", metavar="FILE.jsonl", help="one case a line; one result a line, in order, streamed")
    e.add_argument("--output", metavar="RESULTS", help="with --cases ROLL: a roll as .jsonl, .csv or .parquet in, the "
                   "results in one of those (by extension) out, through the columnar backend (needs yibao[columnar])")
    cluster = e.add_mutually_exclusive_group()
    cluster.add_argument("--dask", choices=("local", "threads"), help="with --cases DIR_OR_GLOB (a partitioned "
                         "Parquet roll) --output DIR: on a Dask LocalCluster (threads: of one process; needs yibao[dask])")
    cluster.add_argument("--scheduler", metavar="ADDRESS", help="the same on the Dask cluster at ADDRESS "
                         "(every worker needs yibao and this policy directory)")
    e.add_argument("--decision", metavar="NAME", action="append", help="only this decision (repeatable)")
    e.add_argument("--explain", action="store_true", help="add the rules that fired, with clause and quote")
    e.add_argument("--format", choices=("json", "text"), default="json",
                   help="json (default), or text for a reader (with --explain)")
    e.add_argument("--lang", choices=("zh", "en"),
                   help="the language of error messages (default: the locale's, LC_ALL / LC_MESSAGES / LANG)")
    e.set_defaults(run=cmd_eval)

    c = sub.add_parser("compile", help="write a standalone calculator (Python, JavaScript or a web page)",
                       description="Write the notice as a standalone Python module (standard library only) with one\n"
                       "function per decision, evaluate(case) and a JSON-in/JSON-out main(); --target js writes the same\n"
                       "as an ES module (node calc.mjs < cases.jsonl), --target web one self-contained HTML page.",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_argument("notice", metavar="NOTICE")
    c.add_argument("-o", "--output", metavar="FILE", help="where to write (default: standard output)")
    c.add_argument("--target", choices=COMPILE_TARGETS, default="python",
                   help="python: a module (default); js: an ES module for node or a browser; web: one HTML calculator page")
    c.set_defaults(run=cmd_compile)

    k = sub.add_parser("check", help="parse, type-check and verify policies",
                       description="Parse, type-check and verify policies: names, types, tables, printed figures,\n"
                       "citations (every quote is looked up in the notice's text), overrides, and the\n"
                       "static analyses (gaps and overlaps found with a counterexample case).",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    k.add_argument("paths", nargs="*", metavar="PATH", help="policy files or directories (default: all of policies/)")
    k.add_argument("--strict", action="store_true", help="warnings fail the check too")
    k.add_argument("--format", choices=("text", "json", "sarif", "junit"), default="text")
    k.set_defaults(run=cmd_check)

    s = sub.add_parser("schema", help="print the JSON Schema of a notice's cases")
    s.add_argument("notice", metavar="NOTICE")
    s.set_defaults(run=cmd_schema)

    n = sub.add_parser("notices", help="list the notices yibao knows",
                       description="List the notices in the policy directory: document number, jurisdiction,\n"
                       "coverage year, the notice it implements, and title (a table, or JSON for scripts).")
    n.add_argument("--format", choices=("table", "json"), default="table")
    n.set_defaults(run=cmd_notices)

    for name, module in _MODULES.items():
        if only is None or only == name:
            importlib.import_module(module, __package__).add_parser(sub)
    for name, parser in sub.choices.items():
        if name in _EXAMPLES:
            parser.epilog = _EXAMPLES[name]
            parser.formatter_class = argparse.RawDescriptionHelpFormatter
    return p


# ---- shared ----------------------------------------------------------------------
def load_program(args):
    return load_notice(policy_set(args.policies), args.notice)


def load_cached(args):
    """The notice's calculator, from the cache where its sources are unchanged (warm.py)."""
    return load_calculator(policy_set(args.policies), args.notice)


# ---- eval ------------------------------------------------------------------------------
def cmd_eval(args) -> int:
    from .run.evaluate import Evaluator
    from .runtime.messages import lang_of_environment
    program = load_cached(args)
    args.lang = args.lang or lang_of_environment()
    ev = Evaluator(program, args.lang)
    wanted = args.decision
    ev.check_wanted(wanted)
    if args.cases is not None and (args.dask or args.scheduler or _partitioned(args.cases)):
        if not args.output:
            raise Fail(BAD_INPUT, "a partitioned roll (a directory or a glob of .parquet files, or --dask, "
                       "--scheduler) goes with --output DIR")
        from .run.roll.dask import eval_partitioned
        notice = str(Path(args.notice).resolve()) if Path(args.notice).is_file() else args.notice
        return eval_partitioned(program, notice, Path(policy_set(args.policies).directory).resolve(), args.cases, args.output,
                                wanted, args.dask, args.scheduler)
    if args.output:
        if args.cases is None or args.cases == "-":
            raise Fail(BAD_INPUT, "--output goes with --cases ROLL (a .jsonl, .csv or .parquet file)")
        from .run.roll.batch import eval_roll
        return eval_roll(program, args.cases, args.output, wanted, args.explain)
    if args.cases is not None and str(args.cases).lower().endswith((".csv", ".parquet")):
        # a roll is read by its extension, with or without --output; without it, JSONL to standard output
        from .run.roll.batch import eval_roll
        return eval_roll(program, args.cases, "-", wanted, args.explain)
    if args.case is not None:
        raw = _read_json(args.case, args.lang)
        result, error = ev.one(raw, wanted, args.explain, where=args.case if args.case != "-" else "<stdin>")
        if error:
            raise error
        _emit(result, args.format)
        return OK
    infile = _open(args.cases)
    try:
        if args.cases != "-" and not args.explain and _roll_size(args.cases) >= COLUMNAR_BYTES:
            # a roll of some size: through the columnar kernel, the same bytes (run/roll/lines.py)
            from .run.roll.lines import columnar_stream
            status = columnar_stream(ev, infile, sys.stdout, wanted, args.cases)
            if status is not None:
                return status
        return ev.stream(infile, sys.stdout, wanted, args.explain,
                         args.cases if args.cases != "-" else "<stdin>", args.format)
    finally:
        if args.cases != "-":  # (standard input is the caller's to close)
            infile.close()


def _partitioned(cases: str) -> bool:
    from .run.roll.dask import is_partitioned
    return cases != "-" and is_partitioned(cases)


COLUMNAR_BYTES = 1 << 18  # a smaller roll is over before NumPy and pyarrow would have loaded


def _roll_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0  # the row path says why it cannot be read


def _open(path: str):
    """A case file as bytes (each case is decoded strictly, line by line for a stream)."""
    if path == "-":
        if sys.stdin is None:
            raise Fail(BAD_INPUT, "standard input is closed: there is no case to read")
        buffer = getattr(sys.stdin, "buffer", None)
        # a text stream put in its place (an embedding, a test) has no bytes below it: encode it
        return buffer if buffer is not None else io.BytesIO(sys.stdin.read().encode("utf-8", "surrogateescape"))
    try:
        return open(path, "rb")
    except OSError as exc:
        raise Fail(BAD_INPUT, f"cannot read {path}: {exc.strerror}") from None


def _read_json(path: str, lang: str = "en"):
    from .runtime.messages import say
    from .runtime.strict_json import JSONError, read
    f = _open(path)
    try:
        return read(f)
    except JSONError as exc:
        where = path if path != "-" else "<stdin>"
        if exc.line:
            where += f":{exc.line}:{exc.column}"
        raise Fail(BAD_INPUT, f"{where}: " + say("malformed_json", lang, {"detail": exc.message})) from None
    except OSError as exc:
        raise Fail(BAD_INPUT, f"cannot read {path}: {exc.strerror}") from None


def _emit(result: dict, fmt: str):
    if fmt == "text":
        from .run.explain import as_text
        print(as_text(result))
    else:
        print(json.dumps(result, ensure_ascii=False))


# ---- compile ---------------------------------------------------------------------------
def cmd_compile(args) -> int:
    if args.target == "python":  # from the cache where the notice's sources are unchanged (warm.py)
        from .policies.warm import source as generated_source
        program = load_cached(args)
        source = generated_source(program)
    else:
        from .backends.common import Unsupported
        from .backends.targets import source as target_source
        program = load_program(args)
        try:
            source = target_source(args.target, program)
        except Unsupported as exc:
            raise Fail(POLICY_ERROR, f"{program.document}: --target {args.target}: {exc}") from None
    if args.output:
        try:
            Path(args.output).write_text(source, encoding="utf-8")
        except OSError as exc:
            raise Fail(OUTPUT_ERROR, f"cannot write {args.output}: {exc.strerror or exc}") from None
        print(f"wrote {args.output}: {program.document}, decisions "
              + ", ".join(program.decisions), file=sys.stderr)
    else:
        sys.stdout.write(source)
    return OK


# ---- check -----------------------------------------------------------------------------
def cmd_check(args) -> int:
    from .policies.report import check_report
    files = []
    for p in args.paths or [str(args.policies or default_directory())]:
        path = Path(p)
        if path.is_dir():
            files += sorted(f for f in path.rglob("*.policy") if f.is_file())
        elif path.exists():
            files.append(path)
        else:
            raise Fail(BAD_INPUT, f"no such file or directory: {p}")
    ps = policy_set(args.policies, files)
    return check_report(ps, files, args.format, args.strict, sys.stdout)


def cmd_schema(args) -> int:
    from .run.cases import case_schema
    print(json.dumps(case_schema(load_program(args)), ensure_ascii=False, indent=2))
    return OK


def cmd_notices(args) -> int:
    from .policies.catalog import notices, table
    rows = notices(policy_set(args.policies))
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(table(rows))
    return OK


if __name__ == "__main__":
    raise SystemExit(main())
