"""The columnar module from the cache, as warm.py serves the calculator: under the key of the notice's
sources and the compiler, so that `yibao eval NOTICE --cases ROLL --output RESULTS` of an unchanged
notice neither parses, checks nor generates (without it that was 0.9 s of a roll's start).

A program that carries no key (not read from disk, or the cache off) is generated afresh each time.
"""
from __future__ import annotations

import marshal

from ..base import cache

_KIND = "columnar"


def load(program):
    """The notice's columnar module (backends/numpy/), from the cache where it holds it."""
    from ..backends.targets import target
    to_numpy = target("numpy")
    k = _key(program)
    entry = cache.load(_KIND, k) if k else None
    if isinstance(entry, dict) and entry.get("key") == k:
        return to_numpy.load(program, marshal.loads(entry["code"]))
    code = compile(to_numpy.generate(program), to_numpy.filename(program), "exec")
    if k:
        cache.store(_KIND, k, {"key": k, "code": marshal.dumps(code)})
    return to_numpy.load(program, code)


def _key(program) -> str | None:
    from .warm import CachedProgram
    if isinstance(program, CachedProgram):
        return program._entry["key"]
    return program.__dict__.get("_cache_key")
