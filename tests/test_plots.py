"""Charts: every plot function returns a Figure, draws into a given Axes, labels its axes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
matplotlib.rcParams["figure.max_open_warning"] = 20

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import eventstudy  # noqa: E402
from eventstudy import plots  # noqa: E402
from eventstudy.errors import InvalidInputError  # noqa: E402

PEERS = ["000800.SZ", "600104.SS", "000625.SZ", "601238.SS"]


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def faw() -> eventstudy.EventStudyResult:
    return eventstudy.run("000800.SZ", "2021-09-13", data="bundled")


@pytest.fixture(scope="module")
def faw_volume() -> eventstudy.EventStudyResult:
    return eventstudy.run("000800.SZ", "2021-09-13", data="bundled", measure="volume")


def _labels(fig: Figure) -> tuple[str, str, str]:
    ax = fig.axes[0]
    return ax.get_title(loc="left"), ax.get_xlabel(), ax.get_ylabel()


def test_plot_event_labels_units_and_day0(faw: eventstudy.EventStudyResult) -> None:
    fig = plots.plot_event(faw)
    title, xlabel, ylabel = _labels(fig)
    assert "000800.SZ" in title and "13 Sep 2021" in title
    assert ylabel == "abnormal return (%)"
    assert "day 0 = 13 Sep 2021" in xlabel
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("95% confidence band" in t for t in legend)
    assert any(t.startswith("event day") for t in legend)


def test_plot_event_of_volume_names_the_measure(faw_volume: eventstudy.EventStudyResult) -> None:
    _, _, ylabel = _labels(plots.plot_event(faw_volume))
    assert ylabel == "abnormal log volume (log points)"


def test_plots_draw_into_the_given_axes(faw: eventstudy.EventStudyResult) -> None:
    fig, axes = plt.subplots(2, 2)
    drawn = [
        plots.plot_event(faw, ax=axes[0, 0]),
        plots.plot_prices(faw, ax=axes[0, 1]),
        plots.plot_fit(faw, ax=axes[1, 0]),
        plots.plot_sq(faw, ax=axes[1, 1]),
    ]
    assert all(f is fig for f in drawn)
    assert len(fig.axes) == 4


def test_plot_prices_marks_limit_up_and_claim(faw: eventstudy.EventStudyResult) -> None:
    fig = plots.plot_prices(faw, claim_price=12.78)
    ax = fig.axes[0]
    legend = ax.get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    assert "daily limit-up price" in texts
    assert "claimed price 12.78" in texts
    assert "close 12.11 (+4.22%)" in legend.get_title().get_text()
    assert any(t.get_text() == "limit-up 12.78" for t in ax.texts)
    assert ax.get_ylabel() == "price (CNY)"
    low, high = ax.get_ylim()
    assert low < 12.04 and high > 12.78


def test_plot_volume_draws_normal_volume(faw_volume: eventstudy.EventStudyResult) -> None:
    fig = plots.plot_volume(faw_volume)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "shares traded (millions)"
    assert any(t.get_text() == "110.0 m" for t in ax.texts)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(t.startswith("normal volume") for t in texts)


def test_plot_fit_needs_the_market_model() -> None:
    res = eventstudy.run("000800.SZ", "2021-09-13", model="constant_mean", data="bundled")
    with pytest.raises(InvalidInputError, match="model='market'"):
        plots.plot_fit(res)


def test_plot_sq_counts_estimation_days(faw: eventstudy.EventStudyResult) -> None:
    ax = plots.plot_sq(faw).axes[0]
    assert any("5 of 240 days" in t.get_text() for t in ax.texts)


def test_plot_cars_one_row_per_specification(faw: eventstudy.EventStudyResult) -> None:
    other = eventstudy.run("000800.SZ", "2021-09-13", market="000300.SS", data="bundled")
    fig = plots.plot_cars({"SZSE": faw, "CSI 300": other}, windows=[(0, 0), (-1, 1)])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["SZSE", "CSI 300"]
    assert "confidence interval" in ax.get_xlabel()
    with pytest.raises(InvalidInputError):
        plots.plot_cars({})
    with pytest.raises(InvalidInputError):
        plots.plot_cars({"SZSE": faw}, level=95)


def test_plot_peers_highlights_the_stock() -> None:
    study = eventstudy.study([(t, "2021-09-13") for t in PEERS], market="000300.SS",
                             data="bundled")
    fig = plots.plot_peers(study, highlight="000800.SZ")
    ax = fig.axes[0]
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == sorted(PEERS)
    with pytest.raises(InvalidInputError, match="event window"):
        plots.plot_peers(study, day=50)


def test_study_plots_name_their_measure_and_check_the_level() -> None:
    study = eventstudy.study([(t, "2021-09-13") for t in PEERS], market="000300.SS",
                             data="bundled", measure="volume")
    assert study.plot().axes[0].get_ylabel() == "abnormal log volume (log points)"
    assert plots.plot_peers(study).axes[0].get_xlabel() == "abnormal log volume on day 0"
    with pytest.raises(InvalidInputError, match="level=95"):
        study.cumulative(95)


def test_plot_fit_draws_the_estimation_days_without_statsmodels() -> None:
    code = (
        "import sys, matplotlib; matplotlib.use('Agg'); import eventstudy; "
        "from eventstudy import plots; "
        "r = eventstudy.run('000800.SZ', '2021-09-13', data='bundled'); "
        "fig = plots.plot_fit(r); "
        "assert len(fig.axes[0].collections[0].get_offsets()) == 240; "
        "assert 'statsmodels' not in sys.modules, 'statsmodels imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_window_text() -> None:
    assert plots.window_text(0, 0) == "day 0"
    assert plots.window_text(-1, 1) == "[-1, +1]"
    assert plots.window_text(0, 5) == "[0, +5]"


def test_plots_and_report_do_not_import_matplotlib_at_import() -> None:
    code = (
        "import sys, eventstudy, eventstudy.plots, eventstudy.report; "
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _kernel_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """A notebook kernel imports the same eventstudy as the tests."""
    package_root = str(Path(eventstudy.__file__).resolve().parents[1])
    path = os.environ.get("PYTHONPATH", "")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (package_root, path) if p))


def test_a_plot_as_a_cells_last_line_is_shown_once(monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    _kernel_env(monkeypatch)
    cell = nbformat.v4.new_code_cell
    notebook = nbformat.v4.new_notebook(
        cells=[
            cell(
                "%matplotlib inline\nimport eventstudy\nfrom eventstudy import plots\n"
                "res = eventstudy.run('000800.SZ', '2021-09-13', data='bundled')"
            ),
            cell("res.plot()"),
            cell("plots.plot_prices(res)"),
            cell("fig = plots.plot_sq(res)"),
        ]
    )
    nbclient.NotebookClient(notebook, timeout=120).execute()
    images = [
        sum("image/png" in output.get("data", {}) for output in c.outputs)
        for c in notebook.cells
    ]
    assert images == [0, 1, 1, 0]
