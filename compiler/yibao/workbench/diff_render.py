"""The comparison as text, markdown or HTML: one list of blocks, three ways to print it.

Codes are shown with the policy's Chinese labels beside them (labels.py); names a drafter may search
for are marked as code (backticks in markdown, <code> in HTML)."""
from __future__ import annotations

import html
import unicodedata

from .labels import Labels

TOP_ROWS = 40  # group rows printed; --format json has them all
_C0, _C1 = "\x01", "\x02"


def code(s) -> str:
    return f"{_C0}{s}{_C1}"


# ---- blocks ---------------------------------------------------------------------------------------
def blocks(result: dict, labels: Labels, chart: str | None = None) -> list[tuple]:
    o, n = result["old"], result["new"]
    out = [("h1", f"{o['document']} (coverage {o['coverage']}) → {n['document']} (coverage {n['coverage']})")]
    if n.get("implements") == o["document"]:
        out.append(("p", f"{n['document']} implements {o['document']}: changes below are its overrides and additions"))
    dec = result["decisions"]
    if dec["added"] or dec["removed"]:
        out.append(("h2", "decisions"))
        out.append(("items", [(f"+ {labels.decision(d)}", []) for d in dec["added"]]
                    + [(f"- {labels.decision(d)}", []) for d in dec["removed"]]))
    out += _adds_blocks(result.get("adds"), labels)
    if "roll" in result:  # what it costs first: the definitions below say why
        out += _roll_blocks(result["roll"], labels, chart)
    out.append(("h2", f"definitions ({len(result['changes'])} change(s))"))
    out.append(("items", [(_describe(c, labels), _cites(c)) for c in result["changes"]]))
    if "effects" in result:
        effects = result["effects"]
        out.append(("h2", f"effect on people ({len(effects)} change(s))"))
        out.append(("items", [(_effect(e, labels), []) for e in sorted(
            effects, key=lambda e: (str(e["group"]), str(e["tier"]), e["decision"], e["from"], e["to"]))]))
    return out


def _adds_blocks(adds: dict | None, labels: Labels) -> list[tuple]:
    """What the new notice adds (diff_adds.py): facts, identity codes and domains (decisions above)."""
    if not adds or not (adds["facts"] or adds["identities"] or adds["domains"]):
        return []
    items = [(f"+ fact {code(f)}", []) for f in adds["facts"]]
    items += [(f"+ identity {labels.code('identities', c)}", []) for c in adds["identities"]]
    items += [(f"+ domain for {', '.join(d['decisions'])}: “{d['reason']}”", []) for d in adds["domains"]]
    return [("h2", "added by the new notice"), ("items", items)]


def _cites(c: dict) -> list[str]:
    lines = []
    for side in ("old", "new"):
        cite = c.get(side)
        if cite:
            lines.append(f"{side}: §{cite['clause']} of {cite['document']}: “{cite['quote']}”")
    return lines


def _describe(c: dict, labels: Labels) -> str:
    name = code(c["name"])
    if c["kind"] == "decision":  # its description from the policy beside it
        name += labels.decision(c["name"])[len(c["name"]):]
    where = f" rule {code(c['rule'])}" if "rule" in c else f" row [{c['row']}]" if "row" in c else ""
    ov = " (override)" if c.get("override") else ""
    what = c["what"]
    if what in ("added", "removed", "rule added", "rule removed", "row added", "row removed"):
        val = f" = {c['value']}" if c.get("value") is not None else ""
        return f"{what}: {c['kind']} {name}{where}{val}{ov}"
    change = f": {c['from']} → {c['to']}" if "from" in c else ""
    if c.get("formula_changed"):
        change += ": how it is worked out changed (it depends on the case)"
    if c.get("condition_changed"):
        change += " (condition changed)"
    return f"{what}: {c['kind']} {name}{where}{change}{ov}"


def _who(labels: Labels, group, tier) -> str:
    return f"{labels.code('group', group)}, tier {labels.code('tier', tier)}"


def _effect(e: dict, labels: Labels) -> str:
    qual = []
    if e["identities"] != "any":
        qual.append("identity " + ", ".join(labels.code("identities", i) if i != "none" else "none 无"
                                              for i in e["identities"]))
    qual.append("window " + ", ".join(_window(w, labels) for w in e["windows"]))
    if e.get("facts"):  # a change only an added fact gives
        qual.append("with " + ", ".join(f"{f} = {v}" for f, v in e["facts"]))
    change = f" ({e['change']})" if e["change"] else ""
    dec = e["decision"]
    return (f"{_who(labels, e['group'], e['tier'])}: {labels.decision(dec)} {labels.value(dec, e['from'])} → "
            f"{labels.value(dec, e['to'])}{change}  [{'; '.join(qual)}]")


def _window(pair, labels: Labels) -> str:
    wo, wn = (labels.code("payment_window", w) if w else "undecided" for w in pair)
    return wo if pair[0] == pair[1] else f"{wo} → {wn}"


def _amount(e: dict) -> str:
    if not e["changed"]:
        return "—"
    if "each" in e:  # a threshold or limit: a person's change, never a sum over people
        if e["each"] is None:
            return "—"
        low, high = e["each"]["low"], e["each"]["high"]
        sign = (lambda t: t if t.startswith("-") else f"+{t}")  # noqa: E731
        return f"{sign(low)} yuan each" if low == high else f"{sign(low)} to {sign(high)} yuan a person"
    if "total" not in e:
        return ", ".join(f"{x['from']} → {x['to']}: {x['people']}" for x in e.get("transitions", [])) or "—"
    if e["unit"] == "yuan":
        t = e["total"]
        return f"{'' if t.startswith('-') else '+'}{t} yuan"
    return f"{e['total']:+d} {e['unit']}".rstrip()


