"""The bundled notices' calculators, generated when the wheel is built (setup.py) and byte-compiled by
pip when it is installed, so that the first `yibao eval` of a bundled notice, with an empty cache,
neither parses, checks nor generates: it imports the calculator as `yibao eval` would from its cache.

A bundled calculator is used only where it is exactly what would be generated now: its key hashes the
content of every compiler module and of the notice's sources, with their paths relative to the policy
directory (so the key is the same at build time and wherever the wheel is installed). Any edit, to a
policy or to yibao, is another key, and the notice is compiled as if there were no bundle. The key of
the private cache (base/cache.py) hashes file dates and absolute paths instead, which are cheaper to
read but not the same in a build and an install.

    python -m yibao.policies.bundle_write OUT_DIR [POLICY_DIR]   # what setup.py runs (OUT_DIR: yibao/_bundled)
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from .. import __version__
from ..base.cache import compiler_files, package_dir
from ..base.cache import key as cache_key  # (key: this module's own)

PACKAGE = package_dir()
_DIRECTORY = PACKAGE / "_bundled"
MANIFEST = "manifest.txt"  # a line per notice: key, module file, document number, decisions (tab-separated)
_CONTENT: bytes | None = None


def _content_fingerprint() -> bytes:
    """The version, the Python's version and every module and grammar file of yibao by content."""
    global _CONTENT
    if _CONTENT is None:
        h = hashlib.sha256(f"{__version__}\n{sys.version_info[:2]}\n".encode())
        for rel, path in compiler_files((".py", ".lark", ".js")):
            with open(path, "rb") as f:
                data = f.read()
            h.update(rel.encode("utf-8", "surrogateescape") + b"\0" + len(data).to_bytes(8, "big") + data)
        _CONTENT = h.digest()
    return _CONTENT


def key(ps, header) -> str:
    """The notice's bundle key: yibao's content and its sources', paths relative to the directory."""
    return cache_key(*ps.index.key_parts(header, relative_to=ps.directory), compiler=_content_fingerprint())


def entry(ps, notice: str) -> dict | None:
    """The bundled calculator of the notice as a cache entry (warm.CachedProgram), or None. (Asked only
    where the private cache has a key: policies read from their files.)"""
    manifest = _DIRECTORY / MANIFEST
    if not manifest.is_file():
        return None
    header = ps.index.find(notice)
    if header is None:
        return None
    k = key(ps, header)
    for line in manifest.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if fields[0] == k:
            return {"key": k, "document": fields[2], "decisions": fields[3:], "bundled": _DIRECTORY / fields[1]}
    return None


def code(path: Path):
    """A bundled module's code object, from the bytecode pip wrote when it installed the wheel."""
    from importlib.machinery import SourceFileLoader
    return SourceFileLoader(f"yibao._bundled.{path.stem}", str(path)).get_code(None)
