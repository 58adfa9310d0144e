"""What `yibao compile --target` writes: the generated calculator's source for each target."""
from __future__ import annotations

TYPE_CHECKING = False  # (ir is not imported: the command line reads TARGETS on its warm path)
if TYPE_CHECKING:
    from ..ir import nodes as ir

TARGETS = ("python", "js", "web")


def source(target: str, program: ir.Program) -> str:
    """python: a standalone module; js: an ES module (node or a browser); web: one HTML page."""
    if target == "js":
        from .javascript.generate import generate
        return generate(program)
    if target == "web":
        from .web.page import page
        return page(program)
    from .python.generate import generate
    return generate(program)
