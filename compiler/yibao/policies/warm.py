"""Calculators served from the cache: a notice whose sources (its file, the notices it implements,
the libraries they use, the notices' texts) hash to a key the cache holds comes back as its
generated code, with no parsing, no checking and no code generation.

The entry is written the first time a checked program's calculator is generated (by `yibao eval`
or `yibao compile`), so a notice with errors is never cached: it is checked again every time.
"""
from __future__ import annotations

import marshal

from ..base import cache

_KIND = "calculator"


class CachedProgram:
    """A checked program as the cache knows it: its document number, decisions and generated code.
    Ask it anything else (the facts, the rules) and it loads the program itself: parsed and checked."""

    def __init__(self, entry: dict, load):
        self.document = entry["document"]
        self.decisions = list(entry["decisions"])
        self._entry, self._load, self._program = entry, load, None

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if self._program is None:
            self._program = self._load()
        return getattr(self._program, name)


def cached(ps, notice: str, load):
    """The notice's CachedProgram if the cache holds its sources' key, else `load()`, marked."""
    k = _key(ps, notice)
    entry = cache.load(_KIND, k) if k else None
    if isinstance(entry, dict) and entry.get("key") == k:
        return CachedProgram(entry, load)
    if k:  # an empty cache: the calculator the wheel shipped, if it is what would be generated now
        from .bundle import entry as bundled
        entry = bundled(ps, notice)
        if entry is not None:
            return CachedProgram(entry, load)
    return mark(ps, notice, load(), k)


def mark(ps, notice: str, program, k: str | None = None):
    """The program, marked with its sources' key so that its calculator is stored once generated."""
    k = k or _key(ps, notice)
    if k:
        program.__dict__["_cache_key"] = k
    return program


def _key(ps, notice: str) -> str | None:
    if not cache.enabled() or not ps.from_disk:
        return None
    header = ps.index.find(notice)
    return cache.key(*ps.index.key_parts(header)) if header is not None else None


def source(program) -> str:
    """The generated calculator's source (what `yibao compile` writes)."""
    if isinstance(program, CachedProgram):
        bundled = program._entry.get("bundled")
        return bundled.read_text(encoding="utf-8") if bundled else program._entry["source"]
    return _generate(program)[0]


def code(program):
    """The generated calculator's code object, ready to exec."""
    if isinstance(program, CachedProgram):
        bundled = program._entry.get("bundled")
        if bundled:
            from .bundle import code as bundled_code
            return bundled_code(bundled)
        return marshal.loads(program._entry["code"])
    return _generate(program)[1]


def module(program):
    """The generated calculator loaded as a module, once per program: the analyses and `yibao eval`
    run the same code, stored in the cache the first time it is generated."""
    loaded = program.__dict__.get("_generated")
    if loaded is None:
        from ..backends.targets import target
        loaded = program.__dict__["_generated"] = target("python").load(program, code(program))
    return loaded


def analyze(program) -> list:
    """The analyses' findings, run on the program's calculator loaded as `yibao eval` loads it (from
    the cache where the program carries its sources' key), once for every analysis."""
    from ..analysis.tables import analyze as run
    module(program)
    return run(program)


def _generate(program):
    from ..backends.targets import target
    python = target("python")
    text = python.generate(program)
    compiled = compile(text, python.filename(program), "exec")
    k = program.__dict__.get("_cache_key")
    if k:
        cache.store(_KIND, k, {"key": k, "document": program.document, "decisions": list(program.decisions),
                               "source": text, "code": marshal.dumps(compiled)})
    return text, compiled
