"""The built documentation site, read as a reader's browser would: the search index finds Chinese
words, tables are the theme's, notice pages mark every quote in the notice's text and link both ways,
and the error reference has an anchor per code. The site is built once, strictly, for the module."""
from __future__ import annotations

import html
import json
import re
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT

pytest.importorskip("material", reason="the docs extra (mkdocs-material) is not installed")
pytest.importorskip("jieba", reason="the docs extra (jieba) is not installed")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                         cwd=ROOT, capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1",
                                                                         **__import__("os").environ})
    assert run.returncode == 0, run.stdout + run.stderr
    return out


def _page(site, uri: str) -> str:
    return (site / uri / "index.html").read_text(encoding="utf-8")


# ---- search ------------------------------------------------------------------------------------
def _pages_with_token(site, word: str) -> set[str]:
    """Pages whose indexed text holds `word` as a token: split on the index's own separator, as
    material's search worker tokenizes (a query is then cut along the indexed tokens)."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    found = set()
    for doc in index["docs"]:
        text = re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"])
        if word in {t.lower() for t in separator.split(html.unescape(text))}:
            found.add(doc["location"].split("#")[0])
    return found


def test_search_finds_the_deductible_by_its_chinese_name(site):
    pages = _pages_with_token(site, "起付线")
    # every notice that states a critical-illness deductible (大病保险起付线) is found
    assert {"notices/chongqing-2024/", "notices/chongqing-2026/"} <= pages
    assert "notices/jiulongpo-2024/" not in pages  # which states none: found only where the word is


def test_search_finds_assistance(site):
    assert {"notices/chongqing-2024/", "notices/jiulongpo-2024/", "notices/lib/resident/"} <= \
        _pages_with_token(site, "资助")


def test_search_does_not_index_whole_chinese_sentences(site):
    # without segmentation 大病保险起付线调整为 would be one token, and 起付线 would find nothing
    assert not _pages_with_token(site, "大病保险起付线调整为")


# ---- the theme, and mkdocs serve ---------------------------------------------------------------
def test_pages_use_the_theme_with_styled_tables(site):
    page = _page(site, "language")
    assert 'class="md-content__inner md-typeset"' in page
    assert re.search(r'href="[^"]*css/yibao\.css"', page)
    css = (site / "css" / "yibao.css").read_text(encoding="utf-8")
    assert re.search(r"\.md-typeset table:not\(\[class\]\) td\s*\{[^}]*border", css)
    article = page.split('class="md-content__inner md-typeset"', 1)[1]
    assert "<table>" in article


def test_mkdocs_serve_watches_the_policies():
    # the notice pages are generated from policies/: a change there must rebuild them
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert "policies" in config["watch"]
    assert "conformance/cases" in config["watch"]


# ---- notice pages ------------------------------------------------------------------------------
NOTICES = ["chongqing-2024", "chongqing-2026", "fengyan-2024", "jiulongpo-2024", "tongnan-2023"]


@pytest.mark.parametrize("notice", NOTICES)
def test_notice_page_marks_each_quote_and_links_both_ways(site, notice):
    page = _page(site, f"notices/{notice}")
    assert 'class="yibao-side"' in page and 'class="yibao-text"' in page
    marks = dict(re.findall(r'<mark id="(text-\d+)">(.*?)</mark>', page, re.S))
    to_text = set(re.findall(r'href="#(text-\d+)"', page))
    assert marks and to_text == set(marks), "every quote links to a mark, and every mark is linked"
    back = set(re.findall(r'class="yibao-back" href="#(rule-\d+)"', page))
    anchors = set(re.findall(r'id="(rule-\d+)"', page))
    assert back and back == anchors, "every marked passage links back to the rules citing it"


def test_a_known_quote_is_marked_in_the_notice_text(site):
    page = _page(site, "notices/chongqing-2024")
    marked = ["".join(html.unescape(m).split()) for m in re.findall(r"<mark id=\"text-\d+\">(.*?)</mark>", page, re.S)]
    assert any("大病保险起付线调整为17833元" in m for m in marked)


# ---- the error reference -----------------------------------------------------------------------
def test_the_error_reference_has_an_anchor_per_code(site):
    from test_docs import _emitted_codes
    page = _page(site, "errors")
    for code in _emitted_codes():
        assert f'id="{code.lower()}"' in page, code


def test_codes_in_other_pages_link_to_the_error_reference(site):
    page = _page(site, "language")
    assert re.search(r'href="\.\./errors/#e305"', page)
