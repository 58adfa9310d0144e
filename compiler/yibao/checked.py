"""`yibao check`'s findings from the cache, keyed by every policy file and notice text the check
reads, the files asked for and the compiler (cache.key): a check of unchanged policies (CI again,
a pre-commit hook, an editor saving another file) gives the same report without parsing or
analysing anything. The analyses are most of a cold check; docs/cli.md gives both numbers."""
from __future__ import annotations

from . import cache

_KIND = "check"


def collect(ps, files, run):
    """`run(ps, files)`'s file → diagnostics, from the cache when the same sources were checked."""
    if not cache.enabled():
        return run(ps, files)
    k = cache.key(*ps.index.all_parts(), b"files", *(str(f).encode("utf-8", "surrogateescape") for f in files),
                  b"directory", str(ps.directory).encode("utf-8", "surrogateescape"))
    entry = cache.load(_KIND, k)
    if isinstance(entry, dict) and entry.get("key") == k:
        return entry["by_file"]
    by_file = run(ps, files)
    cache.store(_KIND, k, {"key": k, "by_file": by_file})
    return by_file
