"""The conformance suite names every figure of every notice.

Every number a notice prints (policies/texts/*.txt) must lie inside the quote of some conformance
case that cites that notice, and that case must name the number: in its expected values, its
`values`, its input, or its derivation. So a figure counts only where a case both quotes it and
asserts it. What is not a rule figure is excluded below, each kind with the reason; the list is
meant to stay short.
"""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
import yaml

from conftest import ROOT

TEXTS = ROOT / "policies" / "texts"
CASES = ROOT / "conformance" / "cases"
# at most two decimals: "1.2024 年" is clause 1 and the year 2024, not a number with a fraction
NUMBER = re.compile(r"\d+(?:\.\d{1,2}(?!\d))?")

# Numbers that are not rule figures. Each pattern's first group (or the whole match) is excluded.
EXCLUDED = [
    # a document number, the notice's own or one it cites: 渝医保发〔2023〕24号, 〔2019〕78 号
    ("document number", re.compile(r"〔\s*\d{4}\s*〕\s*\d+\s*号")),
    # the title of a document (the notice's own heading, or a cited one in 《》): it names the work's
    # year, which the coverage year and the clauses state as figures of their own
    ("document title", re.compile(r"《[^》]*》|关于做好[^。；，]*?的\s*通\s*知")),
    # how to reach an office
    ("telephone number", re.compile(r"电话：\s*\d+")),
    ("page number", re.compile(r"—\s*\d+\s*—")),
    # the numbering of clauses and table rows: 1.特困人员…, the 序号 column of 峰岩's table
    ("clause number", re.compile(r"(?m)^\s*(\d+)[.．]")),
    ("row number", re.compile(r"(?m)^\t(\d+)\n\t\S+村")),
    # part of an identity's name as interface.md lists it: 在乡重点优抚对象（不含1-6级残疾军人）
    # a word-processor bookmark the text kept from its conversion: [bookmark: OLE_LINK1]
    ("conversion residue", re.compile(r"\[bookmark:[^\]]*\]")),
    ("identity label", re.compile(r"(?:不\s*含|重度（)\s*\d+\s*[-—]\s*\d+\s*级")),
]


def _notices() -> list[str]:
    return sorted(p.stem for p in TEXTS.glob("*.txt"))


def _cases() -> list[dict]:
    out = []
    for f in sorted(CASES.glob("*.yaml")):
        out += yaml.safe_load(f.read_text(encoding="utf-8"))["cases"]
    return out


def _numbers(value) -> set[Decimal]:
    """Every number a case literal holds: "342.00" → 342, "2023-11-30" → 2023, 11, 30."""
    if isinstance(value, dict):
        return set().union(*(_numbers(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_numbers(v) for v in value)) if value else set()
    return {Decimal(n) for n in NUMBER.findall(str(value))}


def named_by(case: dict) -> set[Decimal]:
    src = case["source"]
    return (_numbers(case.get("expected", {})) | _numbers(case.get("values", {}))
            | _numbers(case.get("input", {})) | _numbers(src.get("derivation", "")))


def _squeeze(text: str) -> tuple[str, list[int]]:
    """The text without whitespace, and where each of its characters stands in the original."""
    keep = [i for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(text[i] for i in keep), keep


def excluded_spans(text: str) -> list[tuple[int, int, str]]:
    spans = []
    for why, pattern in EXCLUDED:
        for m in pattern.finditer(text):
            g = 1 if m.groups() else 0
            spans.append((m.start(g), m.end(g), why))
    return spans


def unnamed_figures(notice: str, text: str, cases: list[dict]) -> list[str]:
    squeezed, where = _squeeze(text)
    covered: list[tuple[int, int, set]] = []  # original span of a quote, numbers its case names
    for case in cases:
        src = case["source"]
        if src["document"] != notice:
            continue
        quote = "".join(src["quote"].split())
        names = named_by(case)
        start = squeezed.find(quote)
        while start >= 0 and quote:
            covered.append((where[start], where[start + len(quote) - 1] + 1, names))
            start = squeezed.find(quote, start + 1)
    skip = excluded_spans(text)
    missing = []
    for m in NUMBER.finditer(text):
        if any(a <= m.start() and m.end() <= b for a, b, _ in skip):
            continue
        n = Decimal(m.group())
        if not any(a <= m.start() and m.end() <= b and n in names for a, b, names in covered):
            line = text.count("\n", 0, m.start()) + 1
            context = " ".join(text[max(0, m.start() - 25):m.end() + 15].split())
            missing.append(f"{notice}.txt:{line}: {m.group()}  …{context}…")
    return missing


@pytest.mark.parametrize("notice", _notices())
def test_every_figure_is_named(notice):
    text = (TEXTS / f"{notice}.txt").read_text(encoding="utf-8")
    missing = unnamed_figures(notice, text, _cases())
    assert not missing, ("figures no conformance case quotes and names "
                         f"({len(missing)}):\n  " + "\n  ".join(missing))


@pytest.mark.parametrize("notice", _notices())
def test_every_case_quote_is_in_the_notice(notice):
    """A figure counts only where its quote is really the notice's (whitespace aside)."""
    squeezed, _ = _squeeze((TEXTS / f"{notice}.txt").read_text(encoding="utf-8"))
    absent = [f"{c['name'][:60]}: {c['source']['quote']}" for c in _cases()
              if c["source"]["document"] == notice and "".join(c["source"]["quote"].split()) not in squeezed]
    assert not absent, "quotes not in the text of " + notice + ":\n  " + "\n  ".join(absent)


def test_an_unnamed_figure_is_found():
    """The check can fail: a figure no case quotes, and one a case quotes without naming."""
    text = "一、参保率稳定在95%以上。起付线为17833元。"
    case = {"source": {"document": "X", "quote": "起付线为17833元"}, "values": {"a": "17833.00"}}
    assert [m.split(": ")[1].split()[0] for m in unnamed_figures("X", text, [case])] == ["95"]
    case["values"] = {"a": "1.00"}
    assert len(unnamed_figures("X", text, [case])) == 2


def test_exclusions_are_not_figures():
    """Each exclusion catches what it is for and nothing next to it."""
    text = "渝医保发〔2023〕24号，电话：71452950，— 6 —，《关于2023年的通知》，\n1.特困人员在乡重点优抚对象（不含1-6级残疾军人）按380元"
    left = [text[m.start():m.end()] for m in NUMBER.finditer(text)
            if not any(a <= m.start() and m.end() <= b for a, b, _ in excluded_spans(text))]
    assert left == ["380"]
