"""The cache of calculators and check results (issue 11): a warm run answers exactly as a cold one,
an edit to any source the notice needs is a miss, and a cache file that is corrupt, partial or not
ours is never loaded."""
from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys

import pytest

from conftest import POLICIES, ROOT

JLP = "九龙坡医保发〔2023〕46号"
CASE = '{"group": "student", "tier": 2, "payment_date": "2023-11-01"}'


def yibao(*argv, cache, cwd=ROOT, stdin=None, **env):
    full = {k: v for k, v in os.environ.items() if not k.startswith("YIBAO_")}
    full.update({"XDG_CACHE_HOME": str(cache), **env})
    return subprocess.run([sys.executable, "-m", "yibao.cli", *map(str, argv)], cwd=cwd, env=full, input=stdin,
                          capture_output=True, text=True, timeout=300)


def entries(cache, kind):
    d = cache / "yibao"
    return sorted(d.glob(f"{kind}-*.pickle")) if d.is_dir() else []


@pytest.fixture
def policies(tmp_path):
    d = tmp_path / "policies"
    shutil.copytree(POLICIES, d)
    return d


@pytest.fixture
def two(tmp_path):
    """A smaller directory for the checks (each analysis takes seconds): 24号 and 峰岩, which implements it."""
    d = tmp_path / "two"
    shutil.copytree(POLICIES / "lib", d / "lib")
    shutil.copytree(POLICIES / "texts", d / "texts")
    for name in ("chongqing-2024.policy", "fengyan-2024.policy"):
        shutil.copy(POLICIES / name, d / name)
    return d


