"""Shared by the hostile-input tests: running `yibao` in-process and as a process, scratch policies,
compiled calculators, and the fuzz budget."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import settings

from conftest import POLICIES, ROOT
from helpers import HEADER, scratch

CQ2024 = "渝医保发〔2023〕24号"
CQ2026 = "渝医保发〔2025〕42号"
CITE = '§一 "个人缴费标准为一档 380 元/人·年"'
GOOD_CASE = b'{"tier": 1, "payment_date": "2023-11-01"}'


def budget(n: int) -> int:
    """A fuzz test's example count: n by default (seconds in CI), the long profile's when it is loaded."""
    return max(n, settings.default.max_examples) if settings.default.max_examples > 1000 else n


def run(*argv, stdin: bytes = b"", monkeypatch=None) -> tuple[int, str, str]:
    """`yibao ARGV` in-process with bytes on standard input: (exit code, stdout, stderr)."""
    from yibao.cli import main
    out, err = io.BytesIO(), io.StringIO()
    stdout = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
    old = sys.stdin, sys.stdout, sys.stderr
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    sys.stdout, sys.stderr = stdout, err
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        code = main([str(a) for a in argv])
        stdout.flush()
    finally:
        sys.stdin, sys.stdout, sys.stderr = old
        os.chdir(cwd)
    return code, out.getvalue().decode("utf-8"), err.getvalue()


def process(args: list, stdin=b"", **kw) -> subprocess.CompletedProcess:
    """A separate Python process (for closed descriptors, full disks, pipes and signals)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", **kw.pop("env", {})}
    return subprocess.run([sys.executable, *map(str, args)], input=stdin, capture_output=True, cwd=ROOT,
                          env=env, timeout=120, **kw)


def yibao(*argv, stdin=b"", **kw) -> subprocess.CompletedProcess:
    return process(["-m", "yibao.cli", *argv], stdin=stdin, **kw)


def no_traceback(*texts) -> bool:
    return all("Traceback" not in (t.decode("utf-8", "replace") if isinstance(t, bytes) else t) for t in texts)


def policy_dir(tmp_path: Path, body: str, header: str = HEADER, name: str = "t.policy") -> Path:
    """A policy directory (the shared library, the notices' texts) holding the test notice."""
    return scratch(tmp_path, header + body, name=name)


def decision(name: str, value: str = "380 元") -> str:
    return f'decision {name} : money "{name}" = {value} {CITE}\n'


def compiled(tmp_path: Path, directory: Path, notice: str = "测试〔2024〕1号") -> Path:
    """`yibao compile` of a notice into tmp_path/calc.py."""
    from yibao.policies.directory import PolicySet
    from yibao.backends.python.generate import generate
    path = tmp_path / "calc.py"
    path.write_text(generate(PolicySet(directory).load(notice)), encoding="utf-8")
    return path


def all_policies(tmp_path: Path) -> Path:
    """A copy of the repository's policy directory, to break."""
    import shutil
    d = tmp_path / "policies"
    shutil.copytree(POLICIES, d)
    return d
