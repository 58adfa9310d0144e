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
    module = types.ModuleType(f"yibao_generated_{abs(hash(program.document))}")
    module.__file__ = filename(program)
    sys.modules[module.__name__] = module  # dataclasses and pickling look modules up by name
    exec(code, module.__dict__)
    return module
