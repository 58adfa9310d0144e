"""The command line of a generated calculator: `python calc.py --help`.

Standard library only: `yibao compile` copies this file into every standalone calculator, whose
main() calls _main(the module, argv). One output line per input line, as `yibao eval --cases`.
"""
from __future__ import annotations

import io
import json
import sys

from .core import CaseError, Undecidable
from .strict_json import MAX_TEXT_CHARS, JSONError, blocks, lines, loads

_EPILOG = """\
input: one case a line (JSON Lines), or one JSON document (pretty-printed is fine).
output: one JSON line per input line, in order; a line that is not a case, or a decision asked
  for with --decision that the case cannot decide, gives {"error": ..., "exit": 2 or 3} (also on
  standard error) and the lines after it still run; a blank line gives a blank line.
  A case may carry an "id" (a string or an integer): it is copied into its result.
exit status: 0; 2 if a line was bad; 3 if a decision could not be made; 74 if output failed.

examples:
  python calc.py < roll.jsonl > results.jsonl
  python calc.py case.json
  echo '{"id": 7, "tier": 1, "payment_date": "2023-11-01"}' | python calc.py --decision amount_due

in Python:
  import calc
  calc.evaluate({"tier": 1, "payment_date": "2023-11-01"})       # Decimal, date, codes
  calc.evaluate_json({"tier": 1, "payment_date": "2023-11-01"})  # the JSON strings printed here
"""


class _Args:
    def __init__(self, file="-", decision=None):
        self.file, self.decision = file, decision


def _arguments(calc, argv):
    """The command line's arguments: read by hand where they are none or one file (the common run,
    `python calc.py < roll.jsonl`: argparse and what it imports are a fifth of a one-case run)."""
    import sys
    argv = sys.argv[1:] if argv is None else list(argv)
    if len(argv) <= 1 and not any(a.startswith("-") and a != "-" for a in argv):
        return _Args(*argv)
    import argparse
    parser = argparse.ArgumentParser(
        description=f"{calc.DOCUMENT} {calc.TITLE}: cases in, decisions out "
                    f"({', '.join(calc.DECISIONS)}).",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", nargs="?", default="-", help="the cases (default: standard input)")
    parser.add_argument("--decision", action="append", metavar="NAME",
                        help="only this decision (repeatable)")
    return parser.parse_args(argv)


def _main(calc, argv=None) -> int:
    import os
    args = _arguments(calc, argv)
    for name in args.decision or ():
        if name not in calc.DECISIONS:
            print(f"{calc.DOCUMENT} does not state `{name}`; it states {', '.join(calc.DECISIONS)}", file=sys.stderr)
            return 3
    if sys.stdout is None or (args.file == "-" and sys.stdin is None):
        print("standard input or output is closed", file=sys.stderr)
        return 74 if sys.stdout is None else 2
    try:
        binary = sys.stdin.buffer if args.file == "-" else open(args.file, "rb")
    except OSError as exc:
        print(f"cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    status, write, wanted = 0, sys.stdout.write, args.decision
    fast = calc._line_json if wanted is None else _no_line
    try:
        for block in _cases(binary):  # what one read brings: its results are written at once
            done = []
            for number, line in block:
                text = fast(line) if line.__class__ is str else None
                if text is None:
                    text, code = _one(calc, number, line, wanted)
                    status = max(status, code) if status != 2 else status
                done.append(text)
            done.append("")
            write("\n".join(done))
        sys.stdout.flush()
    except KeyboardInterrupt:
        return 130
    except OSError as exc:  # the reader went away (| head), a full disk: never a traceback
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        if not isinstance(exc, BrokenPipeError):
            print(f"cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        return 141 if isinstance(exc, BrokenPipeError) else 74
    return status


def _one(calc, number, line, wanted):
    """(JSON text, exit code) of one line by the general path: its result, or its error."""
    try:
        if line.__class__ is JSONError:
            raise line
        if not line.strip():
            return "", 0
        raw = loads(line)
        if wanted is None:
            return calc._result_json(calc.decode(raw)), 0
        return json.dumps(calc.evaluate_json(raw, wanted), ensure_ascii=False), 0
    except (JSONError, CaseError) as exc:
        message, code = f"line {number}: {exc}", 2
    except Undecidable as exc:
        message, code = f"line {number}: {exc}", 3
    if sys.stderr is not None:  # closed: print would write to standard output
        print(message, file=sys.stderr)
    return json.dumps({"error": message, "exit": code}, ensure_ascii=False), code


def _no_line(text):
    return None


def _cases(binary):
    """Blocks of (line number, text) of the input, as strict_json.blocks reads them: JSON Lines; or,
    where the first line is not JSON on its own but the whole input is one JSON value (a
    pretty-printed case), that value's text as line 1."""
    head = next(lines(binary), None)  # lines() reads lazily: the stream stands after line 1
    if head is None:
        return
    offset, text = head
    if text.__class__ is str and text.strip() and not _is_json(text):
        data = text.encode("utf-8") + binary.read(MAX_TEXT_CHARS + 1)
        if len(data) > MAX_TEXT_CHARS and not data.endswith(b"\n"):
            data += binary.readline(MAX_TEXT_CHARS + 1)  # the rest of the line the read cut
        try:
            whole = data.decode("utf-8")
            if _is_json(whole):
                yield [(1, whole)]
                return
        except UnicodeDecodeError:
            pass
        offset = 0
        for offset, item in lines(io.BytesIO(data)):
            yield [(offset, item)]
    else:
        yield [head]
    yield from blocks(binary, offset)


def _is_json(text: str) -> bool:
    try:
        loads(text)
    except JSONError:
        return False
    return True
