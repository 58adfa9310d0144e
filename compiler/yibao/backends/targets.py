"""The one registry of targets: name → the backend that generates its code and, for the targets
that run in this process, loads it. The command line (`yibao compile --target`), the cache of
calculators (policies/warm.py), the columnar cache of rolls (policies/warm_columnar.py) and the
server's page all find a backend here; a new target is one entry (and its folder under backends/).

Nothing is imported until a target is used: the command line reads COMPILE_TARGETS on the warm path
of `yibao eval`, which generates nothing.
"""
from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False  # (typing and the IR are not imported: see above)
if TYPE_CHECKING:
    from ..ir import nodes as ir


class Target:
    """A backend by name: `generate(program)` → source text; `load(program, code=None)` → a module
    (only where the code runs here: python, numpy); `filename(program)` → the name its code runs as."""
    __slots__ = ("name", "_generate", "_load")

    def __init__(self, name: str, generate: str, load: str | None = None):
        self.name, self._generate, self._load = name, generate, load

    def _attr(self, path: str):
        module, _, attr = path.partition(":")
        return getattr(import_module(module), attr)

    def generate(self, program: ir.Program) -> str:
        return self._attr(self._generate)(program)

    def load(self, program: ir.Program, code=None):
        if self._load is None:
            raise ValueError(f"the {self.name} target does not run in this process")
        return self._attr(self._load + ":load")(program, code)

    def filename(self, program: ir.Program) -> str:
        return self._attr(self._load + ":filename")(program)


REGISTRY = {
    "python": Target("python", "yibao.backends.python.generate:generate", "yibao.backends.python.load"),
    "numpy": Target("numpy", "yibao.backends.numpy.generate:generate", "yibao.backends.numpy.generate"),
    "js": Target("js", "yibao.backends.javascript.generate:generate"),
    "web": Target("web", "yibao.backends.web.page:page"),
}
# what `yibao compile --target` writes (numpy runs inside rolls; it is not a calculator of its own)
COMPILE_TARGETS = ("python", "js", "web")


def target(name: str) -> Target:
    return REGISTRY[name]


def source(name: str, program: ir.Program) -> str:
    """python: a standalone module; js: an ES module (node or a browser); web: one HTML page."""
    return REGISTRY[name].generate(program)
