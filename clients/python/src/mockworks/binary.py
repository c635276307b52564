"""Where a mock server's binary is: $MOCKWORKS_BIN_DIR, then $PATH, then a
checkout's meson build folder (build/NAME/NAME) above the working directory
or above this file."""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator, Optional

from .errors import MockworksError


def _in_dir(directory: Path, name: str) -> Optional[Path]:
    # A folder of binaries, or a meson build folder (NAME/NAME inside it).
    for candidate in (directory / name, directory / name / name):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _checkout_builds(start: Path) -> Iterator[Path]:
    for folder in (start, *start.parents):
        yield folder / "build"


def find_binary(name: str) -> str:
    """The path of ``name`` (mock_openai or mock_llamaparse), or MockworksError
    listing every place that was searched."""
    looked = []
    bin_dir = os.environ.get("MOCKWORKS_BIN_DIR")
    if bin_dir:
        found = _in_dir(Path(bin_dir), name)
        if found:
            return str(found)
        looked.append(f"MOCKWORKS_BIN_DIR={bin_dir}")
    on_path = shutil.which(name)
    if on_path:
        return on_path
    looked.append("PATH")
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for build in _checkout_builds(start):
            found = _in_dir(build, name)
            if found:
                return str(found)
    looked.append("build/ folders above the working directory and the package")
    raise MockworksError(
        f"cannot find the {name} binary (looked in {', '.join(looked)}); "
        f"set MOCKWORKS_BIN_DIR to the folder that holds it, or pass url= to attach to a running server"
    )
