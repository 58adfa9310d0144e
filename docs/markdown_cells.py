"""Text made safe for a Markdown table cell."""
from __future__ import annotations


def _cell(text) -> str:
    if text is None:
        return ""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def _code(text) -> str:
    text = _cell(text)
    return f"`{text}`" if text else ""


def _indent(text: str, n: int = 4) -> str:
    return "\n".join((" " * n + line) if line else line for line in text.splitlines())
