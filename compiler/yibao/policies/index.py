"""A policy directory read without parsing: each file's header found by pattern (the notice it
declares and what that implements, or the library it is, and the libraries it uses), so that the
files one notice needs can be named, and hashed for the cache, before anything is parsed.

The patterns only ever narrow what is parsed or decide a cache key; where a file does not read
plainly (no header found, or two), the key takes its whole text, so a surprise costs a cache miss,
never a stale answer.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from ..base import MAX_SOURCE_BYTES


# Generous on purpose: a `use` or `library` word anywhere (a comment, a note) only adds a file to
# parse and hash; a missed one would leave a needed file out, so nothing is anchored but the header.
# Between a keyword and its name the parser skips comments as well as blanks, so the patterns do too
# (`use # note` on one line and the name on the next is still that `use`).
_GAP = r"(?:\s|#[^\n]*(?![^\n]))"
_NOTICE = re.compile(rf"^[ \t]*notice{_GAP}+([^\s{{#]+){_GAP}*\{{([^}}]*)\}}", re.MULTILINE)
_NOTICE_WORD = re.compile(rf"(?<![\w.])notice{_GAP}+[^\s{{#]+{_GAP}*\{{")
_IMPLEMENTS = re.compile(rf"\bimplements{_GAP}+([^\s{{}}#]+)({_GAP}+external\b)?")
_LIBRARY = re.compile(rf"(?<![\w.])library{_GAP}+([^\s\"{{#]+)")
_USE = re.compile(rf"(?<![\w.])use{_GAP}+([^\s#]+)")


class Header:
    """A file's path and bytes, and what its header lines declare."""
    __slots__ = ("path", "data", "notice", "implements", "library", "uses", "plain")

    def __init__(self, path: str, data: bytes, notice=None, implements=None, library=None, uses=(), plain=True):
        self.path, self.data, self.notice, self.implements = path, data, notice, implements
        self.library, self.uses = library, uses
        self.plain = plain  # one notice or one library header found

    @classmethod
    def read(cls, path: Path) -> "Header":
        try:
            with open(path, "rb") as f:
                data = f.read(MAX_SOURCE_BYTES + 1)  # a larger file is an error anyway (source.py)
        except OSError as exc:
            return cls(str(path), f"unreadable: {exc}".encode(), plain=False)
        text = data.decode("utf-8", "replace")
        notices, libraries = _NOTICE.findall(text), _LIBRARY.findall(text)
        implements = _IMPLEMENTS.search(notices[0][1]) if notices else None
        # plain: one header, all of it read (a `}` inside a header string could hide its `implements`)
        plain = len(notices) + len(libraries) == 1 and len(_NOTICE_WORD.findall(text)) == len(notices) \
            and (implements is not None or not notices or "implements" not in text)
        return cls(str(path), data, notices[0][0] if notices else None,
                   implements.group(1) if implements and not implements.group(2) else None,
                   libraries[0] if libraries else None, tuple(_USE.findall(text)), plain)


class SourceIndex:
    """The `*.policy` files of a directory (and extra files), each with its header."""

    def __init__(self, directory: Path, extra=()):
        self.directory = directory
        files = policy_files(directory)
        seen = {f.resolve() for f in files}
        files += [Path(p) for p in extra if Path(p).resolve() not in seen]
        self.headers = [Header.read(f) for f in files]
        self.by_notice: dict[str, Header] = {}
        for h in self.headers:
            if h.notice:
                self.by_notice.setdefault(h.notice, h)  # the first in path order, as PolicySet does

    def find(self, notice: str) -> Header | None:
        """The file of a document number or a policy file's path (None if neither is here)."""
        if notice in self.by_notice:
            return self.by_notice[notice]
        p = Path(notice)
        if p.is_file():
            target = p.resolve()
            for h in self.headers:
                if Path(h.path).resolve() == target:
                    return h
            h = Header.read(p)
            self.headers.append(h)
            return h
        return None

    def needed(self, start: Header) -> list[Header]:
        """The notice's file, every file declaring a notice it implements (transitively: the one that
        parses is the one used) and every library file they use."""
        out, todo = [], [start] + [x for x in self.headers if start.notice and x.notice == start.notice]
        while todo:
            h = todo.pop()
            if any(h is x for x in out):
                continue
            out.append(h)
            if h.implements:
                todo += [x for x in self.headers if x.notice == h.implements]
        used, todo = set(), [u for h in out for u in h.uses]
        while todo:  # a library may use another
            u = todo.pop()
            if u not in used:
                used.add(u)
                todo += [v for h in self.headers if h.library == u for v in h.uses]
        return out + [h for h in self.headers if h.library in used and not any(h is x for x in out)]

    def key_parts(self, start: Header, relative_to: Path | None = None) -> list[bytes]:
        """What a notice's checked program depends on: the whole text of every file it needs, of every
        notice text, and of any file whose header does not read plainly; of the others only what they
        declare (a second copy of a document number is an error in every notice it touches). Paths as
        read, or relative to `relative_to` (the bundle's key: the same in a build and an install)."""
        def name(h: Header) -> bytes:
            path = os.path.relpath(h.path, relative_to) if relative_to is not None else h.path
            return path.encode("utf-8", "surrogateescape")
        needed = self.needed(start)
        every = not all(h.plain for h in needed)  # what it needs is not plain: then every file, whole
        needed = {id(h) for h in needed}
        parts = [b"start", name(start)]
        for h in self.headers:
            parts.append(name(h))
            if every or id(h) in needed or not h.plain:
                parts.append(h.data)
            else:
                parts.append(f"{h.notice}|{h.implements}|{h.library}".encode())
        return parts + self._texts()

    def all_parts(self) -> list[bytes]:
        """What a check of the whole directory depends on: every file's path and text, and the texts."""
        parts = [b"all"]
        for h in self.headers:
            parts += [h.path.encode("utf-8", "surrogateescape"), h.data]
        return parts + self._texts()

    def _texts(self) -> list[bytes]:
        parts = []
        texts = self.directory / "texts"
        for f in sorted(texts.glob("*.txt")) if texts.is_dir() else ():
            parts.append(f.name.encode("utf-8", "surrogateescape"))
            try:
                parts.append(f.read_bytes())
            except OSError as exc:
                parts.append(f"unreadable: {exc}".encode())
        return parts


def policy_files(directory: Path) -> list[Path]:
    """Every `*.policy` file under the directory, in path order."""
    return sorted(f for f in directory.rglob("*.policy") if f.is_file()) if directory.is_dir() else []
