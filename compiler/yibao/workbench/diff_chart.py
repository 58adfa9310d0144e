"""The roll diff's chart (matplotlib, the optional extra `[diff]`): the headline, the total change of
the money paid and received over the whole roll; beside it thresholds and limits, each with its change
for one person (a deductible is a level, not a cost: summed over people it means nothing); then the
biggest changes of money paid and received by group × tier × identities.

SVG keeps its text as text, so the reader's fonts draw the Chinese labels; a PNG is drawn with a
Chinese font this machine has (Debian: fonts-wqy-zenhei or fonts-noto-cjk), else the glyphs are boxes."""
from __future__ import annotations

import io
import warnings
from decimal import Decimal
from pathlib import Path

from ..base.exits import BAD_INPUT, OUTPUT_ERROR, Fail
from .labels import Labels

PER_DECISION = 5  # the biggest groups of each money decision
MAX_PANELS = 4
CJK = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
       "Microsoft YaHei", "PingFang SC")
_CJK_FILES = ("wqy", "notosanscjk", "noto sans cjk", "sourcehansans", "msyh", "pingfang")


def require():
    """Fail before the work where the chart cannot be drawn."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise Fail(BAD_INPUT, "the chart needs matplotlib: pip install 'yibao[diff]'") from None


def by_decision(roll: dict, labels: Labels) -> list[tuple[str, Decimal]]:
    """The headline: money paid and received, totalled over the roll (thresholds and limits apart)."""
    return [(labels.decision(e["decision"]), Decimal(e["total"])) for e in roll["decisions"]
            if e["kind"] == "money" and "total" in e and e["changed"] and Decimal(e["total"])]


def levels(roll: dict, labels: Labels) -> list[tuple[str, Decimal]]:
    """Thresholds, limits and standards: the largest change of one person, never a sum over people."""
    out = []
    for e in roll["decisions"]:
        if e["kind"] == "money" and e.get("each"):
            low, high = Decimal(e["each"]["low"]), Decimal(e["each"]["high"])
            out.append((labels.decision(e["decision"]), high if abs(high) >= abs(low) else low))
    return [(name, v) for name, v in out if v]


def by_group(roll: dict, labels: Labels) -> list[tuple[str, list[tuple[str, Decimal]]]]:
    """(decision, [(who, total change in yuan)]): the PER_DECISION biggest rows of each of the first
    MAX_PANELS money decisions, each in a panel of its own scale (a deductible that moves for everyone
    would otherwise flatten the contributions)."""
    picked: dict[str, list] = {}
    for r in roll["groups"]:  # already biggest first
        if r["kind"] != "money" or "total" not in r or not r["changed"] or not Decimal(r["total"]):
            continue
        rows = picked.setdefault(r["decision"], [])
        if len(rows) < PER_DECISION:
            who = " · ".join((labels.code("group", r["group"]), labels.code("tier", r["tier"]),
                              labels.codes("identities", r["identities"])))
            rows.append((who, Decimal(r["total"])))
    order = [e["decision"] for e in roll["decisions"] if e["decision"] in picked]
    return [(name, picked[name]) for name in order[:MAX_PANELS]]


def _fonts(font_manager) -> list[str]:
    """Chinese fonts installed after matplotlib cached its font list are added by file."""
    known = {f.name for f in font_manager.fontManager.ttflist}
    if not known & set(CJK):
        for path in font_manager.findSystemFonts():
            if any(k in Path(path).name.lower() for k in _CJK_FILES):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        known = {f.name for f in font_manager.fontManager.ttflist}
    return [f for f in CJK if f in known] + ["DejaVu Sans"] + [f for f in CJK if f not in known] + ["sans-serif"]


def render(roll: dict, labels: Labels, fmt: str = "svg") -> bytes | None:
    """The chart as SVG or PNG bytes; None when no money changes."""
    panels = [("money paid and received: total change over the roll, yuan 缴费与资助合计变化（元）",
               by_decision(roll, labels)),
              ("thresholds and limits: change for one person, yuan (not added up) 起付线与限额（每人变化，元）",
               levels(roll, labels))]
    panels += [(f"{labels.decision(name)}: the biggest changes by group · tier · identities 变化最大的人群", rows)
               for name, rows in by_group(roll, labels)]
    panels = [p for p in panels if p[1]]
    if not panels:
        return None
    require()
    import logging
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import font_manager, pyplot as plt
    from matplotlib.ticker import FuncFormatter
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # "findfont: … not found", per label
    heights = [len(data) for _, data in panels]
    with warnings.catch_warnings(), matplotlib.rc_context({
            "svg.fonttype": "none", "font.family": "sans-serif", "font.sans-serif": _fonts(font_manager),
            "svg.hashsalt": "yibao"}):
        warnings.simplefilter("ignore")  # glyphs the fonts here lack: the SVG keeps the text anyway
        fig, axes = plt.subplots(len(panels), 1, figsize=(11, 0.42 * sum(heights) + 1.4 * len(panels) + 0.6),
                                 gridspec_kw={"height_ratios": heights}, squeeze=False)
        fig.suptitle(f"{roll['path']}: {roll['people']} people 人", x=0.01, ha="left", fontsize=10)
        for ax, (title, data) in zip(axes[:, 0], panels):
            _panel(ax, title, list(reversed(data)), FuncFormatter(lambda x, _: f"{x:,.0f}"))
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
        plt.close(fig)
    return buf.getvalue()


def _panel(ax, title: str, data: list, formatter):
    from matplotlib.ticker import MaxNLocator
    values = [float(v) for _, v in data]  # drawing only: the totals themselves stay exact
    ax.barh(range(len(data)), values, color=["#c0392b" if v > 0 else "#2471a3" for v in values])
    ax.set_yticks(range(len(data)), [name for name, _ in data], fontsize=8)
    ax.axvline(0, color="#444", linewidth=0.8)
    ax.xaxis.set_major_formatter(formatter)
    ax.xaxis.set_major_locator(MaxNLocator(5))  # a few ticks: long figures must not overlap
    ax.set_title(title, loc="left", fontsize=9)
    lo, hi = min(values + [0.0]), max(values + [0.0])
    pad = 0.22 * (hi - lo or 1)
    ax.set_xlim(lo - (pad if lo < 0 else 0), hi + (pad if hi > 0 else 0))  # room for the figures
    for i, (_, v) in enumerate(data):
        ax.annotate(f"{v:+,.2f}", (float(v), i), xytext=(3 if v >= 0 else -3, 0), textcoords="offset points",
                    ha="left" if v >= 0 else "right", va="center", fontsize=7)


def write(roll: dict, labels: Labels, path: Path) -> Path | None:
    fmt = "png" if path.suffix.lower() == ".png" else "svg"
    data = render(roll, labels, fmt)
    if data is None:
        return None
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise Fail(OUTPUT_ERROR, f"cannot write {path}: {exc.strerror}") from None
    return path
