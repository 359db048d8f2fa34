"""The study tables against reference numbers: auto peers and the estudy2 vignette.

Expected values: tests/results/auto_peers/ and tests/results/estudy2_vignette/ (see their
READMEs for their origin).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import eventstudy
from eventstudy.engine import Batch, prepare
from eventstudy.models import fit
from eventstudy.panel import Series, build_panel, lay_end_to_end
from eventstudy.results.study import StudyResult
from eventstudy.spec import StudySpec
from eventstudy.statistics.conventions import Conventions
from eventstudy.statistics.tables import daily_statistics, event_arrays, window_statistics

RESULTS = Path(__file__).parents[1] / "results"
ORACLES = Path(__file__).resolve().parents[3] / "shared" / "oracles"
TOL = 1e-8

AUTO_TICKERS = [
    "000800.SZ", "600104.SS", "000625.SZ", "601238.SS",
    "002594.SZ", "601633.SS", "000951.SZ", "000338.SZ",
]

# ----------------------------------------------------------------------------- auto peers


@pytest.fixture(scope="module")
def auto_batch() -> Batch:
    return prepare(
        [(t, "2021-03-31") for t in AUTO_TICKERS],
        StudySpec(market="000300.SS", estimation=(-250, -11), window=(-5, 5), data="bundled"),
    )


@pytest.fixture(scope="module")
def auto_result() -> StudyResult:
    return eventstudy.study(
        [(t, "2021-03-31") for t in AUTO_TICKERS],
        market="000300.SS", estimation=(-250, -11), window=(-5, 5), data="bundled",
    )


def test_auto_peers_daily(auto_result: StudyResult) -> None:
    expected = pd.read_csv(RESULTS / "auto_peers" / "expected_daily.csv", index_col="rel_day")
    got = auto_result.aar
    assert list(got.index) == list(expected.index)
    for column in expected:
        assert_allclose(got[column], expected[column], rtol=0, atol=TOL, err_msg=column)


def test_auto_peers_caar(auto_result: StudyResult) -> None:
    expected = pd.read_csv(RESULTS / "auto_peers" / "expected_caar.csv")
    for _, row in expected.iterrows():
        got = auto_result.caar(int(row["start"]), int(row["end"]))
        for column in expected.columns.drop(["start", "end", "rank_car_days"]):
            assert_allclose(got[column], row[column], rtol=0, atol=TOL, err_msg=column)
    standard = auto_result.caars
    assert list(standard.index) == ["[0,0]", "[0,+1]", "[-1,+1]", "[0,+5]", "[-5,+5]"]
    assert_allclose(standard["caar"], expected["caar"], rtol=0, atol=TOL)


def test_auto_peers_rank_over_car_days_and_scalars(auto_batch: Batch) -> None:
    expected = pd.read_csv(RESULTS / "auto_peers" / "expected_caar.csv")
    result = StudyResult(auto_batch, conventions=Conventions(rank_days="car"))
    assert_allclose(result.caars["rank"], expected["rank_car_days"], rtol=0, atol=TOL)
    scalars = pd.read_csv(RESULTS / "auto_peers" / "expected_scalars.csv").iloc[0]
    arrays = event_arrays(auto_batch.panel, auto_batch.fit)
    assert_allclose([arrays.rbar, arrays.s_bw, arrays.p_hat], scalars.to_numpy(), atol=1e-12)


def test_auto_peers_calendar_alignment_is_the_same(auto_batch: Batch) -> None:
    """All 8 stocks traded on the same days, so both alignments agree exactly."""
    rel = StudyResult(auto_batch)
    cal = StudyResult(auto_batch, conventions=Conventions(alignment="calendar"))
    assert_allclose(cal.aar.to_numpy(float), rel.aar.to_numpy(float), rtol=0, atol=1e-12)
    assert_allclose(cal.caars.to_numpy(float), rel.caars.to_numpy(float), rtol=0, atol=1e-12)



# ----------------------------------------------------------------------------- estudy2


def vignette_panel() -> tuple[pd.DataFrame, object, object]:
    path = ORACLES / "estudy2-vignette" / "input_rates.csv"
    if not path.exists():
        pytest.skip("the estudy2 vignette input data is not available")
    rates = pd.read_csv(path)
    tickers = list(dict.fromkeys(rates["ticker"]))
    series, day0 = [], []
    for ticker in tickers:
        rows = rates[rates["ticker"] == ticker].sort_values("date")
        dates = pd.to_datetime(rows["date"]).to_numpy("datetime64[ns]")
        series.append(
            Series(dates, rows["r"].to_numpy(float),
                   rows["r_m"].to_numpy(float), np.zeros(len(rows), dtype=bool))
        )
        day0.append(int(np.flatnonzero(rows["date"].to_numpy() == "2020-03-16")[0]))
    # Estimation 2019-04-01 .. 2020-03-13 holds 240 trading dates: relative days −240..−1.
    laid, starts = lay_end_to_end(series)
    lengths = np.array([len(one.dates) for one in series])
    panel = build_panel(laid, starts, lengths, np.array(day0), (-240, -1), (0, 4))
    return rates, panel, fit(panel, "market")


def test_vignette_relative_days_map_to_the_dates() -> None:
    rates, panel, _ = vignette_panel()
    firm = pd.read_csv(RESULTS / "estudy2_vignette" / "expected_firm_model.csv")
    all_dates = np.sort(pd.to_datetime(rates["date"].unique()).to_numpy("datetime64[ns]"))
    est = all_dates[(all_dates >= np.datetime64("2019-04-01"))
                    & (all_dates <= np.datetime64("2020-03-13"))]
    event = all_dates[(all_dates >= np.datetime64("2020-03-16"))
                      & (all_dates <= np.datetime64("2020-03-20"))]
    assert len(est) == 240 and len(event) == 5
    for i in range(panel.n_events):  # type: ignore[attr-defined]
        assert (panel.dates[i, :240] == est).all()  # type: ignore[attr-defined]
        assert (panel.dates[i, 240:] == event).all()  # type: ignore[attr-defined]
        used = panel.dates[i][panel.est_mask[i]]  # type: ignore[attr-defined]
        assert len(used) == firm["nobs"][i]
        assert used[0] == np.datetime64(firm["est_first_date"][i])


def test_vignette_model_and_ar() -> None:
    _, panel, fitted = vignette_panel()
    firm = pd.read_csv(RESULTS / "estudy2_vignette" / "expected_firm_model.csv")
    assert_allclose(fitted.alpha, firm["alpha"], rtol=0, atol=1e-12)  # type: ignore[attr-defined]
    assert_allclose(fitted.beta[:, 0], firm["beta"], rtol=0, atol=1e-10)  # type: ignore[attr-defined]
    assert_allclose(fitted.sigma, firm["sigma"], rtol=0, atol=1e-12)  # type: ignore[attr-defined]
    arrays = event_arrays(panel, fitted, Conventions.estudy2())  # type: ignore[arg-type]
    assert_allclose(arrays.fit.sigma, firm["sigma_nobs_1"], rtol=0, atol=1e-12)
    ar = pd.read_csv(RESULTS / "estudy2_vignette" / "expected_ar.csv", index_col="date")
    assert_allclose(arrays.ar, ar[list(firm["ticker"])].to_numpy().T, rtol=0, atol=1e-12)


def test_vignette_daily_and_car() -> None:
    _, panel, fitted = vignette_panel()
    arrays = event_arrays(panel, fitted, Conventions.estudy2())  # type: ignore[arg-type]
    daily = daily_statistics(arrays)
    expected = pd.read_csv(RESULTS / "estudy2_vignette" / "expected_daily.csv", index_col="rel_day")
    for column in expected.columns.drop("date"):
        assert_allclose(daily[column], expected[column], rtol=0, atol=TOL, err_msg=column)
    car = window_statistics(arrays, [(0, 4)]).iloc[0]
    expected_car = pd.read_csv(RESULTS / "estudy2_vignette" / "expected_car.csv").iloc[0]
    for column in ("caar", "bw85", "rank"):
        assert_allclose(car[column], expected_car[column], rtol=0, atol=TOL, err_msg=column)


def test_vignette_defaults_differ_only_where_firms_are_missing() -> None:
    """Our default rank test weights days by N_t/N; on this case it differs from estudy2's."""
    _, panel, fitted = vignette_panel()
    ours = daily_statistics(event_arrays(panel, fitted))  # type: ignore[arg-type]
    theirs = daily_statistics(event_arrays(panel, fitted, Conventions.estudy2()))  # type: ignore[arg-type]
    assert_allclose(ours["csect_t"], theirs["csect_t"], atol=1e-12)
    assert_allclose(ours["sign"], theirs["sign"], atol=1e-12)
    assert not np.allclose(ours["rank"], theirs["rank"])
    assert not np.allclose(ours["patell"], theirs["patell"])


