"""The documentation must not drift from the language: every ```yibao block in docs/ compiles.

A block is checked according to its first line:

- a block with a `notice DOC { … }` header is a whole policy: it is checked (names, types, printed
  figures, citations, the static analyses) in a policy directory holding the repository's policies,
  libraries and texts, plus any text the page supplies as a ```text block right after a
  `<!-- texts/DOC.txt -->` comment, and must have no error and no warning;
- `# error E301` (any code): the block must fail with exactly that code (the error-code examples);
- `# fragment`: parse-only (a piece of a declaration, shown for its syntax);
- anything else is a run of declarations: it is wrapped in a small notice that uses 居民医保 and
  type-checked; only citation findings are forgiven (the wrapper has no text to quote from).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import POLICIES, ROOT

DOCS = ROOT / "docs"
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
                   re.S | re.M)
TEXT_MARK = re.compile(r"<!--\s*texts/(?P<doc>[^\s]+?)\.txt\s*-->\s*\n")
WRAPPER = """notice 文档示例〔2099〕1号 {
  title "文档示例"
  issuers "示例"
  issued 2099-01-01
  coverage 2100
  jurisdiction "示例"
  implements none
}
use 居民医保
"""
FORGIVEN_IN_FRAGMENTS = {"E402", "E403", "W401", "W402", "W403",  # fragments cite loosely,
                         "E214"}  # and show a rule, not a notice's whole domain


def _pages():
    return sorted(p for p in DOCS.rglob("*.md") if "notices" not in p.relative_to(DOCS).parts)


def _blocks():
    for page in _pages():
        text = page.read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            if m.group("lang") not in ("yibao", "policy"):
                continue
            line = text.count("\n", 0, m.start()) + 1
            body = "\n".join(l[len(m.group("indent")):] for l in m.group("body").splitlines())
            yield pytest.param(page, body, id=f"{page.relative_to(DOCS).as_posix()}:{line}")


def _page_texts(page: Path) -> dict[str, str]:
    """Texts a page supplies: `<!-- texts/DOC.txt -->` followed by a fenced block."""
    text = page.read_text(encoding="utf-8")
    out = {}
    for m in TEXT_MARK.finditer(text):
        block = FENCE.match(text, m.end())
        if block:
            out[m.group("doc")] = block.group("body")
    return out


def _policy_dir(tmp_path: Path, page: Path) -> Path:
    d = tmp_path / "policies"
    shutil.copytree(POLICIES, d)
    for doc, body in _page_texts(page).items():
        (d / "texts" / f"{doc}.txt").write_text(body, encoding="utf-8")
    return d


def _check(directory: Path, path: Path):
    from yibao.analysis.tables import analyze
    from yibao.policies.directory import PolicySet
    ps = PolicySet(directory, [path])
    key = ps.resolve(str(path))
    if key in ps.failed:
        return list(ps.failed[key].diagnostics)
    program, diags = ps.check(key)
    if program is not None:
        diags = diags + list(analyze(program))
    return diags


def test_the_docs_have_yibao_blocks():
    assert len(list(_blocks())) >= 20


@pytest.mark.parametrize("page,body", list(_blocks()))
def test_block_compiles(page: Path, body: str, tmp_path: Path):
    from yibao.base.diagnostics import PolicyError
    from yibao.language.from_tree import parse_module
    from yibao.base.source import SourceFile

    first = body.lstrip().splitlines()[0] if body.strip() else ""
    if first.startswith("# fragment"):
        # declarations as they stand; else rules inside a decision; else citations after a value
        errors = []
        for wrapped in (body, "decision d : int {\n" + body + "\n}", "let d = 0\n" + body):
            try:
                parse_module(SourceFile("<docs>", wrapped))
                return
            except PolicyError as exc:
                errors.append(str(exc))
        pytest.fail(f"{page.name}: the fragment does not parse:\n{errors[0]}")
    directory = _policy_dir(tmp_path, page)
    expected_error = re.match(r"#\s*error\s+([EWI]\d{3})", first)
    is_notice = re.search(r"^notice\s", body, re.M) is not None
    source = body if is_notice else WRAPPER + body
    path = tmp_path / "example.policy"
    path.write_text(source, encoding="utf-8")
    diags = _check(directory, path)
    rendered = "\n".join(d.render() for d in diags)
    if expected_error:
        codes = {d.code for d in diags}
        assert expected_error.group(1) in codes, f"expected {expected_error.group(1)}, got:\n{rendered or 'nothing'}"
        return
    if not is_notice:
        diags = [d for d in diags if d.code not in FORGIVEN_IN_FRAGMENTS]
    diags = [d for d in diags if d.severity != "info"]  # a note (I610) is not a finding
    assert not diags, f"{page.name}: the block does not check:\n{rendered}"


def _emitted_codes() -> set[str]:
    """Every diagnostic code in the compiler's source (quoted, as `Diagnostic(` and `error(` take them)."""
    codes = set()
    for f in (ROOT / "compiler" / "yibao").rglob("*.py"):
        codes |= set(re.findall(r"[\"']([EWI]\d{3})[\"']", f.read_text(encoding="utf-8")))
    return codes


