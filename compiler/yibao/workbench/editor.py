"""What an editor asks of a policy, answered without any editor protocol (the language server, lsp.py,
speaks LSP over it): the diagnostics of an unsaved buffer in the context of its parents and libraries,
and, by name, a declaration's place, its citation and the quote in the notice's text, and the names
that can be written.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..language import ast as A
from ..check.checker import Checker, Decl, Namespace
from ..base.diagnostics import Diagnostic, PolicyError
from ..language.from_tree import parse_module
from ..policies.directory import PolicySet, default_directory
from ..base import MAX_SOURCE_BYTES
from ..base.source import SourceFile, Span, UnreadableSource
from ..check.texts import squeeze

_WORD = re.compile(r"[^\W\d_]+〔\d{4}〕\d+号|[^\W\d]\w*")
BUILTINS = ("coverage_year", "issue_date", "print_date", "max", "min")

# path → (text, its module or the PolicyError of parsing it): an unchanged file is not parsed again,
# and only the latest version of each is kept (every version kept grew by a buffer's size an edit)
_PARSED: dict[str, tuple[str, A.Module | PolicyError]] = {}
_PARSED_FILES = 256  # files remembered at most


class BufferSet(PolicySet):
    """A PolicySet in which the open buffers' texts replace their files'."""

    def __init__(self, directory: Path, buffers: dict[str, str], extra: list[Path]):
        self.buffers = {str(Path(p).resolve()): t for p, t in buffers.items()}
        super().__init__(directory, extra)

    def _source(self, path: Path) -> SourceFile:
        text = self.buffers.get(str(Path(path).resolve()))
        if text is None:
            return super()._source(path)
        # the same limit as a saved file's (E109), before anything reads the text (base/source.py)
        if len(text) > MAX_SOURCE_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_SOURCE_BYTES:
            from ..language.parse import unreadable
            raise PolicyError([unreadable(UnreadableSource(SourceFile(str(path), ""), 1, 1,
                                                           f"the buffer is larger than {MAX_SOURCE_BYTES} bytes"))])
        return SourceFile(str(path), text.removeprefix("\ufeff"))

    def resolve(self, notice: str) -> str:
        if notice in self.modules or notice in self.failed:  # a new buffer not yet saved is no file
            return notice
        return super().resolve(notice)

    def _parse(self, file: SourceFile) -> A.Module:
        text, found = _PARSED.get(file.path, (None, None))
        if text != file.text:
            try:
                found = parse_module(file)
            except PolicyError as exc:
                found = exc
            if len(_PARSED) >= _PARSED_FILES and file.path not in _PARSED:
                _PARSED.clear()
            _PARSED[file.path] = (file.text, found)
        if isinstance(found, PolicyError):
            raise found
        return found


def directory_for(path: Path, given: Path | None) -> Path:
    """The policy directory a file belongs to: `given`, else the nearest folder up from the file that
    is named `policies` or holds `texts/`, else the default one."""
    if given:
        return given
    for d in Path(path).resolve().parents:
        if d.name == "policies" or (d / "texts").is_dir():
            return d
    return default_directory()


@dataclass
class Snapshot:
    """One check of a buffer: its diagnostics, and the namespace its names are looked up in."""
    path: str
    diagnostics: list[Diagnostic]
    ps: BufferSet
    ns: Namespace | None


def check(path: str, buffers: dict[str, str], directory: Path | None, analyses: bool) -> Snapshot:
    """The buffer's diagnostics (as `yibao check` reports them; the static analyses only with
    `analyses`, as they take seconds) and its namespace (None unless it parses)."""
    from ..policies.report import collect
    p = Path(path)
    ps = BufferSet(directory_for(p, directory), buffers, [p])
    # the key the set read the file under (a new buffer not yet saved has no file to resolve)
    key = next((k for k in [*ps.modules, *ps.failed] if _same(k, str(p))), str(p))
    module = ps.modules.get(key)
    files = [Path(key)]
    if module is not None and module.header is None:  # a library: what the notices using it find in it
        files += [Path(n) for n in ps.notices.values()]
    diags = collect(ps, files, analyses).get(key, [])
    ns = ps._namespace(key, Checker(ps.texts), []) if module is not None and module.header else None
    if ns is None and module is not None and module.library:
        ns = Checker(ps.texts).namespace(A.Module((A.Use(module.library.name),)), "", key, None, ps.libraries)
    return Snapshot(key, diags, ps, ns)


# ---- looking names up --------------------------------------------------------------------------
def word_at(text: str, line: int, column: int) -> tuple[str, int] | None:
    """(the name or document number at 1-based line and column, its start column)."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return None
    for m in _WORD.finditer(lines[line - 1]):
        if m.start() + 1 <= column <= m.end() + 1:  # on the word, or just after it
            return m.group(0), m.start() + 1
    return None


