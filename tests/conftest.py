"""Test settings shared by every test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
# A test that leaves more than 20 figures open fails (the warning is an error in pytest).
matplotlib.rcParams["figure.max_open_warning"] = 20


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Keep the price cache of every test in a temporary folder, never the user's."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("EVENTSTUDY_CACHE_DIR", str(folder))
    yield folder
