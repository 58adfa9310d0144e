"""The header index (sources.py): what a file declares, read without parsing. Where it cannot be
sure, the file is not `plain` (then every file is parsed and its whole text goes into cache keys)."""
from __future__ import annotations

from pathlib import Path

from conftest import POLICIES
from yibao.policies.index import Header, SourceIndex


def header(tmp_path, text: str) -> Header:
    p = tmp_path / "t.policy"
    p.write_text(text, encoding="utf-8")
    return Header.read(p)


def test_a_one_line_header_still_names_what_it_implements(tmp_path):
    h = header(tmp_path, 'notice 测试〔2024〕2号 { title "t" implements 渝医保发〔2023〕24号 }\nuse 居民医保\n')
    assert (h.notice, h.implements, h.uses, h.plain) == ("测试〔2024〕2号", "渝医保发〔2023〕24号", ("居民医保",), True)


def test_external_and_none_are_not_parents(tmp_path):
    assert header(tmp_path, "notice A〔2024〕1号 {\n implements B〔2023〕2号 external\n}").implements is None
    assert header(tmp_path, "notice A〔2024〕1号 {\n implements none\n}").implements == "none"


def test_what_the_index_cannot_be_sure_of_is_not_plain(tmp_path):
    hidden = header(tmp_path, 'notice A〔2024〕1号 {\n title "a } b"\n implements B〔2023〕2号\n}')
    assert not hidden.plain  # a `}` in the title ends the block before `implements`
    assert not header(tmp_path, "notice A〔2024〕1号 {\n}\nnotice C〔2024〕1号 {\n}").plain
    assert not header(tmp_path, "let x = 1 元").plain  # no header at all


def test_a_notice_needs_its_parents_and_their_libraries_only():
    ix = SourceIndex(POLICIES)
    needed = {Path(h.path).name for h in ix.needed(ix.find("九龙坡医保发〔2023〕46号"))}
    assert needed == {"jiulongpo-2024.policy", "chongqing-2024.policy", "resident.policy"}


def test_a_policy_set_that_reads_buffers_is_neither_indexed_nor_cached(tmp_path, monkeypatch):
    """The language server reads an editor's unsaved text: the files on disk (what the index reads and
    the cache keys hash) do not describe it, so every file is read and nothing comes from the cache."""
    from yibao.policies import checked, warm
    from yibao.policies.directory import PolicySet
    from yibao.base.source import SourceFile

    class Buffers(PolicySet):
        def _source(self, path):
            return SourceFile(str(path), Path(path).read_text(encoding="utf-8"))

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    ps = Buffers(POLICIES)
    assert not ps.from_disk and PolicySet(POLICIES).from_disk
    assert warm._key(ps, "九龙坡医保发〔2023〕46号") is None
    ps.check("九龙坡医保发〔2023〕46号")
    assert ps._parsed  # every file read, not the three the index names
    assert checked.collect(ps, [], lambda ps, files: "ran") == "ran"