def _roll_blocks(roll: dict, labels: Labels, chart: str | None) -> list[tuple]:
    out = [("h2", f"cost on the roll {roll['path']} ({roll['people']} people)")]
    if roll["years_moved"]:
        out.append(("p", roll["dates"][0].upper() + roll["dates"][1:] + "."))
    flows = [e for e in roll["decisions"] if e["kind"] == "money" and "total" in e and e["changed"]]
    if flows:  # the headline: money paid and received; thresholds and limits are levels, not costs
        out.append(("p", "Money paid and received over the roll: " + "; ".join(
            f"{code(e['decision'])} {_amount(e)}" for e in flows) + ". Thresholds and limits are not added up "
            "across people: the table gives their change for one person."))
    rows = []
    for e in roll["decisions"]:
        rows.append([code(e["decision"]), labels.decision(e["decision"]).partition(" ")[2], str(e["changed"]),
                     f"+{e['increased']} / -{e['decreased']}" if e["changed"] and "increased" in e else "",
                     _amount(e), str(e["newly_undecidable"]), str(e["newly_decidable"])])
    out.append(("p", "By decision, biggest changes first (money paid and received, then thresholds and limits, "
                "then days, then how many people):"))
    out.append(("table", ["decision", "", "people changed", "up / down", "total change",
                          "newly undecidable", "newly decidable"], rows))
    if roll["unchanged"]:
        out.append(("p", "Unchanged for everyone: " + ", ".join(code(n) for n in roll["unchanged"]) + "."))
    if chart:
        out.append(("chart", chart))
    groups = roll["groups"]
    shown = groups[:TOP_ROWS]
    more = f" (the first {len(shown)} of {len(groups)}; --format json lists them all)" if len(groups) > len(shown) else ""
    out.append(("p", f"By group, tier and identities, biggest changes first{more}:"))
    out.append(("table", ["group", "tier", "identities", "people", "decision", "changed", "total change",
                          "newly undecidable", "newly decidable"],
                [[labels.code("group", r["group"]), labels.code("tier", r["tier"]),
                  labels.codes("identities", r["identities"]), str(r["people"]), code(r["decision"]),
                  str(r["changed"]), _amount(r), str(r["newly_undecidable"]), str(r["newly_decidable"])]
                 for r in shown]))
    for w in roll.get("what_if", []):  # what the new notice adds, which the roll's people cannot hold
        value = labels.code("identities", w["value"]) if w["fact"] == "identities" else w["value"]
        out.append(("p", f"If everyone had {code(w['fact'])} = {value} (the roll cannot hold it: the new notice adds it):"))
        out.append(("table", ["decision", "people changed", "total change", "newly undecidable", "newly decidable"],
                    [[code(e["decision"]), str(e["changed"]), _amount(e), str(e["newly_undecidable"]),
                      str(e["newly_decidable"])] for e in w["decisions"]]))
    return out


# ---- printing -------------------------------------------------------------------------------------
def text(bs: list[tuple], markdown: bool = False) -> str:
    mark = (lambda s: s.replace(_C0, "`").replace(_C1, "`")) if markdown else \
        (lambda s: s.replace(_C0, "").replace(_C1, ""))
    lines = []
    for b in bs:
        kind = b[0]
        if kind in ("h1", "h2"):
            lines += [(("# " if kind == "h1" else "## ") if markdown else "") + mark(b[1])]
            if kind == "h1" or markdown:
                lines.append("")
        elif kind == "p":
            lines += [mark(b[1]), ""] if markdown else [mark(b[1])]
        elif kind == "items":
            for item, subs in b[1]:
                lines.append(("- " if markdown else "  ") + mark(item))
                lines += [("    " if markdown else "      ") + mark(s) for s in subs]
            lines.append("")
        elif kind == "table":
            lines += _table(b[1], b[2], mark, markdown) + [""]
        elif kind == "chart":
            lines += [f"![the biggest money changes]({b[1]})" if markdown else f"chart: {b[1]}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _table(head, rows, mark, markdown) -> list[str]:
    if markdown:
        esc = lambda s: mark(s).replace("|", "\\|")  # noqa: E731
        return (["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
                + ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows])
    cells = [list(head)] + [[mark(c) for c in r] for r in rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(head))]
    return ["  " + "  ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths)).rstrip() for r in cells]


def _width(s: str) -> int:
    """Columns a text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def page(bs: list[tuple], svg: str | None) -> str:
    """A standalone HTML page; the chart inline, so the page is one file."""
    mark = lambda s: html.escape(s).replace(_C0, "<code>").replace(_C1, "</code>")  # noqa: E731
    title = next((b[1] for b in bs if b[0] == "h1"), "yibao diff")
    body = []
    for b in bs:
        kind = b[0]
        if kind in ("h1", "h2", "p"):
            body.append(f"<{kind}>{mark(b[1])}</{kind}>")
        elif kind == "items":
            body.append("<ul>" + "".join(
                f"<li>{mark(i)}" + "".join(f"<br><small>{mark(s)}</small>" for s in subs) + "</li>"
                for i, subs in b[1]) + "</ul>")
        elif kind == "table":
            body.append("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in b[1]) + "</tr>"
                        + "".join("<tr>" + "".join(f"<td>{mark(c)}</td>" for c in r) + "</tr>" for r in b[2])
                        + "</table>")
        elif kind == "chart" and svg:
            body.append(f'<figure>{svg[svg.index("<svg"):]}</figure>')
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;max-width:80em;margin:auto}}"
            "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}"
            "figure svg{max-width:100%;height:auto}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")
