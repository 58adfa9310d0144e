"""The private cache itself (base/cache.py), fast and direct: the key (length-prefixed parts, the
compiler's fingerprint), the switches that turn it off, the directory no one else may write, an
entry written whole and read only when its digest and owner are right, and the pruning that keeps
the newest entries."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from yibao.base import cache


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A cache under tmp_path, switched on whatever the environment says."""
    monkeypatch.delenv("YIBAO_CACHE", raising=False)
    monkeypatch.delenv("YIBAO_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "yibao"


def test_the_key_length_prefixes_its_parts_and_follows_the_fingerprint(monkeypatch):
    monkeypatch.setattr(cache, "_FINGERPRINT", b"compiler one")
    k = cache.key(b"ab", b"c")
    assert len(k) == 64 and int(k, 16) >= 0
    assert k == cache.key(b"ab", b"c")
    assert k != cache.key(b"a", b"bc") and k != cache.key(b"abc") and k != cache.key(b"c", b"ab")
    assert cache.key() != cache.key(b"")
    monkeypatch.setattr(cache, "_FINGERPRINT", b"compiler two")
    assert cache.key(b"ab", b"c") != k


def test_the_fingerprint_holds_the_version_the_python_and_the_compiler_files(monkeypatch):
    import sys
    monkeypatch.setattr(cache, "_FINGERPRINT", None)
    lines = cache._compiler_fingerprint().decode().split("\n")
    assert cache._compiler_fingerprint() is cache._FINGERPRINT  # computed once
    assert lines[0] == cache.__version__ and lines[1] == sys.version.split("\n")[0]
    files = [line.rsplit(":", 2)[0] for line in lines if line.endswith(tuple("0123456789")) and ":" in line]
    assert "base/cache.py" in files and "language/yibao.lark" in files and "cli.py" in files
    # no _policies (data), no __pycache__, nothing but Python and grammar files
    assert not [f for f in files if any(d.startswith("_") for d in f.split("/")[:-1]) or not f.endswith((".py", ".lark"))]
    assert "runtime/core.py" in files and "__init__.py" in files


@pytest.mark.parametrize("value, on", [("", True), ("1", True), ("yes", True), ("0", False), ("off", False),
                                       (" Off ", False), ("no", False), ("FALSE", False)])
def test_yibao_cache_turns_it_off(monkeypatch, value, on):
    monkeypatch.delenv("YIBAO_NO_CACHE", raising=False)
    monkeypatch.setenv("YIBAO_CACHE", value)
    assert cache.enabled() is on


def test_yibao_no_cache_turns_it_off(home, monkeypatch):
    monkeypatch.setenv("YIBAO_NO_CACHE", "1")
    assert cache.enabled() is False and cache.private_cache_dir() is None
    cache.store("k", "a" * 64, 1)
    assert not home.exists()


def test_the_directory_is_made_private(home):
    assert cache.private_cache_dir() == home
    assert home.stat().st_mode & 0o777 == 0o700


def test_a_relative_cache_home_is_no_cache(home, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")
    assert cache.private_cache_dir() is None


@pytest.mark.parametrize("mode", [0o750, 0o705, 0o770, 0o777, 0o701, 0o710])
def test_a_directory_others_can_enter_or_write_is_no_cache(home, mode):
    home.mkdir(mode=0o700)
    home.chmod(mode)
    assert cache.private_cache_dir() is None


def test_a_parser_cache_others_can_write_is_no_cache(home):
    home.mkdir(mode=0o700)
    grammar = home / "grammar.lark-cache"
    grammar.write_bytes(b"x")
    grammar.chmod(0o600)
    assert cache.private_cache_dir() == home
    grammar.chmod(0o622)
    assert cache.private_cache_dir() is None


def test_a_cache_directory_that_is_a_file_is_no_cache(home):
    home.write_bytes(b"not a directory")
    assert cache.private_cache_dir() is None


def test_an_entry_is_read_back_by_kind_and_key(home):
    cache.store("calc", "a" * 64, {"x": [1, 2]})
    assert cache.load("calc", "a" * 64) == {"x": [1, 2]}
    assert cache.load("calc", "b" * 64) is None and cache.load("other", "a" * 64) is None
    entry = home / f"calc-{'a' * 64}.pickle"
    assert entry.stat().st_mode & 0o777 == 0o600
    assert not [p for p in home.iterdir() if p.name.endswith(".tmp")]


def damage_truncate(data):
    return data[:-1]


def damage_flip(data):
    return data[:-1] + bytes([data[-1] ^ 1])


def damage_magic(data):
    return b"x" + data[1:]


def damage_digest(data):
    head = len(cache._MAGIC)
    return data[:head] + (b"0" if data[head:head + 1] != b"0" else b"1") + data[head + 1:]


@pytest.mark.parametrize("damage", [damage_truncate, damage_flip, damage_magic, damage_digest])
def test_a_damaged_entry_is_a_miss(home, damage):
    cache.store("calc", "a" * 64, list(range(50)))
    entry = home / f"calc-{'a' * 64}.pickle"
    entry.write_bytes(damage(entry.read_bytes()))
    assert cache.load("calc", "a" * 64) is None


def test_an_entry_that_is_not_a_pickle_but_has_a_right_digest_is_a_miss(home):
    import hashlib
    home.mkdir(mode=0o700)
    payload = b"not a pickle"
    entry = home / f"calc-{'a' * 64}.pickle"
    entry.write_bytes(cache._MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
    entry.chmod(0o600)
    assert cache.load("calc", "a" * 64) is None


@pytest.mark.parametrize("mode", [0o620, 0o602])
def test_an_entry_others_can_write_is_never_loaded(home, mode):
    cache.store("calc", "a" * 64, 7)
    entry = home / f"calc-{'a' * 64}.pickle"
    entry.chmod(mode)
    assert cache.load("calc", "a" * 64) is None
    for harmless in (0o644, 0o755, 0o711, 0o600):  # others may read or run it: that is no danger
        entry.chmod(harmless)
        assert cache.load("calc", "a" * 64) == 7


def test_a_link_is_never_followed(home, tmp_path):
    cache.store("calc", "a" * 64, 7)
    real = home / f"calc-{'a' * 64}.pickle"
    (home / f"calc-{'b' * 64}.pickle").symlink_to(real)
    assert cache.load("calc", "b" * 64) is None


def test_what_cannot_be_pickled_is_not_stored(home):
    cache.store("calc", "a" * 64, lambda: 1)
    assert cache.load("calc", "a" * 64) is None
    assert not [p for p in home.iterdir() if p.suffix in (".pickle", ".tmp")]


def test_only_the_newest_entries_are_kept(home, monkeypatch):
    monkeypatch.setattr(cache, "_KEEP", 3)
    for i in range(3):
        cache.store("calc", f"{i}" * 64, i)
        p = home / f"calc-{str(i) * 64}.pickle"
        os.utime(p, ns=(time.time_ns(), 1_000_000_000 * (i + 1)))
    assert len(list(home.glob("*.pickle"))) == 3  # at the bound: nothing removed
    cache.store("calc", "9" * 64, 9)
    kept = sorted(p.name[5:6] for p in home.glob("*.pickle"))
    assert kept == ["1", "2", "9"]  # the oldest (0) went
    (home / "notes.txt").write_text("not an entry")
    cache.store("calc", "8" * 64, 8)
    assert sorted(p.name[5:6] for p in home.glob("*.pickle")) == ["2", "8", "9"]
    assert (home / "notes.txt").exists()


def test_the_cache_directory_is_made_with_the_folders_above_it(home, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "not" / "yet"))  # a fresh home has no ~/.cache
    d = cache.private_cache_dir()
    assert d == home / "not" / "yet" / "yibao" and d.is_dir()


def test_the_newest_256_entries_are_kept(home):
    for i in range(cache._KEEP + 1):
        cache.store("calc", f"{i:064d}", i)
        os.utime(home / f"calc-{i:064d}.pickle", ns=(time.time_ns(), 1_000_000_000 * (i + 1)))
    names = sorted(p.name for p in home.glob("*.pickle"))
    assert cache._KEEP == 256 and len(names) == 256 and names[0] == f"calc-{1:064d}.pickle"


def test_a_file_that_cannot_be_read_is_skipped_and_the_rest_still_count(tmp_path):
    """An editor's lock file (`.#checker.py`, a dangling link) in the package does not end the walk:
    every module after it still counts in the fingerprint."""
    import shutil
    import subprocess
    import sys
    package = tmp_path / "yibao"
    shutil.copytree(Path(cache.__file__).resolve().parent.parent, package, symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (package / "base" / ".#a.py").symlink_to(tmp_path / "gone")
    out = subprocess.run([sys.executable, "-c", "from yibao.base import cache; print(cache._compiler_fingerprint().decode())"],
                         env={**os.environ, "PYTHONPATH": str(tmp_path)}, capture_output=True, text=True, timeout=60)
    files = [line.rsplit(":", 2)[0] for line in out.stdout.splitlines()]
    assert "base/cache.py" in files and ".#a.py" not in " ".join(files), out.stderr


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a folder away needs root (CI is)")
def test_a_cache_directory_someone_else_owns_is_no_cache(home):
    home.mkdir(mode=0o700, exist_ok=True)
    os.chown(home, 4321, -1)  # private, a directory, but not ours
    assert cache.private_cache_dir() is None
