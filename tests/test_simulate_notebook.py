"""Notebook 04 (which test to trust on A shares): committed without outputs, and executed.

Its whole-market section runs only where ``../shared/data-sources`` sits beside the checkout
(or ``EVENTSTUDY_SHARED`` names that folder); the rest runs everywhere, offline.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import eventstudy

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "04_which_test_to_trust.ipynb"

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")


def test_committed_without_outputs() -> None:
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.slow
def test_notebook_runs_and_concludes_from_its_own_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    package_root = str(Path(eventstudy.__file__).resolve().parents[1])
    path = os.environ.get("PYTHONPATH", "")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (package_root, path) if p))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(
        notebook, timeout=600, resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    ).execute()
    outputs = [output for cell in notebook.cells for output in cell.get("outputs", [])]
    assert [o for o in outputs if o.get("name") == "stderr"] == []
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 1  # the power curves
    markdown = [o["data"]["text/markdown"] for o in outputs if "text/markdown" in o.get("data", {})]
    conclusion, headline = markdown
    assert "Tests whose size holds in both designs" in conclusion
    assert "`kp`" in conclusion.split("holds in both designs")[1].split("\n")[0]
    assert "reject in" in conclusion and "Price limits cost" in conclusion
    rows = headline.splitlines()
    assert len(rows) == 2 + 13 and rows[0].startswith("| test | size, random dates |")
