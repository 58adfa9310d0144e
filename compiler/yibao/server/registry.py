"""The notices a server answers for: each checked and compiled once, at start-up.

The generated module is pure functions, so one Evaluator per notice serves every request and thread.
"""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..base.diagnostics import PolicyError
from ..base.exits import Fail
from ..run.evaluate import Evaluator
from ..ir.nodes import Program
from ..policies.directory import load_notice, policy_set

log = logging.getLogger("yibao.server")


def describe(program: Program) -> dict:
    """What GET /notices says of a notice (interface.md: document, title, jurisdiction, coverage year,
    implements, decisions)."""
    return {"document": program.document, "title": program.title, "jurisdiction": program.jurisdiction,
            "coverage_year": program.coverage, "implements": program.implements,
            "decisions": list(program.decisions)}


@dataclass
class Notice:
    program: Program
    evaluator: Evaluator
    slug: str  # an ASCII name for OpenAPI components (the policy file's stem)
    _page: str | None = field(default=None, repr=False)
    _parameters: dict | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def page(self) -> str:
        """The calculator page, generated on first request (yibao.backends.web.page)."""
        with self._lock:
            if self._page is None:
                from ..backends.targets import source
                self._page = source("web", self.program)
            return self._page


    def parameters(self) -> dict:
        """GET /notices/{document}/parameters: every named value with its clause, quote and notice."""
        with self._lock:
            if self._parameters is None:
                from ..run.parameters import parameters
                self._parameters = {"document": self.program.document, "parameters": parameters(self.program)}
            return self._parameters


class Catalog:
    def __init__(self, directory: Path | None = None):
        ps = policy_set(directory)
        self.notices: dict[str, Notice] = {}
        self.broken: dict[str, str] = {}  # document → why it is not served
        slugs: set[str] = set()
        for document in sorted(ps.notices):
            try:
                program = load_notice(ps, document)
            except (PolicyError, Fail) as exc:
                first = exc.diagnostics[0].message if isinstance(exc, PolicyError) and exc.diagnostics else str(exc)
                self.broken[document] = first
                log.warning("not serving %s: its policy has errors (%s); run `yibao check`", document, first)
                continue
            slug = _slug(Path(program.path).stem, slugs)
            self.notices[document] = Notice(program, Evaluator(program), slug)
        # the order GET /notices lists them in: by coverage year, then document number
        self.notices = dict(sorted(self.notices.items(), key=lambda kv: (kv[1].program.coverage, kv[0])))

    def get(self, document: str) -> Notice:
        notice = self.notices.get(document)
        if notice is None:
            raise KeyError(document)
        return notice


def _slug(stem: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_.-]", "_", stem) or "notice"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}_{n}", n + 1
    taken.add(slug)
    return slug
