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
import numpy as np  # noqa: E402
from matplotlib.colors import to_hex, to_rgb  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

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


def _texts(fig: Figure) -> list[str]:
    """Every text drawn in the figure: titles, legends, labels, annotations, the source line."""
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def _headline(fig: Figure) -> str:
    assert fig._suptitle is not None
    return fig._suptitle.get_text().replace("\n", " ")


def _has(fig: Figure, text: str) -> bool:
    return any(text in t for t in _texts(fig))


def test_plot_event_leads_with_day0_and_its_interval(faw: eventstudy.EventStudyResult) -> None:
    fig = plots.plot_event(faw)
    assert _headline(fig) == "FAW Jiefang (000800.SZ): abnormal return of +4.53% on 13 Sep 2021"
    detail, xlabel, ylabel = _labels(fig)
    assert detail.replace("\n", " ").startswith(
        "Day 0: 95% CI +0.41% to +8.64%, t = 2.17, p = 0.031. CAR [-1, +1]: -1.26% "
        "(95% CI -8.42% to +5.90%; t = -0.35, p = 0.730)."
    )
    assert ylabel == "abnormal return (%)"
    assert "day 0 = 13 Sep 2021" in xlabel
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == [
        "day 0 with 95% CI",
        "daily abnormal return (AR)",
        "CAR [-1, +1] with 95% CI",
        "95% range of an ordinary day",
        "event day (13 Sep 2021)",
    ]
    assert _has(fig, "closed 20–21 Sep")  # the Mid-Autumn holiday between days +4 and +5
    assert any(t == "+4.53%" for t in _texts(fig))
    source = fig._supxlabel.get_text().replace("\n", " ") if fig._supxlabel else ""
    assert source.startswith("Source: exchange prices bundled with eventstudy")
    assert "Market model (OLS) of returns on 399001.SZ, fitted on 240 trading days" in source


def test_plot_event_takes_the_cars_window(faw: eventstudy.EventStudyResult) -> None:
    fig = plots.plot_event(faw, window=(0, 5), level=0.9)
    assert _has(fig, "CAR [0, +5]: -1.72% (90% CI")
    with pytest.raises(InvalidInputError, match="inside the event window"):
        plots.plot_event(faw, window=(-20, 1))


def test_plot_event_of_volume_in_multiples_of_normal(
    faw_volume: eventstudy.EventStudyResult,
) -> None:
    fig = plots.plot_event(faw_volume)
    headline = _headline(fig)
    assert headline == "FAW Jiefang (000800.SZ): 4.6 times the normal trading volume on 13 Sep 2021"
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert ax.get_ylabel() == "trading volume, times the normal volume (log scale)"
    assert _has(fig, "Day 0: 95% CI 1.6 to 13.2 times, t = 2.83, p = 0.005.")


def test_plots_draw_into_the_given_axes(faw: eventstudy.EventStudyResult) -> None:
    fig = Figure()
    axes = fig.subplots(2, 2)
    drawn = [
        plots.plot_event(faw, ax=axes[0, 0]),
        plots.plot_prices(faw, ax=axes[0, 1]),
        plots.plot_fit(faw, ax=axes[1, 0]),
        plots.plot_sq(faw, ax=axes[1, 1]),
    ]
    assert all(f is fig for f in drawn)
    assert len(fig.axes) == 4 and fig._suptitle is None and not fig.legends
    assert (
        axes[0, 0]
        .get_title(loc="left")
        .startswith("FAW Jiefang (000800.SZ): abnormal return of +4.53%")
    )


def test_charts_are_not_held_by_pyplot(faw: eventstudy.EventStudyResult) -> None:
    plots.plot_event(faw)
    plots.plot_prices(faw)
    assert plt.get_fignums() == []


def test_plot_prices_marks_limits_claim_and_holiday(faw: eventstudy.EventStudyResult) -> None:
    fig = plots.plot_prices(faw, claim_price=12.78)
    ax = fig.axes[0]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "limit-up price (days that reached it)" in legend
    assert "claimed price 12.78" in legend
    assert _headline(fig) == "FAW Jiefang (000800.SZ): closed at 12.11 (+4.22%) on 13 Sep 2021"
    assert "high 12.78 (the day's limit-up price)" in ax.get_title(loc="left")
    assert any(t.get_text() == "limit-up 12.78" for t in ax.texts)
    assert _has(fig, "closed 20–21 Sep")
    # Only day 0 reached its limit-up price in this window: one dash, not one per day.
    dashes = [c for c in ax.collections if c.get_label().startswith("limit-up")]
    assert len(dashes[0].get_segments()) == 1
    assert ax.get_ylabel() == "price (CNY)"
    low, high = ax.get_ylim()
    assert low < 12.04 and high > 12.78


