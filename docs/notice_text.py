"""A notice's own words on its page: the text beside the rules, each quoted passage marked.

The hooks ask `cite` for every citation while they write the page's Markdown; it answers with the
clause cell's anchor and a placeholder link, since where a passage's <mark> starts is known only once
every quote is in (overlapping quotes share one mark). `resolve` then fills in the links, and `html`
gives the text pane: the notice as extracted (white space kept), each cited passage a <mark> whose id
the rules link to, ending in links back to the rules that cite it. The pane goes into the Markdown
as one line of raw HTML (line breaks as &#10;), so mkdocs sees its anchors; `wrap` then lays the two
columns out in the page's HTML.
"""
from __future__ import annotations

import html
import re

# The Markdown between START and END goes in a column; the text pane follows it, up to CLOSE.
START = "<!-- yibao:text-start -->"
END = "<!-- yibao:text-end -->"
CLOSE = "<!-- yibao:text-close -->"
_PLACEHOLDER = re.compile(r"@@yibao-quote-(\d+)@@")


class Marks:
    def __init__(self, raw: str):
        self.raw = raw
        # the squeezed text (white space removed, as quotes are compared) and where each character was
        self.at = [i for i, ch in enumerate(raw) if not ch.isspace()]
        self.squeezed = "".join(raw[i] for i in self.at)
        self.cited: list[tuple[int, int, str, str]] = []  # (start, end) in raw, rule anchor, label

    def cite(self, quote: str, label: str) -> tuple[str, str] | None:
        """(the rule's anchor id, a placeholder href to its passage), or None if the text lacks it."""
        q = re.sub(r"\s+", "", quote)
        i = self.squeezed.find(q) if q else -1
        if i < 0:
            return None
        n = len(self.cited)
        self.cited.append((self.at[i], self.at[i + len(q) - 1] + 1, f"rule-{n}", label))
        return f"rule-{n}", f"@@yibao-quote-{n}@@"

    def _passages(self) -> list[tuple[int, int, list[int]]]:
        """The cited stretches of text, overlapping quotes merged: (start, end, citation numbers)."""
        out: list[tuple[int, int, list[int]]] = []
        for n in sorted(range(len(self.cited)), key=lambda n: self.cited[n][:2]):
            start, end = self.cited[n][:2]
            if out and start < out[-1][1]:
                s, e, ns = out[-1]
                out[-1] = (s, max(e, end), ns + [n])
            else:
                out.append((start, end, [n]))
        return out

    def resolve(self, markdown: str) -> str:
        target = {n: f"#text-{start}" for start, _, ns in self._passages() for n in ns}
        return _PLACEHOLDER.sub(lambda m: target[int(m.group(1))], markdown)

    def html(self, document: str) -> str:
        out, pos = [], 0
        for start, end, ns in self._passages():
            out.append(html.escape(self.raw[pos:start]))
            back = "".join(f'<a class="yibao-back" href="#{self.cited[n][2]}" title="back to the rule">'
                           f"↩\u2009{html.escape(self.cited[n][3])}</a>" for n in ns)
            out.append(f'<mark id="text-{start}">{html.escape(self.raw[start:end])}</mark>{back}')
            pos = end
        out.append(html.escape(self.raw[pos:]))
        # the extracted text puts a blank line after every printed line: show the printed lines only
        body = re.sub(r"[ \t\r]*\n\s*", "&#10;", "".join(out))
        return (f'<aside class="yibao-text" aria-label="the notice\'s text">'
                f'<p class="yibao-text-title">The notice’s text: {html.escape(document)}, '
                f"{len(self.cited)} quotes marked</p>"
                f'<div class="yibao-text-body">{body}</div></aside>')


def place(markdown: str, document: str, marks: Marks) -> str:
    """The page's Markdown with the text pane after END (links resolved)."""
    return marks.resolve(markdown).replace(END, f"{END}\n\n{marks.html(document)}\n\n{CLOSE}", 1)


def wrap(page_html: str) -> str:
    """The two columns: what lies between START and END, and the pane up to CLOSE."""
    if not all(mark in page_html for mark in (START, END, CLOSE)):
        return page_html
    return (page_html.replace(START, '<div class="yibao-side"><div class="yibao-rules">', 1)
            .replace(END, "</div>", 1).replace(CLOSE, "</div>", 1))
