"""Finding policies and building checked programs: the facade over parse → check.

A policy directory holds `*.policy` files (notices and libraries, found by header, not file name)
and `texts/<document number>.txt`, the notices' words that citations are verified against.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from ..base.exits import BAD_INPUT, Fail
from .index import SourceIndex

TYPE_CHECKING = False  # (typing itself is not imported: a warm `yibao eval` never needs it)
if TYPE_CHECKING:
    from ..language import ast as A
    from ..ir import nodes as ir
    from ..check.checker import Checker, Namespace
    from ..base.diagnostics import Diagnostic, PolicyError
    from ..base.source import SourceFile

# the document number of a notice file that does not parse, so a child can say what is wrong with it
_NOTICE_HEADER = re.compile(r"^\s*notice\s+([^\W\d_]+〔\d{4}〕\d+号)", re.MULTILINE)


def default_directory() -> Path:
    """$YIBAO_POLICIES, else the nearest `policies/` from the working directory up, else the
    policies installed with yibao (the wheel carries the repository's `policies/`)."""
    env = os.environ.get("YIBAO_POLICIES")
    if env:
        return Path(env)
    here = Path.cwd().resolve()
    for d in (here, *here.parents):
        if (d / "policies").is_dir():
            return d / "policies"
    installed = installed_directory()
    return installed if installed.is_dir() else here / "policies"


def installed_directory() -> Path:
    """The policies inside the package: a link to the repository's `policies/` in a checkout, copied
    into the wheel when it is built (pyproject.toml's package data)."""
    return Path(__file__).resolve().parent.parent / "_policies"


class PolicySet:
    """The policies of a directory (and extra files): found by header, parsed when first needed."""

    def __init__(self, directory: Path, extra=()):
        self.directory, self.extra = directory, list(extra)
        # headers only: the files are parsed when something asks for a module (a warm `yibao eval`
        # never does, it finds the notice's calculator in the cache by the sources' hash)
        self.index = SourceIndex(self.directory, self.extra)
        self._parsed = False  # every file read (else only those one check needed, in `_done`)
        self._done: set[str] | None = None
        self._namespaces: dict[str, Namespace] = {}

    def _begin(self):
        if self._done is not None:
            return
        from ..check.texts import NoticeTexts
        self._done = set()
        self._modules: dict[str, A.Module] = {}  # path → module
        self._failed: dict[str, PolicyError] = {}
        self._notices: dict[str, str] = {}  # document number → path
        self._libraries: dict[str, A.Module] = {}
        self._copy_paths: dict[str, list[str]] = {}  # document number or library name → every path declaring it
        self._broken: dict[str, str] = {}  # document number → a path that declares it but does not parse
        self._texts = NoticeTexts(self.directory / "texts")

    def _read_files(self, only=None):
        """Read every file (in path order, so the first of two copies wins), or the headers `only`."""
        if self._parsed:
            return
        self._begin()
        for h in self.index.headers:
            if h.path not in self._done and (only is None or any(h is x for x in only)):
                self._done.add(h.path)
                self._read(Path(h.path))
        self._parsed = only is None

    def _parse_for(self, notice: str) -> str | None:
        """Read only what one notice needs (its file, the notices it implements, their libraries) and
        return its path; None where the headers do not say plainly what that is (then read them all)."""
        if self._parsed or not self.from_disk or not all(h.plain for h in self.index.headers):
            return None
        header = self.index.find(notice)
        if header is None:
            return None
        self._read_files(only=self.index.needed(header))
        if notice in self._notices:  # the first copy that parses, as with every file read
            return self._notices[notice]
        return None if header.notice == notice else header.path  # (none parses: `resolve` says so)

    modules = property(lambda self: self._read_files() or self._modules)
    failed = property(lambda self: self._read_files() or self._failed)
    notices = property(lambda self: self._read_files() or self._notices)
    libraries = property(lambda self: self._read_files() or self._libraries)
    copies = property(lambda self: self._read_files() or self._copy_paths)
    broken_notices = property(lambda self: self._read_files() or self._broken)
    texts = property(lambda self: self._read_files() or self._texts)

    def _read(self, path: Path):
        from ..base.diagnostics import PolicyError
        key = str(path)
        try:
            file = self._source(path)
        except PolicyError as exc:
            self._failed[key] = exc
            return
        try:
            module = self._parse(file)
        except PolicyError as exc:
            self._failed[key] = exc
            m = _NOTICE_HEADER.search(file.text)
            if m:
                self._broken.setdefault(m.group(1), key)
            return
        self._modules[key] = module
        if module.header:
            self._notices.setdefault(module.header.document, key)
            self._copy_paths.setdefault(module.header.document, []).append(key)
        elif module.library:
            self._libraries.setdefault(module.library.name, module)
            self._copy_paths.setdefault("library " + module.library.name, []).append(key)

    def _source(self, path: Path) -> SourceFile:
        """A policy file's text (the language server gives an editor's unsaved text instead)."""
        from ..language.parse import read_source
        return read_source(path)

    def _parse(self, file: SourceFile) -> A.Module:
        from ..language.from_tree import parse_module
        return parse_module(file)

    @property
    def from_disk(self) -> bool:
        """Every policy is read from its file, so the header index and the cache keys (which hash
        the files) describe what is checked; not so where a subclass reads an editor's buffers."""
        return type(self)._source is PolicySet._source

    def resolve(self, notice: str) -> str:
        """A document number or a path → the policy file's path (ValueError if neither)."""
        if notice in self.notices:
            return self.notices[notice]
        if notice in self._broken:  # declared by a file that does not parse: its errors, not "no policy"
            return self._broken[notice]
        p = Path(notice)
        if p.suffix == ".policy" or p.exists():
            if not p.exists():
                raise ValueError(f"no such policy file: {notice}")
            if not p.is_file():
                raise ValueError(f"{notice} is not a policy file (nor a document number)")
            for key in list(self.modules) + list(self.failed):
                if Path(key).resolve() == p.resolve():
                    return key
            self._read_files()
            self._read(p)
            return str(p)
        from ..base.diagnostics import did_you_mean
        hint = did_you_mean(notice, self.notices)
        raise ValueError(f"no policy for notice {notice}" + (f"; {hint}" if hint else "")
                         + f" (known: {', '.join(sorted(self.notices)) or 'none'} in {self.directory})")

    def check(self, notice: str) -> tuple[ir.Program | None, list[Diagnostic]]:
        """Check one notice with everything it uses and implements: (program or None, diagnostics)."""
        from ..check.checker import Checker
        from ..check.limits import depth_diagnostics
        from ..check.staleness import stale_inheritance, todos
        # the dictionaries, not the properties, from here on: they would read every file
        path = self._parse_for(notice) or self.resolve(notice)
        if path in self._failed:
            return None, list(self._failed[path].diagnostics)
        checker = Checker(self._texts)
        self._copies(path, checker)
        ns = self._namespace(path, checker, [])
        program = checker.program(ns, path) if ns else None
        if program is not None and not any(d.severity == "error" for d in checker.diagnostics):
            checker.diagnostics.extend(depth_diagnostics(program))
        if ns is not None:  # words of another year, and a draft's TODOs
            checker.diagnostics += stale_inheritance(ns) + todos(self._modules[path])
        diags = _dedupe(checker.diagnostics)
        if any(d.severity == "error" for d in diags):
            program = None
        return program, diags

    def load(self, notice: str) -> ir.Program:
        from ..base.diagnostics import PolicyError
        program, diags = self.check(notice)
        if program is None:
            raise PolicyError(diags)
        return program

    def _copies(self, path: str, checker: Checker):
        """E606 where a document number or a library name is declared by two files (a stale copy must
        not silently win), and E109 where the notice's text cannot be read."""
        module = self._modules[path]
        doc = module.header.document if module.header else None
        if doc and len(self._copy_paths.get(doc, ())) > 1:
            others = [p for p in self._copy_paths[doc] if p != path]
            checker.error("E606", f"{doc} is declared by {len(others) + 1} policy files", module.header.span,
                          "declared here and elsewhere", notes=[f"also declared in {p}" for p in others],
                          hint="keep one policy per notice: remove or rename the stale copy")
        if doc and doc in self._texts.unreadable:
            from ..language.parse import unreadable
            checker.diagnostics.append(unreadable(self._texts.unreadable[doc]))
        for name in self._libraries_used(path, set()):
            paths = self._copy_paths.get("library " + name, [])
            for p in paths[1:]:
                lib = self._modules[p]
                checker.error("E606", f"two libraries are named `{name}`", lib.library.span if lib.library else None,
                              "a second library of this name", notes=[f"the first is {paths[0]}"],
                              hint="a library's name must be unique in the policy directory")

    def _libraries_used(self, path: str, seen: set) -> set[str]:
        """The libraries the notice at path and those it implements use (a loop, not recursion: a
        chain of any length gets its E110, not a RecursionError)."""
        from ..language import ast as A
        names = set()
        while path not in seen and path in self._modules:
            seen.add(path)
            module = self._modules[path]
            names |= {item.name for item in module.items if isinstance(item, A.Use)}
            h = module.header
            if not (h and h.implements and not h.implements_external and h.implements in self._notices):
                break
            path = self._notices[h.implements]
        return names

    def _namespace(self, path: str, checker: Checker, chain: list[str]) -> Namespace | None:
        module = self._modules[path]
        header = module.header
        if header is None:
            checker.error("E107", "a notice policy starts with `notice DOCUMENT { … }`",
                          module.items[0].span if module.items else None, "no notice header")
            return None
        _check_header(checker, header)
        from ..check.limits import implements_too_deep
        parent = None
        if header.implements and not header.implements_external:
            target = self._notices.get(header.implements) or self._broken.get(header.implements)
            if target is None:
                checker.error("E604", f"{header.implements} is not encoded here", header.span,
                              "implements an unknown notice",
                              hint="mark a notice that is not in the repository `implements DOC external`")
            elif target in chain or target == path:
                checker.error("E605", "notices implement each other in a circle", header.span)
            elif implements_too_deep(checker, header, len(chain) + 1):
                return None
            elif target in self._failed:
                checker.error("E604", f"{header.implements} is encoded in {target}, which has errors",
                              header.span, "implements a notice that does not check", hint=f"fix {target} first")
                checker.diagnostics.extend(self._failed[target].diagnostics)
                return None
            else:
                parent = self._namespace(target, checker, chain + [path])
        return checker.namespace(module, header.document, path, parent, self._libraries)

    def all_paths(self) -> list[str]:
        return sorted(set(self.modules) | set(self.failed))


def _check_header(checker: Checker, h: A.Header):
    for name, value in (("title", h.title), ("issuers", h.issuers or h.issuers_unknown), ("issued", h.issued),
                        ("coverage", h.coverage), ("jurisdiction", h.jurisdiction)):
        if not value:
            checker.error("E108", f"the notice header needs `{name}`", h.span, f"no {name}",
                          hint="write `issued unknown` where the notice prints no date" if name == "issued" else "")
    if not h.implements_declared:
        checker.error("E108", "the notice header must say what it implements: `implements DOC` or `implements none`",
                      h.span, "no implements")


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen, out = set(), []
    for d in diags:
        key = (d.code, d.message, d.span.where if d.span else "")
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def policy_set(directory: Path | None = None, extra: list[Path] = ()) -> PolicySet:
    """The policies of `directory` (default: `default_directory()`), with `extra` files read too."""
    return PolicySet(directory or default_directory(), list(extra))


def load_notice(ps: PolicySet, notice: str):
    """A checked program, or Fail(2) for an unknown notice, or the policy's errors (exit 1)."""
    from .warm import mark
    return mark(ps, notice, _load(ps, notice))


def load_calculator(ps: PolicySet, notice: str):
    """What `yibao eval` and `yibao compile` need: a notice whose sources the cache has seen comes back
    as its generated calculator (warm.CachedProgram: its document, decisions and code), parsed and
    checked only if something asks it for more; any other, as load_notice."""
    from .warm import cached
    return cached(ps, notice, lambda: _load(ps, notice))


def _load(ps: PolicySet, notice: str):
    from ..base.diagnostics import PolicyError
    try:
        path = ps.resolve(notice)
    except ValueError as exc:
        raise Fail(BAD_INPUT, str(exc)) from None
    program, diags = ps.check(path)
    if program is None:
        from .rehome import rehome  # each error at the line that must change
        diags = rehome(ps, path, diags)
        raise PolicyError([d for d in diags if d.severity == "error"] or diags)
    return program
