"""The notebooks: committed without outputs, and executed top to bottom offline."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

import eventstudy
from eventstudy import format as fmt

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
FAW = NOTEBOOKS / "01_faw_jiefang_xiaomi.ipynb"
METHOD = NOTEBOOKS / "02_method.ipynb"
LIMIT_UP = NOTEBOOKS / "03_limit_up_days.ipynb"
MARKET = (
    NOTEBOOKS.parents[1] / "shared" / "data-sources" / "ashare-market" / "ashare-2019-2022.csv.gz"
)

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")


@pytest.fixture(autouse=True)
def _kernel_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kernel imports the same eventstudy as the tests, and draws with Agg."""
    package_root = str(Path(eventstudy.__file__).resolve().parents[1])
    path = os.environ.get("PYTHONPATH", "")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (package_root, path) if p))
    monkeypatch.setenv("MPLBACKEND", "Agg")


@pytest.mark.parametrize("path", [FAW, METHOD, LIMIT_UP], ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


def _outputs(notebook: object, key: str) -> list[str]:
    texts = []
    for cell in notebook.cells:  # type: ignore[attr-defined]
        for output in cell.get("outputs", []):
            if key == "stderr" and output.get("name") == "stderr":
                texts.append(output["text"])
            elif key in output.get("data", {}):
                texts.append(output["data"][key])
    return texts


def _execute(path: Path) -> object:
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=300, resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    return notebook


@pytest.mark.slow
def test_faw_notebook_runs_and_concludes_with_computed_numbers() -> None:
    notebook = _execute(FAW)
    assert _outputs(notebook, "stderr") == []
    assert len(_outputs(notebook, "image/png")) == 8  # each chart once
    conclusion = _outputs(notebook, "text/markdown")[-1]
    # The numbers read as in every other output (eventstudy.format, same statistic).
    res = eventstudy.run("000800.SZ", "2021-09-13", data="bundled")
    volume = res.volume()
    csi = res.rerun(market="000300.SS")
    day0, volume0 = res.car(0, 0), volume.car(0, 0)
    for fact in ("closed at **12.11 yuan (+4.22%)**", "high was 12.78**",
                 "the day's limit-up price", "abnormal return on day 0 was **+4.53%**",
                 fmt.test(day0.t, day0.pvalue), "t = 2.17, p = 0.031",
                 "**5 of the 240 estimation days**", "two-sided p = 0.042",
                 "110.0 million shares", "**4.6 times the normal volume**",
                 fmt.test(volume0.t, volume0.pvalue), "t = 2.83, p = 0.005",
                 "0 of the 240 estimation days traded as much (SQ test, p < 0.009)",
                 f"market model, CSI 300 {fmt.pvalue(csi.car(0, 0).pvalue)}",
                 "specific to FAW Jiefang"):
        assert fact in conclusion, fact
    # A research note: no error message in the prose, no number in scientific notation.
    assert "Traceback" not in conclusion and "fx_rate=" not in conclusion
    tables = _outputs(notebook, "text/html") + _outputs(notebook, "text/plain")
    assert not [t for t in tables if re.search(r"\de[+-]\d\d", t)]


@pytest.mark.slow
def test_method_notebook_matches_the_reference_numbers() -> None:
    notebook = _execute(METHOD)
    assert _outputs(notebook, "stderr") == []
    assert len(_outputs(notebook, "image/png")) == 2


@pytest.mark.slow
@pytest.mark.skipif(not MARKET.is_file(), reason=f"{MARKET} not present")
def test_whole_market_notebook_studies_every_limit_up_day_of_2021() -> None:
    notebook = _execute(LIMIT_UP)
    assert _outputs(notebook, "stderr") == []
    assert len(_outputs(notebook, "image/png")) == 1
    conclusion = _outputs(notebook, "text/markdown")[-1]
    for fact in ("In 2021, 29,891 stock-days reached", "27,944 could be studied",
                 "average abnormal\nreturn was **+7.91%**"):
        assert fact in conclusion, fact


@pytest.mark.slow
def test_notebook_renders_to_html(tmp_path: Path) -> None:
    from eventstudy.report import render_notebook

    page = render_notebook(METHOD, tmp_path).read_text(encoding="utf-8")
    assert "<html" in page and "largest |difference|" in page
    assert "import eventstudy" not in page  # a research note: code cells hidden
