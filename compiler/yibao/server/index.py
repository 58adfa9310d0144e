"""The served index page (GET /): the notices this server answers for, each with its calculator page
and its parameters, in Chinese and in the calculator page's style (backends/web/page.css, inlined:
the page needs nothing else from the network)."""
from __future__ import annotations

import html
from importlib import resources
from urllib.parse import quote

from .registry import Catalog

# what the index adds to the calculator page's style: one column, and a table of the notices
_STYLE = """
main.index { display: block; max-width: 72rem; }
table.notices { border-collapse: collapse; width: 100%; margin: 0 0 1rem; }
table.notices th, table.notices td { text-align: left; vertical-align: top; padding: .45rem .6rem; border-bottom: 1px solid var(--line); }
table.notices th { font-weight: 600; color: var(--muted); font-size: .9rem; }
table.notices td.year { font-variant-numeric: tabular-nums; }
table.notices th, table.notices td.doc, table.notices td.links { white-space: nowrap; }  /* a 文号 is one word */
a { color: var(--accent); }
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def index_page(catalog: Catalog) -> str:
    rows = []
    for doc, n in catalog.notices.items():
        p, path = n.program, quote(doc)
        rows.append(
            f'<tr><td class="doc"><a href="/calculator/{path}">{_e(doc)}</a></td><td>{_e(p.title or "")}</td>'
            f'<td>{_e(p.jurisdiction or "")}</td><td class="year">{p.coverage}</td>'
            f'<td class="doc">{_e(p.implements or "—")}</td>'
            f'<td class="links"><a href="/calculator/{path}">计算器</a> · <a href="/notices/{path}/parameters">参数</a> · '
            f'<a href="/notices/{path}/schema">案例格式</a></td></tr>')
    broken = "".join(f"<li>{_e(doc)}：政策有误，未提供（{_e(why)}）</li>" for doc, why in catalog.broken.items())
    css = resources.files("yibao.backends.web").joinpath("page.css").read_text(encoding="utf-8").strip()
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>重庆城乡居民医保 · 政策计算器</title>
<style>
{css}
{_STYLE.strip()}
</style>
</head>
<body>
<header>
<h1>重庆城乡居民医保 · 政策计算器</h1>
<p class="about">本服务所载的通知，按参保年度排列。每项通知有一个计算器页面，其结果均注明所依据的条款和原文。</p>
</header>
<main class="index">
<table class="notices">
<thead><tr><th>文号</th><th>标题</th><th>地区</th><th>参保年度</th><th>实施</th><th>查看</th></tr></thead>
<tbody>
{chr(10).join(rows) or '<tr><td colspan="6">未载入任何通知</td></tr>'}
</tbody>
</table>
{f'<ul class="note">{broken}</ul>' if broken else ''}
<p class="note">接口说明（OpenAPI）：<a href="/openapi.json">/openapi.json</a>；通知列表：<a href="/notices">/notices</a>。
计算结果仅供参考，以各通知原文为准。</p>
</main>
</body>
</html>
"""
