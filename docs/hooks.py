"""mkdocs hooks: pages generated from the policies at build time.

- one page per policy file under `notices/` (named after the file, ASCII: `notices/chongqing-2024.md`),
  with the header, every declaration beside the clause it cites, tables as Markdown tables, parameters
  by year, data with totals, and the notice's conformance cases run in-process with pass/fail;
- `notices/index.md`, listing them; the nav entry `notices/index.md` grows one child per notice;
- the CLI reference's `<!-- yibao:cli-help -->` marker, replaced by `yibao … --help` of every command;
- `css/pygments.css`, the highlighting styles for ```yibao blocks (codehilite + yibao.language.lexer);
- beside a notice's declarations, the notice's text with every quoted passage marked (notice_text.py);
- diagnostic codes in prose linked to the error reference, errors.md (reference_pages.py).
The conformance tables are conformance_pages.py; table-cell escaping is markdown_cells.py.

Nothing is written into docs/: the pages are mkdocs `File.generated` objects, so `--strict` sees them
like any other page and a clean checkout builds.
"""
from __future__ import annotations

import json
import posixpath
import re
import traceback
from pathlib import Path

from mkdocs.structure.files import File

# docs/ is on sys.path while mkdocs loads this hook
import notice_text
from conformance_pages import Conformance
from markdown_cells import _cell, _code, _indent
from reference_pages import cli_help, link_codes

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"
CASES = ROOT / "conformance" / "cases"
NOTICES_INDEX = "notices/index.md"
# Pages other people write; until they exist the build stands in a short page so `--strict` passes.
PLACEHOLDERS = {
    "how-to/ci.md": "# Guard policy changes in CI\n\nThis guide is being written. Meanwhile: run "
                    "`yibao check --strict` and `pytest` on every change to `policies/`.\n",
    "benchmarks.md": "# Benchmarks\n\nThe benchmark results are not published yet; see `bench/`.\n",
}


# ---- which pages -----------------------------------------------------------------------
def policy_pages() -> list[tuple[str, Path]]:
    """(page path, policy file) for every policy, notices first then libraries, ASCII names."""
    from yibao.language.from_tree import parse_module
    from yibao.base.source import SourceFile

    notices, libraries = [], []
    for path in sorted(POLICIES.rglob("*.policy")):
        rel = path.relative_to(POLICIES).with_suffix("").as_posix()
        page = f"notices/{rel}.md"
        try:
            module = parse_module(SourceFile.read(path))
            is_library = module.header is None
        except Exception:  # a policy that does not parse still gets a page saying so
            is_library = False
        (libraries if is_library else notices).append((page, path))
    return notices + libraries


def _label(path: Path) -> str:
    """The nav label: the document number (or library name) from the file, else the stem."""
    from yibao.language.from_tree import parse_module
    from yibao.base.source import SourceFile
    try:
        m = parse_module(SourceFile.read(path))
        if m.header:
            return m.header.document
        if m.library:
            return f"Library {m.library.name}"
    except Exception:
        pass
    return path.stem


# ---- mkdocs events ---------------------------------------------------------------------
def on_config(config, **kwargs):
    pages = policy_pages()
    children = [NOTICES_INDEX] + [{_label(p): page} for page, p in pages]

    def walk(items):
        out = []
        for item in items or []:
            if isinstance(item, dict):
                (title, value), = item.items()
                if value == NOTICES_INDEX:
                    out.append({title: children})
                    continue
                if isinstance(value, list):
                    out.append({title: walk(value)})
                    continue
            out.append(item)
        return out

    config["nav"] = walk(config.get("nav"))
    return config


def on_files(files, config, **kwargs):
    pages = policy_pages()
    ctx = _Context(pages)
    files.append(File.generated(config, NOTICES_INDEX, content=ctx.index()))
    for page, path in pages:
        try:
            content = ctx.page(page, path)
        except Exception:  # never break the build on a policy mid-edit: show the failure instead
            content = (f"# {path.name}\n\n!!! danger \"This page could not be generated\"\n\n"
                       + _indent("```text\n" + traceback.format_exc() + "```") + "\n")
        files.append(File.generated(config, page, content=content))
    for uri, content in PLACEHOLDERS.items():
        if files.get_file_from_path(uri) is None:  # another page's author has not written it yet
            files.append(File.generated(config, uri, content=content))
    from pygments.formatters import HtmlFormatter
    css = HtmlFormatter(style="friendly").get_style_defs(".codehilite")
    files.append(File.generated(config, "css/pygments.css", content=css))
    return files