def test_a_warm_eval_answers_as_a_cold_one_and_skips_the_parser(tmp_path, policies):
    cache = tmp_path / "cache"
    cold = yibao("--policies", policies, "eval", JLP, "--case", "-", cache=cache, stdin=CASE)
    assert cold.returncode == 0 and len(entries(cache, "calculator")) == 1
    script = ("import sys; from yibao.cli import main; code = main(sys.argv[1:]); "
              "print(sorted(m for m in ('lark', 'jsonschema', 'yibao.check', 'yibao.ir.nodes') if m in sys.modules), "
              "file=sys.stderr); raise SystemExit(code)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("YIBAO_")}
    warm = subprocess.run([sys.executable, "-c", script, "--policies", str(policies), "eval", JLP, "--case", "-"],
                          env={**env, "XDG_CACHE_HOME": str(cache)}, input=CASE, capture_output=True, text=True,
                          timeout=300)
    assert (warm.returncode, warm.stdout) == (0, cold.stdout)
    assert warm.stderr.strip() == "[]"  # nothing parsed, checked or generated
    # compile from the cache writes the very module a cold compile writes
    out1, out2 = tmp_path / "warm.py", tmp_path / "cold.py"
    assert yibao("--policies", policies, "compile", JLP, "-o", out1, cache=cache).returncode == 0
    assert yibao("--policies", policies, "compile", JLP, "-o", out2, cache=cache, YIBAO_CACHE="0").returncode == 0
    assert out1.read_text(encoding="utf-8") == out2.read_text(encoding="utf-8")


@pytest.mark.parametrize("edit", ["notice", "parent", "library", "text"])
def test_an_edit_to_any_source_the_notice_needs_is_a_miss(tmp_path, policies, edit):
    cache = tmp_path / "cache"
    assert yibao("--policies", policies, "eval", JLP, "--case", "-", cache=cache, stdin=CASE).returncode == 0
    path = {"notice": policies / "jiulongpo-2024.policy", "parent": policies / "chongqing-2024.policy",
            "library": policies / "lib" / "resident.policy",
            "text": policies / "texts" / "渝医保发〔2023〕24号.txt"}[edit]
    with open(path, "a", encoding="utf-8") as f:
        f.write("\n# edited\n")
    assert yibao("--policies", policies, "eval", JLP, "--case", "-", cache=cache, stdin=CASE).returncode == 0
    assert len(entries(cache, "calculator")) == 2


def test_an_edit_elsewhere_keeps_the_entry(tmp_path, policies):
    cache = tmp_path / "cache"
    for _ in range(2):
        assert yibao("--policies", policies, "eval", JLP, "--case", "-", cache=cache, stdin=CASE).returncode == 0
        with open(policies / "tongnan-2023.policy", "a", encoding="utf-8") as f:
            f.write("\n# edited\n")
    assert len(entries(cache, "calculator")) == 1


def test_a_changed_figure_changes_the_answer(tmp_path, policies):
    """The control for the misses above: the parent notice (and its text) now print 726 for a
    student's second tier; a stale entry would still answer 725.00."""
    cache = tmp_path / "cache"
    ask = ("--policies", policies, "eval", JLP, "--case", "-", "--decision", "contribution")
    assert json.loads(yibao(*ask, cache=cache, stdin=CASE).stdout) == {"contribution": "725.00"}
    for path in (policies / "chongqing-2024.policy", policies / "texts" / "渝医保发〔2023〕24号.txt"):
        text = path.read_text(encoding="utf-8")
        assert "二档 725 元" in text
        path.write_text(text.replace("二档 725 元", "二档 726 元").replace("= 725 元", "= 726 元"), encoding="utf-8")
    after = yibao(*ask, cache=cache, stdin=CASE)
    assert (after.returncode, json.loads(after.stdout or "null")) == (0, {"contribution": "726.00"}), after.stderr


def test_a_warm_check_reports_exactly_what_a_cold_one_does(tmp_path, two):
    cache, policies = tmp_path / "cache", two
    path = policies / "chongqing-2024.policy"
    text = path.read_text(encoding="utf-8")
    assert "= 380 元" in text
    path.write_text(text.replace("= 380 元", "= 381 元", 1), encoding="utf-8")  # a figure the quote does not print
    runs = [yibao("--policies", policies, "check", "--format", fmt, cache=cache, **env)
            for fmt in ("text", "json") for env in ({"YIBAO_CACHE": "0"}, {}, {})]
    assert len(entries(cache, "check")) == 1  # one entry serves every format
    for cold, warm1, warm2 in (runs[:3], runs[3:]):
        assert cold.returncode == 1 and cold.stdout.strip()
        assert (warm1.returncode, warm1.stdout) == (warm2.returncode, warm2.stdout) == (cold.returncode, cold.stdout)


def _plant(path, marker, mode):
    class Plant:
        def __reduce__(self):
            return (open, (str(marker), "w"))
    import hashlib
    payload = pickle.dumps({"key": path.stem.split("-", 1)[1], "code": Plant()})
    path.write_bytes(b"yibao-cache 1\n" + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
    path.chmod(mode)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX only")
def test_an_entry_others_can_write_is_never_loaded(tmp_path, policies):
    cache, marker = tmp_path / "cache", tmp_path / "ran"
    ask = ("--policies", policies, "eval", JLP, "--case", "-")
    assert yibao(*ask, cache=cache, stdin=CASE).returncode == 0
    [entry] = entries(cache, "calculator")
    _plant(entry, marker, 0o666)
    assert yibao(*ask, cache=cache, stdin=CASE).returncode == 0 and not marker.exists()
    # the control: the same file, ours alone, is loaded (so the test above could fail)
    _plant(entry, marker, 0o600)
    yibao(*ask, cache=cache, stdin=CASE)
    assert marker.exists()


@pytest.mark.parametrize("damage", ["truncated", "flipped", "empty", "garbage"])
def test_a_corrupt_or_partial_entry_is_a_miss(tmp_path, policies, damage):
    cache = tmp_path / "cache"
    good = yibao("--policies", policies, "eval", JLP, "--case", "-", cache=cache, stdin=CASE)
    [entry] = entries(cache, "calculator")
    data = entry.read_bytes()
    entry.write_bytes({"truncated": data[:len(data) // 2], "flipped": data[:-10] + bytes([data[-10] ^ 1]) + data[-9:],
                       "empty": b"", "garbage": os.urandom(300)}[damage])
    again = yibao("--policies", policies, "eval", JLP, "--case", "-", cache=cache, stdin=CASE)
    assert (again.returncode, again.stdout, again.stderr) == (0, good.stdout, "")
    assert entry.read_bytes() == data  # rewritten whole


def test_yibao_cache_0_writes_nothing(tmp_path, policies):
    cache = tmp_path / "cache"
    r = yibao("--policies", policies, "eval", JLP, "--case", "-", cache=cache, stdin=CASE, YIBAO_CACHE="0")
    assert r.returncode == 0 and not entries(cache, "calculator") and not (cache / "yibao" / "grammar.lark-cache").exists()
    assert yibao("--policies", policies, "eval", JLP, "--case", "-", cache=cache, stdin=CASE).returncode == 0
    assert entries(cache, "calculator")  # the control


def test_after_an_edit_only_that_notice_is_analysed_again(tmp_path, two):
    cache, policies = tmp_path / "cache", two
    assert yibao("--policies", policies, "check", cache=cache).returncode == 0
    assert len(entries(cache, "analysis")) == 2  # one per notice
    path = policies / "fengyan-2024.policy"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    warm = yibao("--policies", policies, "check", "--format", "json", cache=cache)
    assert len(entries(cache, "analysis")) == 3  # fengyan's alone is new
    cold = yibao("--policies", policies, "check", "--format", "json", cache=cache, YIBAO_CACHE="0")
    assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout)
