"""A private on-disk cache: generated calculators and check results, keyed by a hash of the sources
they come from (see `sources.py`), the yibao version and a fingerprint of the compiler itself.

An entry is a pickle, and loading a pickle runs code, so (like the parser's tables in parse.py) the
cache lives only in a directory no one else can write, and each file is opened without following
links and read only if this user owns it and no one else can write it. Each entry carries a digest
of its payload: a corrupt or partly written file is a miss, never an error. Writes go to a temporary
file renamed into place, so a reader never sees half an entry.

`YIBAO_CACHE=0` turns every cache off (this one and the parser's); so does `YIBAO_NO_CACHE`.
This module imports nothing heavy: it is on the warm path of `yibao eval`.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
from pathlib import Path

from .. import __version__

_MAGIC = b"yibao-cache 1\n"
_KEEP = 256  # entries; older ones are removed when a new one is written


def enabled() -> bool:
    if os.environ.get("YIBAO_NO_CACHE"):
        return False
    return os.environ.get("YIBAO_CACHE", "").strip().lower() not in ("0", "off", "no", "false")


def private_cache_dir() -> Path | None:
    """$XDG_CACHE_HOME/yibao (or ~/.cache/yibao), created 0700; None unless it and the parser's cache
    file in it are owned by this user and writable by no one else (then nothing is cached)."""
    if not hasattr(os, "getuid") or not enabled():
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):
        return None
    d = Path(base) / "yibao"
    try:
        d.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(d)
        if not _ours(st) or not stat.S_ISDIR(st.st_mode) or st.st_mode & 0o077:
            return None
        try:
            if not _ours(os.lstat(d / "grammar.lark-cache")):
                return None
        except FileNotFoundError:  # (not written yet)
            pass
    except OSError:
        return None
    return d


def _ours(st: os.stat_result) -> bool:
    return st.st_uid == os.getuid() and not st.st_mode & 0o022 and not stat.S_ISLNK(st.st_mode)


def key(*parts: bytes, compiler: bytes | None = None) -> str:
    """A hash of the parts (each length-prefixed, so no two splits collide), the version and the compiler
    (`compiler`: its fingerprint; by default its files' sizes and dates, _compiler_fingerprint)."""
    h = hashlib.sha256(_compiler_fingerprint() if compiler is None else compiler)
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


_FINGERPRINT: bytes | None = None


def _compiler_fingerprint() -> bytes:
    """The version, the Python, and every module and grammar file of yibao by size and modification
    time: a working copy whose compiler changed never reads what an older compiler wrote."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        parts = [__version__, sys.version]
        for rel, path in compiler_files((".py", ".lark")):
            try:
                st = os.stat(path)
            except OSError:  # gone, or a dangling link (an editor's lock file): the rest still count
                continue
            parts.append(f"{rel}:{st.st_size}:{st.st_mtime_ns}")
        _FINGERPRINT = "\n".join(parts).encode("utf-8", "surrogateescape")
    return _FINGERPRINT


def package_dir() -> Path:
    """The whole package, not base/ alone (read when asked: a test points `__file__` at a copy)."""
    return Path(__file__).resolve().parent.parent


def compiler_files(suffixes: tuple):
    """(path relative to the package, path) of each of yibao's files with these suffixes, in a fixed
    order; not in `_` folders, which hold data (the notices, the cases, the wheel's bundle)."""
    root = package_dir()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and not d.startswith("_"))
        for name in sorted(filenames):
            if name.endswith(suffixes):
                path = os.path.join(dirpath, name)
                yield os.path.relpath(path, root), path


def _path(kind: str, k: str) -> Path | None:
    d = private_cache_dir()
    return d / f"{kind}-{k}.pickle" if d else None


def load(kind: str, k: str):
    """The value stored under (kind, key), or None: missing, not ours, corrupt or unreadable."""
    path = _path(kind, k)
    if path is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode) or not _ours(st):
                return None
            data = f.read()
    except OSError:
        return None
    head = len(_MAGIC)
    digest, payload = data[head:head + 64], data[head + 65:]
    if not data.startswith(_MAGIC) or hashlib.sha256(payload).hexdigest().encode() != digest:
        return None
    try:
        return pickle.loads(payload)
    except Exception:  # an entry of an older layout: a miss, rewritten on the next store
        return None


def store(kind: str, k: str, value) -> None:
    """Write an entry atomically; a cache that cannot be written is no cache, never an error."""
    path = _path(kind, k)
    if path is None:
        return
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return
    _prune(path.parent)


def _prune(d: Path) -> None:
    """Keep the newest entries: every edit of a policy makes a new key, and old ones are never read."""
    try:
        entries = [p for p in d.iterdir() if p.suffix == ".pickle"]
        if len(entries) <= _KEEP:
            return
        entries.sort(key=lambda p: p.stat().st_mtime)
        for p in entries[:len(entries) - _KEEP]:
            p.unlink()
    except OSError:
        pass
