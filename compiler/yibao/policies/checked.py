"""`yibao check`'s findings from the cache, keyed by every policy file and notice text the check
reads, the files asked for and the compiler (cache.key): a check of unchanged policies (CI again,
a pre-commit hook) gives the same report without parsing or analysing anything. After an edit, each
notice's analyses (most of a cold check) are reused where that notice's own sources did not change,
so editing one district's notice re-analyses that notice alone. docs/cli.md gives the numbers."""
from __future__ import annotations

from ..base import cache

_KIND, _ANALYSIS = "check", "analysis"


def collect(ps, files, run, invariants: dict | None = None):
    """`run(ps, files)`'s file → diagnostics, from the cache when the same sources were checked.
    Given `invariants`, `run(ps, files, invariants=…)` fills it (notice → how each of its invariants
    was settled), and a check from the cache fills it too."""
    wanted = invariants is not None
    if not wanted:
        invariants, go = {}, run
    else:
        def go(ps, files):
            return run(ps, files, invariants=invariants)
    if not cache.enabled() or not ps.from_disk:
        return go(ps, files)
    k = cache.key(*ps.index.all_parts(), b"files", *(str(f).encode("utf-8", "surrogateescape") for f in files),
                  b"directory", str(ps.directory).encode("utf-8", "surrogateescape"))
    entry = cache.load(_KIND, k)
    if isinstance(entry, dict) and entry.get("key") == k and (not wanted or "invariants" in entry):
        invariants.update(entry.get("invariants", {}))
        return entry["by_file"]
    by_file = go(ps, files)
    cache.store(_KIND, k, {"key": k, "by_file": by_file, **({"invariants": invariants} if wanted else {})})
    return by_file


def analyze(ps, path: str, program, run, statuses=None) -> tuple[list, list]:
    """(`run(program)`'s findings, `statuses(program)` after it: how each invariant was settled) for
    the notice at `path`, from the cache when its sources are unchanged."""
    header = ps.index.find(path) if cache.enabled() and ps.from_disk else None

    def fresh():
        diags = run(program)
        return diags, (statuses(program) if statuses else [])
    if header is None:
        return fresh()
    k = cache.key(b"analysis", *ps.index.key_parts(header))
    entry = cache.load(_ANALYSIS, k)
    if isinstance(entry, dict) and entry.get("key") == k and "invariants" in entry:
        return entry["diagnostics"], entry["invariants"]
    diags, found = fresh()
    cache.store(_ANALYSIS, k, {"key": k, "diagnostics": diags, "invariants": found})
    return diags, found
