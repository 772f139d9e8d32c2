"""Only a build step pyproject.toml cannot express: the manual (`docs/`) goes into the wheel as
`resources/manual`, so Hilfe → Handbuch works in an installed program. Everything else is in
pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithManual(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "resources" / "manual"
        shutil.copytree(Path(__file__).parent / "docs", target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("screenshots"))


setup(cmdclass={"build_py": BuildWithManual})
