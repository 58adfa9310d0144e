"""The roll diff's chart: the biggest money changes by group × tier × identities, as a bar chart
(matplotlib, the optional extra `[diff]`). SVG keeps its text as text, so the Chinese labels are drawn
by the reader's fonts; a PNG is drawn with the fonts this machine has."""
from __future__ import annotations

import io
import warnings
from decimal import Decimal
from pathlib import Path

from ..errors import BAD_INPUT, OUTPUT_ERROR, Fail
from .labels import Labels

TOP = 15
FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC",
         "DejaVu Sans", "sans-serif"]


def bars(roll: dict, labels: Labels) -> list[tuple[str, Decimal]]:
    """(label, total change in yuan) of the TOP biggest money rows, biggest first."""
    out = []
    for r in roll["groups"]:
        if r["kind"] != "money" or not r["changed"] or r["total"] in ("0.00", "-0.00"):
            continue
        who = " · ".join((labels.code("group", r["group"]), labels.code("tier", r["tier"]),
                          labels.codes("identities", r["identities"])))
        out.append((f"{labels.decision(r['decision'])} — {who}", Decimal(r["total"])))
    return out[:TOP]


def require():
    """Fail before the work where the chart cannot be drawn."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise Fail(BAD_INPUT, "the chart needs matplotlib: pip install 'yibao[diff]'") from None


def render(roll: dict, labels: Labels, fmt: str = "svg") -> bytes | None:
    """The chart as SVG or PNG bytes; None when no money changes."""
    data = bars(roll, labels)
    if not data:
        return None
    require()
    import logging
    import matplotlib
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # "findfont: … not found", per label
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    data.reverse()  # barh draws bottom up: the biggest on top
    with warnings.catch_warnings(), matplotlib.rc_context({"svg.fonttype": "none", "font.family": FONTS,
                                                            "svg.hashsalt": "yibao"}):
        warnings.simplefilter("ignore")  # glyphs this machine's fonts lack: the SVG keeps the text
        fig, ax = plt.subplots(figsize=(11, 0.45 * len(data) + 1.6))
        values = [float(v) for _, v in data]  # drawing only: the totals themselves stay exact
        ax.barh(range(len(data)), values, color=["#c0392b" if v > 0 else "#2471a3" for v in values])
        ax.set_yticks(range(len(data)), [name for name, _ in data], fontsize=8)
        ax.axvline(0, color="#444", linewidth=0.8)
        ax.set_xlabel("total change, yuan 合计变化（元）")
        ax.set_title(f"{roll['people']} people: the biggest money changes 变化最大的金额")
        for i, (_, v) in enumerate(data):
            ax.annotate(f"{v:+,.2f}", (float(v), i), xytext=(3 if v >= 0 else -3, 0), textcoords="offset points",
                        ha="left" if v >= 0 else "right", va="center", fontsize=7)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
        plt.close(fig)
    return buf.getvalue()


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