def test_daily_tests_flip_sign_with_the_returns(auto_batch: Batch) -> None:
    """Negating every return (stock and market) negates every directional statistic."""
    p, f = auto_batch.panel, auto_batch.fit
    mirrored = build_panel_from(p, -p.y, -p.x)
    a = daily_statistics(event_arrays(p, f))
    b = daily_statistics(event_arrays(mirrored, fit(mirrored, "market")))
    for name in ("aar", "csect_t", "bw85", "patell", "adj_patell", "bmp", "kp", "grank_t"):
        assert_allclose(b[name], -a[name], rtol=1e-9, atol=1e-12, err_msg=name)


def build_panel_from(panel: object, y: np.ndarray, x: np.ndarray) -> object:
    from dataclasses import replace

    return replace(panel, y=y, x=x)  # type: ignore[type-var]


def test_volatility_ratio_windows_are_standardised_by_the_simple_variance() -> None:
    """The variance ratio defines no exact CAR variance: SCAR_i = CAV_i / (σ_i √K)."""
    events = [(t, "2021-03-31") for t in AUTO_TICKERS]
    res = eventstudy.study(
        events, market="000300.SS", window=(-5, 5), measure="volatility", model="constant_mean",
        data="bundled",
    )
    sigma = res._arrays.fit.sigma
    for (start, end), row in zip([(0, 0), (-1, 1), (-5, 5)], ["[0,0]", "[-1,+1]", "[-5,+5]"],
                                 strict=True):
        got = res.caars.loc[row]
        days = res.ar[(res.ar["rel_day"] >= start) & (res.ar["rel_day"] <= end)]
        cav = days.groupby("event", sort=False)["ar"].sum().to_numpy()
        scar = cav / (sigma * np.sqrt(end - start + 1))
        t = scar.mean() / (scar.std(ddof=1) / np.sqrt(len(scar)))
        assert_allclose(got["bmp"], t, rtol=1e-12)
        for name in ("bmp", "kp", "grank_t", "grank_z"):
            assert np.isfinite(got[name]) and np.isfinite(got[f"{name}_p"]), name