def definition(snap: Snapshot, text: str, line: int, column: int) -> Span | None:
    """Where the name under the cursor is defined. On a declaration's own name, an `override` (or an
    `extend`) goes to the definition it replaces in the implemented notice."""
    found = word_at(text, line, column)
    if found is None or snap.ns is None:
        return None
    word = found[0]
    ns = snap.ns
    decl = ns.decls.get(word) or ns.facts.get(word) or ns.enums.get(word) or ns.domains.get(word)
    if decl is not None and _declares_here(decl, snap.path, line) or _extends_here(snap, word, line):
        return _inherited(ns, word)
    if decl is not None:
        return decl.node.span
    if word in snap.ps.libraries:
        lib = snap.ps.libraries[word]
        return lib.library.span if lib.library else lib.span
    if word in snap.ps.notices:
        return snap.ps.modules[snap.ps.notices[word]].header.span
    member = _member(ns, word)
    if member is not None:
        return member[0].span
    rule = _rule(snap, word, line)
    return rule.span if rule else None


def _declares_here(decl: Decl, path: str, line: int) -> bool:
    span = decl.node.span
    return span is not None and _same(span.file.path, path) and span.line == line


def _extends_here(snap: Snapshot, word: str, line: int) -> bool:
    module = snap.ps.modules.get(snap.path)
    return module is not None and any(isinstance(i, A.Extend) and i.name == word and i.span and i.span.line == line
                                      for i in module.items)


def _inherited(ns: Namespace, name: str) -> Span | None:
    for document in reversed(list(ns.ancestors)):  # the nearest implemented notice first
        decl = ns.ancestors[document].get(name)
        if decl is not None:
            return decl.node.span
    return None


def _member(ns: Namespace, name: str):
    """(member node, enumeration name) of a member of an enumeration in scope."""
    for enum, decl in ns.enums.items():
        for m in decl.node.members:
            if m.name == name:
                return m, enum
        for ext, _doc in ns.enum_extensions.get(enum, ()):
            for m in ext.members:
                if m.name == name and m.code is not None:
                    return m, enum
    return None


def _rule(snap: Snapshot, label: str, line: int) -> A.Rule | None:
    """The rule labelled `label` of the decision the cursor is in (an `overrides` names one)."""
    module = snap.ps.modules.get(snap.path)
    around = next((i.name for i in (module.items if module else ()) if isinstance(i, (A.Definition, A.Extend))
                   and i.span and i.span.line <= line <= i.span.end_line), None)
    decl = snap.ns.decls.get(around) if around else None
    if decl is None or not isinstance(decl.node, A.Definition):
        return None
    rules = list(decl.node.rules or ()) + [r for ext, _ in decl.extensions for r in ext.rules]
    return next((r for r in rules if r.label == label), None)


def _same(a: str, b: str) -> bool:
    return Path(a).resolve() == Path(b).resolve()


# ---- hover ---------------------------------------------------------------------------------------
def hover(snap: Snapshot, text: str, line: int, column: int) -> str | None:
    """Markdown: what the name under the cursor is, where it is defined, its clause and quote, and
    where the quote stands in the notice's text."""
    found = word_at(text, line, column)
    if found is None or snap.ns is None:
        return None
    word = found[0]
    ns = snap.ns
    for table, what in ((ns.decls, None), (ns.facts, "fact"), (ns.enums, "enum"), (ns.domains, "domain")):
        decl = table.get(word)
        if decl is not None:
            return _describe(snap, decl, what)
    member = _member(ns, word)
    if member is not None:
        m, enum = member
        code = f" = `{json.dumps(m.code, ensure_ascii=False)}`" if m.code is not None else ""
        out = [f"**member** `{m.name}` of `{enum}`{code}"] + [f"“{label}”" for label in m.labels]
        if getattr(m, "citation", None):
            out += _citation(snap, m.citation, ns.document)
        return "\n\n".join(out)
    rule = _rule(snap, word, line)
    if rule is not None:  # a rule's label: its clause and the notice's words, as for a definition
        head = f"**rule** `{rule.label}`" + (f" (overrides {', '.join(rule.overrides)})" if rule.overrides else "")
        return "\n\n".join([head] + (_citation(snap, rule.citation, ns.document) if rule.citation else []))
    return None


