"""A notice as one self-contained calculator page: plain HTML, CSS and the JavaScript backend's
module inlined (no network, no server). `yibao compile NOTICE --target web` writes it; `yibao serve`
answers GET /calculator/{document} with page(program).

The form is written here from the notice's facts (labels in Chinese from the policy); page.js reads
it into a case, calls the module's explain() on every change and shows each decision with its clause
and quote, or why the notice leaves it undecided. Every policy string reaches the page through
html.escape (in markup) or _json (in the script), so no policy text can inject markup or script.
"""
from __future__ import annotations

import html
import json
from importlib import resources

from ...ir import nodes as ir
from ..javascript.generate import generate
from ...ir.kinds import output_kind

_KIND_HINT = {"money": "元，如 342.00", "int": "整数", "count": "整数，≥ 0"}


def _asset(name: str) -> str:
    return resources.files("yibao.backends.web").joinpath(name).read_text(encoding="utf-8")


def _json(value) -> str:
    """JSON for inside a <script>: nothing in it can close the element."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _label(name: str, description: str | None) -> str:
    # the notice's words alone (the code is the field's name in JSON: a tooltip, not a second label)
    return (f'<span class="zh" title="{_e(name)}">{_e(description)}</span>' if description
            else f'<code lang="en">{_e(name)}</code>')


def _choice(name: str, description, enum: ir.EnumInfo, default, many: bool) -> str:
    """Radio buttons (one of an enum) or checkboxes (a set of it) in a fieldset."""
    kind = "checkbox" if many else "radio"
    items = []
    if not many and default is ir.NO_DEFAULT:
        items.append(f'<label><input type="radio" name="{_e(name)}" value="" checked> <span class="zh">未填</span></label>')
    for member, code, labels in enum.members:
        checked = " checked" if (not many and default == code) else ""
        title = f' title="{_e(" / ".join(labels))}"' if labels else ""
        items.append(f'<label{title}><input type="{kind}" name="{_e(name)}" value="{_e(json.dumps(code))}"{checked}> '
                     f'<span class="zh" title="{_e(code)}">{_e(member)}</span></label>')
    cls = "choices many" if many else "choices"
    return (f'<fieldset class="{cls}" data-fact="{_e(name)}" data-kind="{"set" if many else "enum"}">'
            f'<legend>{_label(name, description)}</legend>{"".join(items)}'
            f'<p class="field-error" id="err-{_e(name)}" role="alert"></p></fieldset>')


def _field(program: ir.Program, f: ir.FactInfo) -> str:
    t = f.type
    if isinstance(t, tuple):  # one of an enum: the enum's own name (参保档次) reads better than its members
        return _choice(f.name, _fact_label(program, f), program.enums[t[1]], f.default, t[0] == "set")
    ident = f"f-{f.name}"
    err = f'<p class="field-error" id="err-{_e(f.name)}" role="alert"></p>'
    common = f'id="{_e(ident)}" name="{_e(f.name)}" aria-describedby="err-{_e(f.name)}"'
    if t == "bool" and f.default is not ir.NO_DEFAULT:
        checked = " checked" if f.default else ""
        return (f'<div class="field check" data-fact="{_e(f.name)}" data-kind="bool">'
                f'<label><input type="checkbox" {common}{checked}> {_label(f.name, f.description)}</label>{err}</div>')
    label = f'<label for="{_e(ident)}">{_label(f.name, f.description)}</label>'
    if t == "bool":
        control = (f'<select {common}><option value="">未填</option><option value="true">是</option>'
                   f'<option value="false">否</option></select>')
        kind = "bool"
    elif t == "date":
        control, kind = f'<input type="date" {common}>', "date"
    else:
        kind = "count" if f.non_negative else t
        default = "" if f.default is ir.NO_DEFAULT else f"默认 {f.default}；"
        hint = _e(default + _KIND_HINT.get(kind, ""))
        mode = "decimal" if kind == "money" else "numeric"
        control = f'<input type="text" inputmode="{mode}" autocomplete="off" placeholder="{hint}" {common}>'
    return f'<div class="field" data-fact="{_e(f.name)}" data-kind="{_e(kind)}">{label}{control}{err}</div>'


def _fact_label(program: ir.Program, f: ir.FactInfo) -> str:
    t = f.type
    if isinstance(t, tuple) and t[0] == "enum" and program.enums[t[1]].description:
        return program.enums[t[1]].description
    return f.description or f.name


def _decisions(program: ir.Program) -> list[dict]:
    out = []
    for name in program.decisions:
        d = program.definitions[name]
        entry = {"name": name, "label": d.description or name, "kind": output_kind(d.type)}
        if isinstance(d.type, tuple) and d.type[0] == "enum":
            entry["members"] = {json.dumps(code): member for member, code, _ in program.enums[d.type[1]].members}
        out.append(entry)
    return out


def page(program: ir.Program, *, title: str | None = None) -> str:
    """The complete calculator page for a notice, as one self-contained HTML string."""
    p = program
    heading = title or p.title or p.document
    labels = {name: _fact_label(p, f) for name, f in p.facts.items()}
    about = " · ".join(_e(x) for x in (p.document, p.jurisdiction, f"{p.coverage} 参保年度",
                                        f"实施 {p.implements}" if p.implements else None) if x)
    fields = "\n".join(_field(p, f) for f in p.facts.values())
    data = {"document": p.document, "facts": labels, "decisions": _decisions(p)}
    module = generate(p, module=False)
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>{_e(heading)} · 计算器</title>
<style>
{_asset("page.css").strip()}
</style>
</head>
<body>
<header>
<h1>{_e(heading)}</h1>
<p class="about">{about}</p>
<p class="note">填写下列事实，结果随填写即时计算；每项结果附通知的条款与原文。通知未规定的，结果显示为无法确定并说明原因。本页不联网，所有计算在浏览器内完成。</p>
</header>
<main>
<form id="case" aria-labelledby="form-heading" novalidate>
<h2 id="form-heading">参保人情况</h2>
{fields}
<p class="form-error" id="form-error" role="alert"></p>
</form>
<section id="results" aria-labelledby="results-heading">
<h2 id="results-heading">计算结果</h2>
<ol id="result-list" aria-live="polite"></ol>
<details><summary>案例与结果的 JSON</summary><pre id="json"></pre></details>
</section>
</main>
<noscript><p>本计算器需要启用 JavaScript。</p></noscript>
<script>
"use strict";
{module}
const PAGE = JSON.parse({_json(json.dumps(data, ensure_ascii=False))});  // JSON.parse: a `__proto__` key stays a key
{_asset("page.js").strip()}
</script>
</body>
</html>
"""
