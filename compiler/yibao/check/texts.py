"""The notices' own words, for verifying that every quoted citation occurs in its notice.

Texts live beside the policies as `texts/<document number>.txt`. The extracted texts carry layout
noise (spaces inside words, line breaks mid-sentence), so quotes are compared with all white
space removed from both sides.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..base.source import SourceFile, UnreadableSource

_WS = re.compile(r"\s+")


def squeeze(text: str) -> str:
    return _WS.sub("", text)


class NoticeTexts:
    def __init__(self, directory: Path | None):
        self.texts: dict[str, str] = {}
        self.raw: dict[str, str] = {}  # as extracted: its lines show where items and table rows start
        self.unreadable: dict[str, UnreadableSource] = {}  # document → why its text cannot be read
        if directory and directory.is_dir():
            for f in sorted(directory.glob("*.txt")):
                try:
                    self.raw[f.stem] = SourceFile.read(f).text
                except UnreadableSource as exc:  # an error for that notice only, not for every command
                    self.unreadable[f.stem] = exc
                    continue
                self.texts[f.stem] = squeeze(self.raw[f.stem])

    def has(self, document: str) -> bool:
        return document in self.texts

    def contains(self, document: str, quote: str) -> bool:
        q = squeeze(quote)
        return bool(q) and q in self.texts[document]

    def longest_prefix(self, document: str, quote: str) -> str:
        """The longest start of the quote that the notice does contain (to show where it departs)."""
        text, q = self.texts[document], squeeze(quote)
        lo, hi = 0, len(q)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if q[:mid] in text:
                lo = mid
            else:
                hi = mid - 1
        return q[:lo]