def on_page_content(html, page, config, files, **kwargs):
    return notice_text.wrap(html)


def on_page_markdown(markdown, page, config, files, **kwargs):
    if "<!-- yibao:cli-help -->" in markdown:
        markdown = markdown.replace("<!-- yibao:cli-help -->", cli_help())
    return link_codes(markdown, page.file.src_uri)


def source_of(span, whole_lines=False) -> str:
    """The policy text a span covers (whole lines for a declaration, so comments inside stay)."""
    if span is None:
        return ""
    lines = span.file.text.splitlines()
    if whole_lines:
        return "\n".join(lines[span.line - 1: span.end_line])
    if span.line == span.end_line:
        return lines[span.line - 1][span.column - 1: span.end_column - 1]
    first = lines[span.line - 1][span.column - 1:]
    middle = lines[span.line: span.end_line - 1]
    last = lines[span.end_line - 1][: span.end_column - 1]
    return "\n".join([first, *middle, last])


def _dedent(text: str) -> str:
    import textwrap
    return textwrap.dedent(text)


class _Context(Conformance):
    def __init__(self, pages):
        from yibao.policies.directory import PolicySet
        self.pages = pages
        self.ps = PolicySet(POLICIES)
        self.marks = None  # the notice text's marks while a notice page is written
        self.marks_document = None
        self.memo: dict = {}  # document → its conformance results (conformance_pages.py)
        self.label = ""  # the declaration being written, for the text's links back
        self.page_of_doc: dict[str, str] = {}
        self.children: dict[str, list[str]] = {}
        for page, path in pages:
            key = str(path)
            module = self.ps.modules.get(key)
            if module and module.header:
                self.page_of_doc[module.header.document] = page
                if module.header.implements:
                    self.children.setdefault(module.header.implements, []).append(module.header.document)
        self.cases = {}
        for f in sorted(CASES.glob("*.yaml")) if CASES.is_dir() else []:
            import yaml
            try:
                data = yaml.safe_load(f.read_text(encoding="utf-8"))
                self.cases[data["notice"]] = (f, data.get("cases") or [])
            except Exception as exc:
                self.cases[f.stem] = (f, exc)

    def link(self, doc: str, from_page: str) -> str:
        page = self.page_of_doc.get(doc)
        if not page:
            return doc
        return f"[{doc}]({posixpath.relpath(page, posixpath.dirname(from_page))})"

    # ---- the index ----
    def index(self) -> str:
        out = ["# Notices", "",
               "One page per policy in `policies/`, generated from the policy itself when the site is built: "
               "every definition, rule and table beside the clause of the notice it cites, next to the notice's "
               "own text with each quote marked, and the notice's conformance cases with whether they pass.", "",
               "| notice | title | coverage year | implements | conformance |", "|---|---|---|---|---|"]
        libs = []
        for page, path in self.pages:
            module = self.ps.modules.get(str(path))
            rel = posixpath.relpath(page, "notices")
            if module is None:
                out.append(f"| [{path.name}]({rel}) | *does not parse* | | | |")
                continue
            if module.header is None:
                libs.append(f"- [{module.library.name if module.library else path.stem}]({rel}) "
                            f"(`{path.relative_to(ROOT).as_posix()}`)"
                            + (f": {module.library.description}" if module.library and module.library.description else ""))
                continue
            h = module.header
            summary = self.case_summary(h.document)
            implements = self.link(h.implements, NOTICES_INDEX) if h.implements else "—"
            out.append(f"| [{h.document}]({rel}) | {_cell(h.title)} | {h.coverage or ''} | {implements} | {summary} |")
        if libs:
            out += ["", "## Libraries", "", "Vocabularies that notices `use`:", "", *libs]
        return "\n".join(out) + "\n"

    # ---- one policy ----
    def page(self, page: str, path: Path) -> str:
        key = str(path)
        rel = path.relative_to(ROOT).as_posix()
        if key in self.ps.failed:
            diags = "\n".join(d.render() for d in self.ps.failed[key].diagnostics)
            return (f"# {path.name}\n\n!!! danger \"`{rel}` does not parse\"\n\n"
                    + _indent("```text\n" + diags + "\n```") + "\n")
        module = self.ps.modules[key]
        if module.header is None:
            return self.library_page(page, module, rel)
        text = POLICIES / "texts" / f"{module.header.document}.txt"
        if not text.is_file():
            return self.notice_page(page, module, rel)
        from yibao.base.source import SourceFile
        self.marks = notice_text.Marks(SourceFile.read(text).text)
        self.marks_document = module.header.document
        try:
            content = notice_text.place(self.notice_page(page, module, rel), module.header.document, self.marks)
        finally:
            self.marks = None
        # the width goes to the rules and the text; the marked text is the page's map, so no toc
        return "---\nhide:\n  - navigation\n  - toc\n---\n\n" + content

    def library_page(self, page, module, rel) -> str:
        lib = module.library
        out = [f"# Library {lib.name if lib else ''}", "",
               f"Source: `{rel}`." + (f" {lib.description}." if lib and lib.description else ""), "",
               f"Notices bring these declarations into scope with `use {lib.name if lib else ''}`.", ""]
        out += self.items(page, module, None)
        return "\n".join(out) + "\n"

    def notice_page(self, page, module, rel) -> str:
        h = module.header
        doc = h.document
        program, diags = self.ps.check(doc)
        out = [f"# {doc}", ""]
        if h.title:
            out += [f"**{h.title}**", ""]
        errors = [d for d in diags if d.severity == "error"]
        if errors:
            out += ["!!! danger \"This policy does not check\"", "",
                    _indent("```text\n" + "\n".join(d.render() for d in errors) + "\n```"), ""]

        def show_date(v):
            if v is None:
                return "—"
            if hasattr(v, "isoformat"):
                return v.isoformat()
            return "unknown" + (f" ({v.reason})" if getattr(v, "reason", None) else "")

        if h.implements:
            impl = self.link(h.implements, page) + (" (not encoded here: `external`)" if h.implements_external else "")
        else:
            impl = "none: a notice of its own"
        children = self.children.get(doc, [])
        out += ["| field | value |", "|---|---|",
                f"| document number | {doc} |",
                f"| title | {_cell(h.title)} |",
                f"| issued by | {_cell('、'.join(h.issuers))} |",
                f"| issued | {show_date(h.issued)} |",
                f"| printed | {show_date(h.printed)} |",
                f"| coverage year | {h.coverage or ''} |",
                f"| jurisdiction | {_cell(h.jurisdiction)} |",
                f"| implements | {impl} |"]
        if children:
            out.append("| implemented by | " + ", ".join(self.link(c, page) for c in children) + " |")
        out += [f"| source | `{rel}` |", ""]
        uses = [it.name for it in module.items if type(it).__name__ == "Use"]
        if uses:
            libs = []
            for u in uses:
                target = next((p for p, path in self.pages
                               if (m := self.ps.modules.get(str(path))) and m.library and m.library.name == u), None)
                libs.append(f"[{u}]({posixpath.relpath(target, posixpath.dirname(page))})" if target else u)
            out += ["Uses the libraries " + ", ".join(libs) + ".", ""]
        if program is not None:
            own = [n for n, d in program.definitions.items() if d.exported and d.document == doc]
            inherited = [n for n, d in program.definitions.items() if d.exported and d.document != doc]
            out += ["## Decisions", "",
                    "What `yibao eval` answers for this notice (the calculator interface):", "",
                    "| decision | type | stated by |", "|---|---|---|"]
            from yibao.ir.nodes import show_type
            for n, d in program.definitions.items():
                if not d.exported:
                    continue
                by = "this notice" + (" (override)" if d.overridden else "") if d.document == doc \
                    else self.link(d.document, page)
                out.append(f"| `{n}` | {_cell(show_type(d.type))} | {by} |")
            out += ["", f"{len(own)} stated here, {len(inherited)} inherited.", ""]
        out += ["## The policy, clause by clause", "",
                "Each declaration as written in the policy, with the clause it cites and the notice's words"
                + (": a quote links to its passage, marked in the notice's text beside, which links back."
                   if self.marks else "."), ""]
        if self.marks:
            out += [notice_text.START, ""]
        out += self.items(page, module, doc)
        if self.marks:
            out += [notice_text.END, ""]
        out += self.conformance(doc)
        return "\n".join(out) + "\n"

    # ---- declarations ----
    def items(self, page, module, doc) -> list[str]:
        from yibao.language import ast as A
        out = []
        sections = _section_comments(module)
        shown = set()
        for item in module.items:
            if isinstance(item, (A.Header, A.Library, A.Use)) or item.span is None:
                continue
            for line, title in sections:
                if line < item.span.line and line not in shown:
                    shown.add(line)
                    out += [f"### {title}", ""]
            out += self.item(item, doc)
        return out

    def item(self, item, doc) -> list[str]:
        from yibao.language import ast as A
        kind = {A.EnumDecl: "enum", A.FactDecl: "fact", A.ParamDecl: "parameter", A.TableDecl: "table",
                A.DataDecl: "data", A.Extend: "extend", A.EnumExtend: "extend enum"}.get(type(item), getattr(item, "kind", ""))
        if getattr(item, "override", False):
            kind = "override " + kind
        desc = getattr(item, "description", None)
        self.label = item.name
        out = [f"#### {kind} `{item.name}`" + (f" — {desc}" if desc else ""), ""]
        src = _dedent(source_of(item.span, whole_lines=True))
        if isinstance(item, (A.TableDecl, A.DataDecl)):  # the rows follow as a Markdown table
            head = src.split("{\n", 1)[0] if "{\n" in src else src
            if head != src:
                src = head + "{\n  …\n}"
        out += ["```yibao", src, "```", ""]
        if isinstance(item, A.EnumDecl):
            out += ["| member | code | labels accepted in a case |", "|---|---|---|"]
            for m in item.members:
                code = m.code if m.code is not None else m.name
                out.append(f"| {m.name} | `{json.dumps(code, ensure_ascii=False)}` | "
                           f"{_cell(' / '.join(m.labels))} |")
            out.append("")
        elif isinstance(item, A.EnumExtend):  # what the notice adds, each with its clause
            out += ["| member | code | labels it adds | clause |", "|---|---|---|---|"]
            for m in item.members:
                code = f"`{json.dumps(m.code, ensure_ascii=False)}`" if m.code is not None else "(existing)"
                clause = f"§{m.citation.clause} “{m.citation.quote}”" if m.citation else ""
                out.append(f"| {m.name} | {code} | {_cell(' / '.join(m.labels))} | {_cell(clause)} |")
            out.append("")
        elif isinstance(item, A.Definition):
            if item.rules is None:
                out += self.citations([("", item.citation, item.value.printed if item.value else None)])
            else:
                out += self.rules(item.rules)
        elif isinstance(item, A.Extend):
            out += self.rules(item.rules)
        elif isinstance(item, A.ParamDecl):
            values = self.param_values(item.name)
            out += ["| year | stated as | value | printed | clause | the notice says | note |",
                    "|---|---|---|---|---|---|---|"]
            for pv in item.values:
                out.append(f"| {pv.year} | {_code(source_of(pv.value.expr.span))} | {values.get(pv.year, '')} | "
                           f"{_printed(pv.value.printed)} | " + self.cite_cells(pv.citation) + " |")
            out.append("")
        elif isinstance(item, A.TableDecl):
            keys = [source_of(k.span) for k in item.keys]
            hit = {"unique": "exactly one row applies", "first": "the first row that applies",
                   "best": "the largest value of the rows that apply"}[item.hit]
            out += [f"Hit policy `{item.hit}`: {hit}."
                    + (f" Otherwise: {_code(source_of(item.default.expr.span))}." if item.default else ""), ""]
            out += ["| " + " | ".join(_cell(k) for k in keys) + " | value | printed | clause | the notice says | note |",
                    "|" + "---|" * (len(keys) + 5)]
            for row in item.rows:
                cells = []
                for c in row.cells:
                    cells.append("*any*" if c.kind == "any" else _cell("、".join(c.names)))
                out.append("| " + " | ".join(cells) + f" | {_code(source_of(row.value.expr.span))} | "
                           f"{_printed(row.value.printed)} | " + self.cite_cells(row.citation) + " |")
            out.append("")
            extra = [("hit policy", item.hit_citation, None), ("otherwise", item.default_citation, None)]
            extra = [e for e in extra if e[1]]
            if extra:
                out += self.citations(extra)
        elif isinstance(item, A.DataDecl):
            cols = [c.name for c in item.columns]
            out += ["| " + " | ".join(_cell(c) for c in cols) + " |", "|" + "---|" * len(cols)]
            for r in item.rows:
                out.append("| " + " | ".join(_cell(_literal(v)) for v in r) + " |")
            if item.totals:
                printed = {t.column: _printed(t.printed) for t in item.totals}
                cells = [f"**{printed[c]}**" if c in printed else "" for c in cols]
                if not cells[0]:
                    cells[0] = "**total (printed, checked)**"
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
            out += self.citations([("data", item.citation, None)] + [(f"total {t.column}", t.citation, None)
                                                                for t in item.totals])
        return out

    def cite_cells(self, c, rule: str | None = None) -> str:
        """The clause, quote and note cells; on a notice page the quote links to its marked passage."""
        cells = _cite_cells(c)
        if c is None or self.marks is None or c.document not in (None, self.marks_document):
            return cells
        label = self.label + (f" ({rule})" if rule else "")
        found = self.marks.cite(c.quote, label)
        if found is None:
            return cells
        anchor, href = found
        clause, _, rest = cells.partition(" | ")
        quote, _, note = rest.partition(" | ")
        return f'<span id="{anchor}"></span>{clause} | [{quote}]({href}) | {note}'

    def citations(self, entries) -> list[str]:
        rows = [(what, c, printed) for what, c, printed in entries if c is not None or printed is not None]
        if not rows:
            return []
        out = ["| | clause | the notice says | note | printed |", "|---|---|---|---|---|"]
        for what, c, printed in rows:
            out.append(f"| {_cell(what)} | " + self.cite_cells(c) + f" | {_printed(printed)} |")
        return out + [""]

    def param_values(self, name: str) -> dict:
        """year → the checked value of a parameter, from the first notice that checks and sees it."""
        from yibao.runtime.core import money_out
        from yibao.ir import nodes as ir
        for doc in self.page_of_doc:
            try:
                program, _ = self.ps.check(doc)
            except Exception:
                continue
            if program is not None and name in program.params:
                param = program.params[name]
                out = {}
                for year, v in param.values.items():
                    if isinstance(v, ir.Unknown) or v is None:
                        out[year] = "unknown"
                    elif param.type == ir.MONEY:
                        out[year] = money_out(v) + " 元"
                    else:
                        out[year] = _cell(v)
                return out
        return {}

    def rules(self, rules) -> list[str]:
        out = ["| rule | when | then | printed | clause | the notice says | note |", "|---|---|---|---|---|---|---|"]
        for r in rules:
            label = (r.label or "") + (f" (overrides {', '.join(r.overrides)})" if r.overrides else "")
            when = {"when": _code(source_of(r.guard.span)) if r.guard is not None else "",
                    "always": "*always*", "otherwise": "*otherwise*"}[r.kind]
            out.append(f"| {_cell(label)} | {when} | {_code(source_of(r.value.expr.span))} | "
                       f"{_printed(r.value.printed)} | " + self.cite_cells(r.citation, r.label) + " |")
        return out + [""]

def _section_comments(module) -> list[tuple[int, str]]:
    """`# ---- 一、严格落实筹资标准 ----` comment lines, as (line, title)."""
    out = []
    span = module.span or next((it.span for it in module.items if it.span), None)
    for i, line in enumerate(span.file.text.splitlines() if span else [], 1):
        m = re.match(r"#\s*-{3,}\s*(.*?)\s*-*\s*$", line)
        if m and m.group(1):
            out.append((i, m.group(1)))
    return out


def _literal(expr) -> str:
    """A data cell: strings without their quotes."""
    from yibao.language import ast as A
    if isinstance(expr, A.StringLit):
        return expr.value
    return source_of(expr.span)


def _printed(lit) -> str:
    if lit is None:
        return ""
    return _cell(f"{lit.text} {lit.unit}" if lit.unit else lit.text)


def _cite_cells(c) -> str:
    if c is None:
        return " | | "
    clause = "§" + c.clause + (f" of {c.document}" if c.document else "")
    note = " ".join(x for x in (c.note, c.derived and f"derived: {c.derived}") if x)
    return f"{_cell(clause)} | {_cell(c.quote)} | {_cell(note)}"
