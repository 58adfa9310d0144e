"""Generated parts of the hand-written reference pages: the CLI reference's `yibao … --help` texts, and
diagnostic codes in prose (`E305`) made links to their section of the error reference."""
from __future__ import annotations

import io
import posixpath
import re
from contextlib import redirect_stdout


_CODE = re.compile(r"(?<![\[`])`([EW]\d{3})`(?![\]`])")
_FENCED = re.compile(r"^([ \t]*)```.*?^\1```", re.S | re.M)


def link_codes(markdown: str, src_uri: str) -> str:
    """`E305` in prose → a link to its section of the error reference (not inside code blocks)."""
    target = posixpath.relpath("errors.md", posixpath.dirname(src_uri) or ".")

    def link(prose: str) -> str:
        return _CODE.sub(lambda m: f"[`{m.group(1)}`]({target}#{m.group(1).lower()})", prose)

    parts, pos = [], 0
    for block in _FENCED.finditer(markdown):
        parts += [link(markdown[pos:block.start()]), block.group(0)]
        pos = block.end()
    return "".join(parts + [link(markdown[pos:])])


def cli_help() -> str:
    import argparse
    from yibao.cli import build_parser

    parser = build_parser()
    out = ["### `yibao --help`", "", "```text", _help(parser), "```", ""]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out += [f"### `yibao {name} --help` {{#{name}}}", "", "```text", _help(sub), "```", ""]
    return "\n".join(out)


def _help(parser) -> str:
    import os
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"
    try:
        buf = io.StringIO()
        with redirect_stdout(buf):
            parser.print_help()
        return buf.getvalue().rstrip()
    finally:
        if old is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = old