def _describe(snap: Snapshot, decl: Decl, what: str | None) -> str:
    node = decl.node
    kind = what or getattr(node, "kind", None) or {A.ParamDecl: "parameter", A.TableDecl: "table",
                                                     A.DataDecl: "data"}.get(type(node), "definition")
    type_ = getattr(node, "type", None)
    title = f"**{'override ' if getattr(node, 'override', False) else ''}{kind}** `{node.name}`"
    if type_ is not None:
        title += " : " + (f"set of {type_.element}" if isinstance(type_, A.SetType) else type_.name)
    description = getattr(node, "description", None)
    out = [title + (f" — {description}" if description else "")]
    if node.span:
        out.append(f"defined by {decl.document or 'a library'} at `{Path(node.span.file.path).name}:{node.span.line}`")
    citations = [c for c in _citations(node) if c is not None][:3]
    for c in citations:
        out += _citation(snap, c, decl.document)
    return "\n\n".join(out)


def _citations(node):
    if getattr(node, "citation", None) is not None:
        yield node.citation
    for r in getattr(node, "rules", None) or ():
        yield r.citation
    for r in getattr(node, "rows", ()):
        yield r.citation
    for v in getattr(node, "values", ()):
        yield v.citation


def _citation(snap: Snapshot, c: A.Citation, document: str) -> list[str]:
    doc = c.document or document
    out = [f"§{c.clause} “{c.quote}”" + (f" of {doc}" if c.document else "")]
    texts = snap.ps.texts
    if doc and texts.has(doc):
        where = _in_text(texts.raw[doc], c.quote)
        out.append(f"> {where[1]}\n\n(texts/{doc}.txt:{where[0]})" if where else
                   f"not in the text of {doc}")
    if c.note:
        out.append(f"note: {c.note}")
    if c.derived:
        out.append(f"derived: {c.derived}")
    return out


def _in_text(raw: str, quote: str) -> tuple[int, str] | None:
    """(line, that line of the notice's text) where the quote starts, white space aside."""
    q = squeeze(quote)
    if not q:
        return None
    m = re.search(r"\s*".join(map(re.escape, q)), raw)
    if m is None:
        return None
    start = raw.rfind("\n", 0, m.start()) + 1
    end = raw.find("\n", m.end())
    return raw.count("\n", 0, m.start()) + 1, " ".join(raw[start:end if end >= 0 else len(raw)].split())


# ---- completion ----------------------------------------------------------------------------------
def completions(snap: Snapshot, text: str, line: int, column: int) -> list[tuple[str, str, str]]:
    """(label, kind, detail) of what can be written at the cursor: after `Enum.` that enumeration's
    members; else every name in scope, enumeration member and built-in."""
    if snap.ns is None:
        return []
    ns = snap.ns
    lines = text.splitlines()
    before = lines[line - 1][:column - 1] if 0 < line <= len(lines) else ""
    qualified = re.search(r"([^\W\d]\w*)\.\w*$", before)
    members = [(m.name, "member", f"{enum}") for enum, d in ns.enums.items() for m in d.node.members]
    members += [(m.name, "member", enum) for enum, exts in ns.enum_extensions.items()
                for ext, _ in exts for m in ext.members if m.code is not None]
    if qualified and qualified.group(1) in ns.enums:
        return [m for m in members if m[2] == qualified.group(1)]
    out = [(n, getattr(d.node, "kind", type(d.node).__name__.removesuffix("Decl").lower()), d.document)
           for n, d in ns.decls.items()]
    out += [(n, "fact", _type_name(d.node.type)) for n, d in ns.facts.items()]
    out += [(n, "enum", d.document) for n, d in ns.enums.items()]
    return out + members + [(b, "builtin", "") for b in BUILTINS]


def _type_name(t) -> str:
    return f"set of {t.element}" if isinstance(t, A.SetType) else t.name
