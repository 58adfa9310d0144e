"""The wheel's build step beyond pyproject.toml: once the package is laid out in the build directory,
yibao generates the bundled notices' calculators into it (yibao/_bundled, policies/bundle.py), which
pip byte-compiles on install, so a first `yibao eval` of a bundled notice neither parses nor checks.
An editable install has no bundle: a checkout's cache does that job."""
import os
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithBundle(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        lib = Path(self.build_lib).resolve()
        env = dict(os.environ, PYTHONPATH=str(lib), YIBAO_CACHE="0")  # the built package, nothing cached
        subprocess.run([sys.executable, "-m", "yibao.policies.bundle_write", str(lib / "yibao" / "_bundled"),
                        str(lib / "yibao" / "_policies")], env=env, check=True)


setup(cmdclass={"build_py": BuildPyWithBundle})
