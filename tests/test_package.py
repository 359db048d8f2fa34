"""What the installed package ships."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import eventstudy


def test_the_package_is_typed() -> None:
    assert (Path(eventstudy.__file__).parent / "py.typed").is_file()


@pytest.mark.slow
def test_the_wheel_ships_py_typed(tmp_path: Path) -> None:
    pytest.importorskip("hatchling", reason="building the wheel offline needs hatchling")
    root = Path(__file__).resolve().parents[1]  # the tree these tests came with
    if not (root / "pyproject.toml").is_file():
        pytest.skip("not a source tree")
    build = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index",
             "--no-build-isolation", "--wheel-dir", str(tmp_path), str(root)]
    subprocess.run(build, check=True)
    with zipfile.ZipFile(next(tmp_path.glob("*.whl"))) as wheel:
        assert "eventstudy/py.typed" in wheel.namelist()
