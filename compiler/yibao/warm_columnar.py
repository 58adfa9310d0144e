"""The columnar module from the cache, as warm.py serves the calculator: under the key of the notice's
sources and the compiler, so that `yibao eval NOTICE --cases ROLL --output RESULTS` of an unchanged
notice neither parses, checks nor generates (without it that was 0.9 s of a roll's start).

A program that carries no key (not read from disk, or the cache off) is generated afresh each time.
"""
from __future__ import annotations

import marshal
import sys
import types

from . import cache

_KIND = "columnar"


def load(program):
    """The notice's columnar module (backends/numpy.py's), exec'd as backends.numpy.load would."""
    k = _key(program)
    entry = cache.load(_KIND, k) if k else None
    filename = f"<yibao columnar {program.document}>"
    if isinstance(entry, dict) and entry.get("key") == k:
        code = marshal.loads(entry["code"])
    else:
        from .backends import numpy as to_numpy
        code = compile(to_numpy.generate(program), filename, "exec")
        if k:
            cache.store(_KIND, k, {"key": k, "code": marshal.dumps(code)})
    module = types.ModuleType(f"yibao_columnar_{abs(hash(program.document))}")
    module.__file__ = filename
    sys.modules[module.__name__] = module
    exec(code, module.__dict__)
    return module


def _key(program) -> str | None:
    from .warm import CachedProgram
    if isinstance(program, CachedProgram):
        return program._entry["key"]
    return program.__dict__.get("_cache_key")