def test_plot_prices_colour_conventions(faw: eventstudy.EventStudyResult) -> None:
    def up_colour(fig: Figure) -> str:
        legend = fig.legends[0]
        labels = [t.get_text() for t in legend.get_texts()]
        handle = legend.legend_handles[labels.index("closed above its open (hollow)")]
        return to_hex(handle.get_edgecolor())  # type: ignore[union-attr]

    us, cn = plots.UP_DOWN["us"], plots.UP_DOWN["cn"]
    assert up_colour(plots.plot_prices(faw)) == us[0].lower()
    assert up_colour(plots.plot_prices(faw, colors="cn")) == cn[0].lower()
    assert us == cn[::-1]
    # Readable in grey: the two colours differ clearly in lightness.
    grey = [float(np.dot(to_rgb(c), [0.299, 0.587, 0.114])) for c in us]
    assert abs(grey[0] - grey[1]) > 0.2
    with pytest.raises(InvalidInputError, match="colors='red'"):
        plots.plot_prices(faw, colors="red")  # type: ignore[arg-type]


def test_plot_volume_states_the_multiple_of_normal(
    faw_volume: eventstudy.EventStudyResult,
) -> None:
    fig = plots.plot_volume(faw_volume)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "shares traded (millions)"
    assert any(t.get_text() == "110.0 m\n4.6 times normal" for t in ax.texts)
    assert _headline(fig) == (
        "FAW Jiefang (000800.SZ): 110.0 million shares traded on 13 Sep 2021, "
        "4.6 times the normal volume"
    )
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "normal volume" in texts
    assert _has(fig, "Day 0: t = 2.83, p = 0.005.")


def test_plot_fit_needs_the_market_model() -> None:
    res = eventstudy.run("000800.SZ", "2021-09-13", model="constant_mean", data="bundled")
    with pytest.raises(InvalidInputError, match="model='market'"):
        plots.plot_fit(res)


def test_plot_sq_counts_estimation_days(
    faw: eventstudy.EventStudyResult, faw_volume: eventstudy.EventStudyResult
) -> None:
    fig = plots.plot_sq(faw)
    assert _has(fig, "5 of 240 days ≥ AR\nSQ two-sided p = 0.042")
    assert _headline(fig) == "FAW Jiefang (000800.SZ): 5 of 240 ordinary days rose as far as day 0"
    # No estimation day traded as much: the p-value is below the test's resolution, 2/240.
    assert _has(plots.plot_sq(faw_volume), "0 of 240 days ≥ AV\nSQ two-sided p < 0.009")


def test_plot_cars_one_row_per_specification(faw: eventstudy.EventStudyResult) -> None:
    other = eventstudy.run("000800.SZ", "2021-09-13", market="000300.SS", data="bundled")
    fig = plots.plot_cars({"SZSE": faw, "CSI 300": other}, windows=[(0, 0), (-1, 1)])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["SZSE", "CSI 300"]
    assert "confidence interval" in ax.get_xlabel()
    assert {"+4.53%", "+4.48%", "-1.26%"} <= set(_texts(fig))
    with pytest.raises(InvalidInputError):
        plots.plot_cars({})
    with pytest.raises(InvalidInputError):
        plots.plot_cars({"SZSE": faw}, level=95)


def test_plot_peers_highlights_the_stock() -> None:
    study = eventstudy.study([(t, "2021-09-13") for t in PEERS], market="000300.SS", data="bundled")
    fig = plots.plot_peers(study, highlight="000800.SZ")
    ax = fig.axes[0]
    names = sorted(t.get_text() for t in ax.get_yticklabels())
    assert names == sorted(plots.company_of(t) for t in PEERS)
    assert "FAW Jiefang (000800.SZ)" in names and "SAIC Motor (600104.SS)" in names
    assert _headline(fig) == "FAW Jiefang (000800.SZ): +4.48% on day 0 (13 Sep 2021)"
    with pytest.raises(InvalidInputError, match="event window"):
        plots.plot_peers(study, day=50)


def test_study_plots_name_their_measure_and_check_the_level() -> None:
    study = eventstudy.study(
        [(t, "2021-09-13") for t in PEERS], market="000300.SS", data="bundled", measure="volume"
    )
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
        sum("image/png" in output.get("data", {}) for output in c.outputs) for c in notebook.cells
    ]
    assert images == [0, 1, 1, 0]


def test_the_source_line_names_what_the_model_is_fitted_to() -> None:
    shares = eventstudy.run(
        "000800.SZ", "2021-09-13", data="bundled", measure="raw_volume", window=(-5, 5)
    )
    line = plots.source_line(shares)
    assert "Market model (OLS) of shares traded on 399001.SZ, fitted on 240" in line
    assert plots.short_label("abnormal volume") == "AV"