def _with_days_missing(batch: Batch, days: dict[int, list[int]]) -> StudyResult:
    """The auto peers with the returns of some events removed on some event-window days."""
    from dataclasses import replace

    panel = batch.panel
    y = panel.y.copy()
    column = dict(zip(panel.rel_days, range(len(panel.rel_days)), strict=True))
    for day, events in days.items():
        y[events, column[day]] = np.nan
    missing = replace(panel, y=y)
    return StudyResult(replace(batch, panel=missing, fit=fit(missing, "market")))


def test_one_caar_with_days_missing_for_some_events(auto_batch: Batch) -> None:
    """The CAAR is the mean of the events' CARs in the table, the tests and the chart."""
    res = _with_days_missing(auto_batch, {0: [0, 1, 2], -5: [5], 2: [6], 3: [6]})
    ar = res.ar.pivot(index="event", columns="rel_day", values="ar")
    for start, end in [(0, 0), (-1, 1), (-5, 5), (0, 5)]:
        days = ar.loc[:, start:end]
        cars = days.sum(axis=1, min_count=1).dropna()
        row = res.caar(start, end)
        assert_allclose(row["caar"], cars.mean(), rtol=1e-13)
        assert row["n"] == len(cars)
        t = cars.mean() / (cars.std(ddof=1) / np.sqrt(len(cars)))
        assert_allclose(row["csect_t"], t, rtol=1e-12)
    band = res.cumulative()
    for end in band.index:
        assert_allclose(band.loc[end, "caar"], res.caar(-5, end)["caar"], rtol=1e-13)


def test_a_day_without_any_abnormal_return(auto_batch: Batch) -> None:
    """Day 0 has no AR: it has no statistic, and windows over it are those of the other days."""
    res = _with_days_missing(auto_batch, {0: list(range(8))})
    counts = ["n", "n_pos"]
    assert res.aar.loc[0].drop(counts).isna().all() and (res.aar.loc[0, counts] == 0).all()
    assert res.caar(0, 0).drop(["start", "end", "n_days", *counts]).isna().all()
    left, right = res.caar(0, 1), res.caar(1, 1)
    stats_ = left.index.drop(["start", "end", "n_days"])
    assert_allclose(left[stats_].to_numpy(float), right[stats_].to_numpy(float), rtol=1e-13)

