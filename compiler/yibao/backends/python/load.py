"""Loading a generated calculator in-process: the very code `yibao compile` writes, exec'd as a
module (the driver hands in its code object when the cache already holds it)."""
from __future__ import annotations

import sys
import types

TYPE_CHECKING = False  # (typing and the IR are not imported: a warm `yibao eval` never needs them)
if TYPE_CHECKING:
    from ...ir import nodes as ir


def filename(program: ir.Program) -> str:
    return f"<yibao {program.document}>"


def load(program: ir.Program, code=None) -> types.ModuleType:
    """exec the generated source as a module; `code`: its code object (compiled here when None)."""
    if code is None:
        from .generate import generate
        code = compile(generate(program), filename(program), "exec")
    return exec_module(f"yibao_generated_{abs(hash(program.document))}", filename(program), code)


def exec_module(name: str, filename: str, code, **attrs) -> types.ModuleType:
    """Generated code run as a module of its own (the Python and the NumPy targets' loaders)."""
    module = types.ModuleType(name)
    module.__file__ = filename
    module.__dict__.update(attrs)
    sys.modules[name] = module  # dataclasses and pickling look modules up by name
    exec(code, module.__dict__)
    return module
