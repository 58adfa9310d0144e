"""Writing the bundle (policies/bundle.py) when the wheel is built: every notice of a policy directory
checked and generated into a folder, with its manifest. setup.py runs it on the built package:

    python -m yibao.policies.bundle_write OUT_DIR [POLICY_DIR]
"""
from __future__ import annotations

import sys
from pathlib import Path

from .bundle import MANIFEST, PACKAGE, key
from .directory import PolicySet


def write(out: Path, directory: Path) -> int:
    """Generate every notice of the directory into `out` (with its manifest); the count written."""
    from ..backends.targets import target
    ps = PolicySet(directory)
    python, lines = target("python"), []
    out.mkdir(parents=True, exist_ok=True)
    for header in ps.index.headers:
        if header.notice is None:
            continue
        program, _ = ps.check(ps.resolve(header.notice))
        if program is None:  # a notice with errors is never bundled, as it is never cached
            continue
        k = key(ps, header)
        name = f"n_{k[:24]}.py"
        (out / name).write_text(python.generate(program), encoding="utf-8")
        lines.append("\t".join([k, name, program.document, *program.decisions]))
    (out / MANIFEST).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)


if __name__ == "__main__":
    target_dir = Path(sys.argv[1])
    policies = Path(sys.argv[2]) if len(sys.argv) > 2 else PACKAGE / "_policies"
    print(f"bundled {write(target_dir, policies)} calculators into {target_dir}")
