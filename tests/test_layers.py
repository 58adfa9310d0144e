"""The compiler's shape, held: which package may import which (docs/architecture.md), no import
cycle between modules, no module over 500 lines, and nothing at the top of the package but the
command line. Every import is read with `ast`, function-local ones included, so a lazy import
cannot hide a wrong-way arrow."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "compiler" / "yibao"

# package → the packages it may import (itself always; `yibao` itself, for __version__, always)
ALLOWED = {
    "runtime": set(),
    "base": set(),
    "language": {"base"},
    "ir": {"language", "base", "runtime"},
    "check": {"ir", "language", "base", "runtime"},
    "backends": {"ir", "runtime", "base"},
    "analysis": {"backends", "ir", "runtime", "base"},
    "policies": {"analysis", "check", "backends", "language", "ir", "base", "runtime"},
    "run": {"policies", "backends", "ir", "runtime", "base"},
    "server": {"run", "policies", "analysis", "check", "backends", "language", "ir", "base", "runtime"},
    "workbench": {"run", "policies", "analysis", "check", "backends", "language", "ir", "base", "runtime"},
    "cli": {"run", "policies", "analysis", "check", "backends", "language", "ir", "base", "runtime",
            "server", "workbench"},
}


def modules(root: Path = ROOT) -> dict[str, Path]:
    out = {}
    for p in sorted(root.rglob("*.py")):
        if "_policies" in p.parts:
            continue
        parts = list(p.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def imports(name: str, path: Path, known) -> set[str]:
    """The yibao modules that module `name` imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if not mod.startswith("yibao"):
                continue
            for a in node.names:  # `from . import ir`: the submodule, not the package
                found.add(f"{mod}.{a.name}" if f"{mod}.{a.name}" in known else mod)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("yibao")}
    found.discard(name)
    return found


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "yibao"


def violations(root: Path = ROOT) -> list[str]:
    known = modules(root)
    out = []
    for name, path in known.items():
        mine = layer(name)
        for target in sorted(imports(name, path, known)):
            theirs = layer(target)
            if theirs in (mine, "yibao"):
                continue
            if theirs not in ALLOWED.get(mine, set()):
                out.append(f"{name} imports {target}: {mine} may not import {theirs}")
    return out


def cycles(root: Path = ROOT) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    known = modules(root)
    graph = {n: sorted(t for t in imports(n, p, known) if t in known) for n, p in known.items()}
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_every_import_runs_the_way_the_layers_allow():
    assert violations() == []


def test_no_import_cycle():
    assert cycles() == []


def test_no_module_over_500_lines():
    long = {n: len(p.read_text(encoding="utf-8").splitlines()) for n, p in modules().items()}
    assert {n: k for n, k in long.items() if k > 500} == {}


def test_nothing_at_the_top_but_the_command_line():
    top = sorted(p.name for p in ROOT.glob("*.py"))
    assert top == ["__init__.py", "cli.py"]


def test_every_package_is_a_layer():
    assert {p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith("_")} == set(ALLOWED) - {"cli"}


@pytest.fixture
def planted(tmp_path):
    """A copy of the package, for planting violations in."""
    import shutil
    copy = tmp_path / "yibao"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns("_policies", "__pycache__", "*.lark"))
    return copy


def test_a_planted_wrong_way_import_is_named(planted):
    target = planted / "backends" / "targets.py"
    target.write_text(target.read_text(encoding="utf-8") + "\n\ndef _late():\n    from ..check import checker\n",
                      encoding="utf-8")
    assert violations(planted) == ["yibao.backends.targets imports yibao.check.checker: backends may not import check"]


def test_a_planted_cycle_is_named(planted):
    kinds = planted / "ir" / "kinds.py"
    kinds.write_text(kinds.read_text(encoding="utf-8") + "\n\ndef _late():\n    from . import interpret\n",
                     encoding="utf-8")
    assert ["yibao.ir.interpret", "yibao.ir.kinds"] in cycles(planted)


WARM_MODULES = 13  # yibao's modules with code that a warm `yibao eval --case` loaded before the layout moved


def test_a_warm_eval_loads_no_more_than_it_did(tmp_path):
    """Package markers (__init__ files that import nothing: a docstring, a constant) do not count."""
    import os
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    env.pop("YIBAO_CACHE", None)
    env.pop("YIBAO_NO_CACHE", None)
    case = tmp_path / "case.json"
    case.write_text('{"tier": 1, "payment_date": "2024-01-15"}', encoding="utf-8")
    script = ("import sys; sys.argv = ['yibao', 'eval', '渝医保发〔2023〕24号', '--case', sys.argv[1]]\n"
              "from yibao.cli import main\n"
              "try:\n    main()\nexcept SystemExit:\n    pass\n"
              "print('\\n'.join(sorted(m for m in sys.modules if m.startswith('yibao'))), file=sys.stderr)")
    for _ in range(2):  # the first run fills the cache
        r = subprocess.run([sys.executable, "-c", script, str(case)], env=env, capture_output=True, text=True,
                           timeout=120)
    loaded = r.stderr.split()
    assert not [m for m in loaded if layer(m) in ("language", "check", "analysis")], loaded
    known = modules()
    markers = {n for n, p in known.items() if p.name == "__init__.py" and _imports_nothing(p)}
    with_code = [m for m in loaded if m not in markers]
    assert len(with_code) <= WARM_MODULES, with_code


def _imports_nothing(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return not any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(tree))
