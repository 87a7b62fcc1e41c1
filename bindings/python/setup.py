"""Copies the libbacksight.so that `make` built (release first) into the package, so an installed
package finds it beside itself. Everything else is in pyproject.toml."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CHECKOUT = Path(__file__).resolve().parents[2]


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        for configuration in ("release", "debug"):
            library = CHECKOUT / ".build" / configuration / "libBacksightC.so"
            if library.is_file():
                shutil.copy2(library, Path(self.build_lib) / "backsight" / "libbacksight.so")
                return
        raise SystemExit("libbacksight.so is not built: run `make release` (or `swift build`) first")


setup(cmdclass={"build_py": BuildWithLibrary})
