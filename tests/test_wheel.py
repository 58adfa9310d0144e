"""The wheel carries the notices (issue 12): built from this checkout, installed into a fresh venv,
and run from a directory outside any checkout, `yibao` still knows every notice and compiles one.

Slow-ish (a wheel build and a venv, ~10 s), so marked `slow`, but in the default suite."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import lark
import pytest
import yaml

from conftest import POLICIES, ROOT
from yibao import __version__

JLP = "九龙坡医保发〔2023〕46号"
pytestmark = pytest.mark.slow

CASE = '{"group": "student", "tier": 2, "payment_date": "2023-11-01"}'


def _run(argv, cwd, env, stdin=None):
    r = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, input=stdin, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, f"{argv}: {r.stderr}"
    return r.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the venv's bin directory, an environment to run it in, a working directory outside the checkout)."""
    tmp = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("YIBAO_POLICIES", "PYTHONPATH")}
    # built from a copy: nothing is written into the checkout, and no stale build/ is packed
    src = tmp / "src"
    shutil.copytree(ROOT, src, symlinks=True, ignore=shutil.ignore_patterns(
        ".venv", ".git", "build", "dist", "site", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis",
        "node_modules"))
    # no build isolation: the test extra brings setuptools, so no index is needed to build
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
          "-w", tmp / "dist", src], src, env)
    wheel = next((tmp / "dist").glob("yibao-*.whl"))
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], tmp, env)
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel],
         tmp, env)
    # its dependencies from this environment's site-packages: a plain path, so the editable yibao
    # installed here (a .pth of its own) is not seen
    purelib = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp, env).strip()
    deps = {str(Path(lark.__file__).resolve().parent.parent), sysconfig.get_paths()["purelib"]}
    (Path(purelib) / "yibao-test-deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    work = tmp / "elsewhere"
    work.mkdir()
    env["XDG_CACHE_HOME"] = str(tmp / "cache")
    return venv / "bin", env, work


def test_the_installed_yibao_is_the_wheel_not_the_checkout(installed):
    bin_, env, work = installed
    where = _run([bin_ / "python", "-c", "import yibao.policies.directory as p; print(p.__file__); print(p.default_directory())"],
                 work, env).split("\n")
    assert str(bin_.parent) in where[0] and str(ROOT) not in where[0]
    assert str(bin_.parent) in where[1] and where[1].endswith("_policies")
    assert _run([bin_ / "yibao", "--version"], work, env).strip() == f"yibao {__version__}"


def test_the_installed_yibao_knows_every_notice(installed):
    bin_, env, work = installed
    listed = json.loads(_run([bin_ / "yibao", "notices", "--format", "json"], work, env))
    here = {p.name for p in POLICIES.glob("*.policy")}
    assert len(listed) == len(here) and JLP in {n["document"] for n in listed}
    table = _run([bin_ / "yibao", "notices"], work, env)
    assert JLP in table and "重庆市九龙坡区" in table


def test_the_installed_yibao_compiles_a_notice_that_runs_alone(installed):
    bin_, env, work = installed
    _run([bin_ / "yibao", "compile", JLP, "-o", "c.py"], work, env)
    decisions = _run([bin_ / "python", "-I", "-c", "import importlib.util as u; s = u.spec_from_file_location('c', 'c.py'); "
                      "m = u.module_from_spec(s); s.loader.exec_module(m); print(' '.join(m.DECISIONS))"], work, env)
    assert "amount_due" in decisions.split()
    usage = _run([bin_ / "python", "-I", "c.py", "--help"], work, env)
    assert JLP in usage and "--decision" in usage
    # the same answer as the checkout's, twice (the second from the cache)
    expected = _run([sys.executable, "-m", "yibao.cli", "eval", JLP, "--case", "-"], ROOT,
                    {**env, "YIBAO_CACHE": "0"}, stdin=CASE)
    for _ in range(2):
        assert _run([bin_ / "yibao", "eval", JLP, "--case", "-"], work, env, stdin=CASE) == expected


def test_the_installed_yibao_runs_the_shipped_conformance_cases(installed, tmp_path):
    """`yibao test` outside a checkout: the cases ship in the wheel, and a wrong expectation fails."""
    bin_, env, work = installed
    cases = sorted((ROOT / "conformance" / "cases").glob("*.yaml"))
    total = sum(len(yaml.safe_load(p.read_text(encoding="utf-8"))["cases"]) for p in cases)
    assert _run([bin_ / "yibao", "test"], work, env) == \
        f"yibao test: {total} cases in {len(cases)} files: {total} passed, 0 failed\n"
    text = (ROOT / "conformance" / "cases" / f"{JLP}.yaml").read_text(encoding="utf-8")
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(text.replace('amount_due: "38.00"', 'amount_due: "37.00"', 1), encoding="utf-8")
    r = subprocess.run([str(bin_ / "yibao"), "test", str(wrong)], cwd=work, env=env, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 1, r.stderr
    assert "  decision: amount_due\n  expected: 37.00\n  got:      38.00\n" in r.stdout
    assert r.stdout.endswith(" passed, 1 failed\n")


# ---- the bundled calculators (issue 23: a cold start that neither parses nor checks) -------------------
_LOADED = ("import sys, runpy; sys.argv = ['yibao'] + sys.argv[1:]\n"
           "try: runpy.run_module('yibao.cli', run_name='__main__')\n"
           "finally: print(sorted({m.split('.')[0] if m.startswith('lark') else m for m in sys.modules\n"
           "                       if m.startswith(('lark', 'yibao.language', 'yibao.check'))}), file=sys.stderr)\n")


def _cold_eval(bin_, env, work, tmp_path, *argv, stdin=CASE):
    """`yibao ARGV` with an empty cache: (its output, the parsing and checking modules it loaded)."""
    cache = tmp_path / f"cache{len(list(tmp_path.iterdir()))}"
    r = subprocess.run([str(bin_ / "python"), "-c", _LOADED, *map(str, argv)], cwd=work,
                       env={**env, "XDG_CACHE_HOME": str(cache)}, input=stdin, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    return r.stdout, r.stderr.strip().splitlines()[-1]


def test_the_wheel_bundles_every_notice_and_a_cold_eval_parses_nothing(installed, tmp_path):
    bin_, env, work = installed
    listed = json.loads(_run([bin_ / "yibao", "notices", "--format", "json"], work, env))
    site = Path(_run([bin_ / "python", "-c", "import yibao; print(yibao.__file__)"], work, env).strip()).parent
    manifest = (site / "_bundled" / "manifest.txt").read_text(encoding="utf-8").splitlines()
    assert sorted(line.split("\t")[2] for line in manifest) == sorted(n["document"] for n in listed)
    assert len(list((site / "_bundled" / "__pycache__").glob("n_*.pyc"))) == len(manifest)  # pip compiled them
    for notice in sorted(n["document"] for n in listed):
        out, loaded = _cold_eval(bin_, env, work, tmp_path, "eval", notice, "--case", "-")
        expected = _run([sys.executable, "-m", "yibao.cli", "eval", notice, "--case", "-"], ROOT,
                        {**env, "YIBAO_CACHE": "0"}, stdin=CASE)
        assert (out, loaded) == (expected, "[]"), notice


def test_a_bundled_calculator_is_not_used_once_its_policy_changes(installed, tmp_path):
    bin_, env, work = installed
    edited = tmp_path / "policies"
    shutil.copytree(POLICIES, edited)
    policy = next(p for p in edited.glob("*.policy") if f"notice {JLP}" in p.read_text(encoding="utf-8"))
    policy.write_text(policy.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    out, loaded = _cold_eval(bin_, env, work, tmp_path, "--policies", edited, "eval", JLP, "--case", "-")
    assert "lark" in loaded and "yibao.check.checker" in loaded and json.loads(out)["amount_due"]
    # the same files at another path are still the bundle's: its key hashes paths inside the directory
    out, loaded = _cold_eval(bin_, env, work, tmp_path, "--policies", shutil.copytree(POLICIES, tmp_path / "p2"),
                             "eval", JLP, "--case", "-")
    assert loaded == "[]" and json.loads(out)["amount_due"]
