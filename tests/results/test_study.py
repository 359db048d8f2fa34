"""study() and StudyResult: options passed through the public API, tables, events left out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import eventstudy
from eventstudy.errors import InsufficientDataError, InvalidInputError
from eventstudy.results.study import StudyResult
from eventstudy.statistics.conventions import Conventions

PEERS = ["000800.SZ", "600104.SS", "000625.SZ", "601238.SS"]
AUTO_TICKERS = [
    "000800.SZ", "600104.SS", "000625.SZ", "601238.SS",
    "002594.SZ", "601633.SS", "000951.SZ", "000338.SZ",
]


def _study(**kwargs: object) -> eventstudy.results.study.StudyResult:  # type: ignore[name-defined]
    events = pd.DataFrame({"ticker": PEERS, "date": "2021-03-31", "maker": ["a", "a", "b", "b"]})
    return eventstudy.study(events, market="000300.SS", window=(-5, 5), data="bundled", **kwargs)  # type: ignore[arg-type]


def test_conventions_reach_the_statistics() -> None:
    paper = _study()
    estudy2 = _study(conventions=Conventions.estudy2())
    assert estudy2.conventions == Conventions.estudy2()
    # estudy2 standardises by sd() of the residuals (divisor L - 1): with L = 240 for every
    # event, its Patell statistic is the paper's times sqrt((L - 1) / (L - 2)).
    assert_allclose(estudy2.aar["patell"], paper.aar["patell"] * np.sqrt(239 / 238), rtol=1e-12)


def test_groups_are_studies_of_their_own() -> None:
    res = _study(groups="maker")
    assert set(res.groups) == {"a", "b"}
    alone = eventstudy.study(
        [(t, "2021-03-31") for t in PEERS[:2]], market="000300.SS", window=(-5, 5), data="bundled"
    )
    pd.testing.assert_frame_equal(res.groups["a"].aar, alone.aar)


@pytest.fixture(scope="module")
def auto_result() -> StudyResult:
    return eventstudy.study(
        [(t, "2021-03-31") for t in AUTO_TICKERS],
        market="000300.SS", estimation=(-250, -11), window=(-5, 5), data="bundled",
    )


def test_auto_peers_result_tables(auto_result: StudyResult) -> None:
    ar = auto_result.ar
    assert list(ar.columns) == ["ticker", "event", "rel_day", "date", "ar", "sar"]
    assert len(ar) == 8 * 11
    day0 = ar[ar["rel_day"] == 0]
    assert (day0["date"] == pd.Timestamp("2021-03-31")).all()
    assert_allclose(day0["ar"].mean(), auto_result.aar.loc[0, "aar"], atol=1e-15)
    frame = auto_result.to_frame()
    assert set(frame["scope"]) == {"day", "window"}
    assert len(frame) == 11 + 5
    text = str(auto_result.summary())
    assert "8 of 8 events studied" in text
    assert auto_result._repr_html_().startswith("<h4>")
    band = auto_result.cumulative()
    assert (band["lower"] <= band["caar"]).all() and (band["caar"] <= band["upper"]).all()
    assert_allclose(band["caar"].iloc[-1], auto_result.caar(-5, 5)["caar"], atol=1e-15)


def test_plot_returns_figure(auto_result: StudyResult) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = auto_result.plot()
    assert fig.axes
    plt.close(fig)
    fig2, ax = plt.subplots()
    assert auto_result.plot(ax=ax) is fig2
    plt.close(fig2)


def test_caar_window_outside_event_window(auto_result: StudyResult) -> None:
    with pytest.raises(InvalidInputError, match="inside the event window"):
        auto_result.caar(-6, 0)


def test_groups_equal_separate_studies() -> None:
    events = pd.DataFrame(
        {"ticker": AUTO_TICKERS, "date": "2021-03-31",
         "group": ["SZ" if t.endswith(".SZ") else "SS" for t in AUTO_TICKERS]}
    )
    result = eventstudy.study(
        events, market="000300.SS", estimation=(-250, -11), window=(-5, 5), data="bundled"
    )
    assert set(result.groups) == {"SZ", "SS"}
    alone = eventstudy.study(
        [(t, "2021-03-31") for t in AUTO_TICKERS if t.endswith(".SZ")],
        market="000300.SS", estimation=(-250, -11), window=(-5, 5), data="bundled",
    )
    assert_allclose(
        result.groups["SZ"].aar.to_numpy(float), alone.aar.to_numpy(float), rtol=0, atol=1e-12
    )
    table = result.by_group(-1, 1)
    assert list(table.index) == ["SZ", "SS"] or list(table.index) == ["SS", "SZ"]


def test_events_not_studied_are_reported() -> None:
    result = eventstudy.study(
        [("000800.SZ", "2021-03-31"), ("000800.SZ", "2021-03-31"), ("NOPE.SZ", "2021-03-31")],
        market="000300.SS", estimation=(-250, -11), window=(-5, 5), data="bundled",
    )
    assert result.n_events == 1
    assert len(result.not_studied) == 2
    text = str(result.summary())
    assert "not studied" in text and "duplicate" in text


def test_duplicates_are_the_same_ticker_market_and_day0() -> None:
    events = pd.DataFrame({
        "ticker": ["000800.SZ", "000625.SZ", "000800.SZ", "000800.SZ", "000800.SZ"],
        "date": ["2021-09-13", "2021-09-13", "2021-09-11", "2021-09-13", "2021-09-14"],
        "market": ["399001.SZ", "399001.SZ", "399001.SZ", "000300.SS", "399001.SZ"],
    })
    status = eventstudy.study(events, window=(-5, 5), data="bundled").events["status"]
    # Saturday 2021-09-11 has day 0 on Monday 2021-09-13: the same event as row 0.
    assert list(status) == [
        "ok", "ok", "duplicate of event 0 (same ticker, market and day 0)", "ok", "ok",
    ]


def test_events_on_two_markets_fit_as_in_separate_studies() -> None:
    markets = ["000300.SS", "399001.SZ"] * 4
    events = pd.DataFrame({"ticker": AUTO_TICKERS, "date": "2021-03-31", "market": markets})
    together = eventstudy.study(events, window=(-5, 5), data="bundled").events
    for market in set(markets):
        alone = eventstudy.study(
            events[events["market"] == market], window=(-5, 5), data="bundled"
        ).events
        mine = together[together["market"] == market].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone, check_exact=True)


def test_no_event_studied_raises() -> None:
    with pytest.raises(InsufficientDataError, match="none of the 1 events"):
        eventstudy.study(
            [("NOPE.SZ", "2021-03-31")], market="000300.SS", window=(-5, 5), data="bundled"
        )


def test_events_with_df_2_are_left_out_of_the_patell_tests_with_a_note() -> None:
    # Four estimation days: the market model leaves df = 2, and Var(SAR) = df / (df - 2).
    res = eventstudy.study(
        [(t, "2021-03-31") for t in PEERS], market="000300.SS", estimation=(-6, -3),
        window=(-2, 2), min_estimation=3, data="bundled",
    )
    for table in (res.aar, res.caars):
        for name in ("patell", "adj_patell"):
            assert table[name].isna().all() and table[f"{name}_p"].isna().all()
        assert table["bmp"].notna().all()
    assert "Left out of the Patell tests" in str(res.summary())



def test_study_warns_of_days_without_an_abnormal_return() -> None:
    """As run() does: the index lacks 2021-09-13, so two events have no AR on days 0 and 1."""
    tickers = ["000800.SZ", "000625.SZ", "399001.SZ"]
    table = pd.concat(
        [eventstudy.load_prices(t, data="bundled").reset_index() for t in tickers],
        ignore_index=True,
    )
    table = table[~((table["ticker"] == "399001.SZ") & (table["date"] == "2021-09-13"))]
    events = [("000800.SZ", "2021-09-13"), ("000625.SZ", "2021-09-13")]
    with pytest.warns(eventstudy.DataQualityWarning, match=r"2 of 2 events have no abnormal "
                      r"value on some event-window days.*2021-09-13, 2021-09-14") as caught:
        res = eventstudy.study(events, market="399001.SZ", window=(-5, 5), data=table)
    assert caught[0].filename == __file__
    assert res.aar.loc[[0, 1]].drop(columns=["n", "n_pos"]).isna().all().all()
    assert np.isnan(res.caar(0, 1)["csect_t"])  # no event has a day to sum
    assert np.isfinite(res.caar(-1, 2)["csect_t"])
    str(res.summary())
    res.to_dict()