def _error_sections() -> dict[str, str]:
    """docs/errors.md's sections by code: `### E401: … {#e401}` up to the next heading."""
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    parts = re.split(r"^(#{2,3} .*)$", text, flags=re.M)
    out = {}
    for heading, body in zip(parts[1::2], parts[2::2]):
        m = re.match(r"### ([EWI]\d{3}): .* \{#([ewi]\d{3})\}$", heading)
        if m:
            assert m.group(2) == m.group(1).lower(), f"{heading}: the anchor must be the code in lower case"
            out[m.group(1)] = body
    return out


def test_every_error_code_the_checker_emits_has_a_section_in_the_error_reference():
    codes, sections = _emitted_codes(), _error_sections()
    assert len(codes) > 50  # the grep finds the codes at all
    missing = sorted(codes - set(sections))
    assert not missing, "codes the checker emits with no section in docs/errors.md: " + ", ".join(missing)
    stale = sorted(set(sections) - codes)
    assert not stale, "docs/errors.md documents codes nothing emits: " + ", ".join(stale)


def test_the_error_reference_titles_are_the_code_table_s():
    """SARIF's rule descriptions (codes.py) and the sections they link to name each code alike."""
    from yibao.base import codes
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    titles = dict(re.findall(r"^### ([EWI]\d{3}): (.*) \{#[ewi]\d{3}\}$", text, re.M))
    assert titles.keys() == codes.CODES.keys()
    differ = {c: (t, codes.CODES[c][1]) for c, t in titles.items() if t != codes.CODES[c][1]}
    assert not differ, differ


def test_every_error_section_has_an_example_and_a_fix():
    for code, body in _error_sections().items():
        assert "**Fix:**" in body, f"{code}: no fix"
        example = re.search(r"```yibao\n# error (\w+)\n", body)
        if example:  # checked by test_block_compiles: it must raise the code
            assert example.group(1) == code, f"{code}'s example is for {example.group(1)}"
        else:  # a file that cannot be read, say: the report as printed
            assert f"error[{code}]" in body or f"warning[{code}]" in body or f"info[{code}]" in body, f"{code}: no example"


def test_the_nav_names_pages_that_exist_or_are_generated():
    import yaml
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))

    def walk(items):
        for item in items:
            if isinstance(item, dict):
                for v in item.values():
                    yield from (walk(v) if isinstance(v, list) else [v])
            else:
                yield item

    import sys
    sys.path.insert(0, str(DOCS))
    try:
        import hooks
    finally:
        sys.path.remove(str(DOCS))
    for target in walk(config["nav"]):
        if target.startswith("notices/") or target in hooks.PLACEHOLDERS:
            continue  # generated by docs/hooks.py
        assert (DOCS / target).exists(), f"mkdocs.yml's nav names {target}, which is not in docs/"


def test_notice_pages_are_generated_for_every_policy():
    import sys
    sys.path.insert(0, str(DOCS))
    try:
        import hooks
    finally:
        sys.path.remove(str(DOCS))
    pages = hooks.policy_pages()
    assert {p for p, _ in pages} >= {f"notices/{f.relative_to(POLICIES).with_suffix('').as_posix()}.md"
                                     for f in POLICIES.rglob("*.policy")}
    ctx = hooks._Context(pages)
    for page, path in pages:
        text = re.sub(r"\A---\n.*?\n---\n\n", "", ctx.page(page, path), flags=re.S)  # front matter
        assert text.startswith("# ")
        module = ctx.ps.modules.get(str(path))
        if module is not None and module.header is not None:
            assert module.header.document in text
            assert "## Conformance cases" in text
    assert "cli-help" not in hooks.cli_help() and "yibao eval" in hooks.cli_help()
