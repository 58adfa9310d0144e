"""`yibao diff OLD NEW`: what a notice changes against another. (Filled in by issue 4.)"""
from __future__ import annotations


def add_parser(sub):
    d = sub.add_parser("diff", help="compare two notices: rules changed and the effect on people")
    d.add_argument("old", metavar="OLD")
    d.add_argument("new", metavar="NEW")
    d.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    d.set_defaults(run=lambda args: _todo())


def _todo():
    from .cli import Fail
    raise Fail(2, "diff is not implemented yet")
