"""Multi-event statistics and StudyResult against reference numbers and direct computations.

Expected values: tests/results/auto_peers/ and tests/results/estudy2_vignette/ (see their
READMEs for their origin).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

import eventstudy
from eventstudy.engine import Batch, prepare
from eventstudy.errors import InsufficientDataError, InvalidInputError
from eventstudy.models import fit
from eventstudy.panel import Series, build_panel, lay_end_to_end
from eventstudy.results.study import StudyResult
from eventstudy.statistics.multi import (
    Conventions,
    _corrado,
    average_ranks,
    corrado_rank,
    daily_statistics,
    day_codes,
    event_arrays,
    generalized_rank,
    mean_residual_correlation,
    mean_residual_sd,
    rank_sums,
    wilcoxon,
    window_statistics,
)

RESULTS = Path(__file__).parents[1] / "results"
ORACLES = Path(__file__).resolve().parents[3] / "shared" / "oracles"
TOL = 1e-8

AUTO_TICKERS = [
    "000800.SZ", "600104.SS", "000625.SZ", "601238.SS",
    "002594.SZ", "601633.SS", "000951.SZ", "000338.SZ",
]
WINDOWS = [(0, 0), (0, 1), (-1, 1), (0, 5), (-5, 5)]


# ----------------------------------------------------------------------------- auto peers


@pytest.fixture(scope="module")
def auto_batch() -> Batch:
    return prepare(
        [(t, "2021-03-31") for t in AUTO_TICKERS],
        market="000300.SS", estimation=(-250, -11), window=(-5, 5), data="bundled",
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


def test_groups_equal_separate_studies(auto_batch: Batch) -> None:
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


# ----------------------------------------------------------------------------- r̄ by sums


def random_residuals(
    seed: int, n: int = 6, length: int = 30, missing: float = 0.2
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Residuals, validity and calendar dates of n events whose windows partly overlap."""
    rng = np.random.default_rng(seed)
    common = rng.standard_normal(length + 20)
    resid = np.empty((n, length))
    dates = np.empty((n, length), dtype="datetime64[ns]")
    days = pd.bdate_range("2020-01-01", periods=length + 20).to_numpy("datetime64[ns]")
    for i in range(n):
        shift = int(rng.integers(0, 20))
        resid[i] = 0.5 * common[shift : shift + length] + rng.standard_normal(length)
        dates[i] = days[shift : shift + length]
    valid = rng.random((n, length)) > missing
    return np.where(valid, resid, np.nan), valid, dates


def direct_rbar(resid: np.ndarray, valid: np.ndarray, keys: np.ndarray) -> float:
    """Mean over all pairs of Σ z_is z_js on shared days, pair by pair."""
    z = []
    for i in range(len(resid)):
        e = pd.Series(resid[i][valid[i]], index=keys[i][valid[i]])
        d = e - e.mean()
        z.append(d / np.sqrt((d**2).sum()))
    pairs = [
        float((z[i] * z[j]).dropna().sum()) for i, j in itertools.combinations(range(len(z)), 2)
    ]
    return float(np.mean(pairs))


@pytest.mark.parametrize("alignment", ["relative", "calendar"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rbar_by_sums_equals_pairwise(alignment: str, seed: int) -> None:
    resid, valid, dates = random_residuals(seed)
    codes, n_days = day_codes(dates, valid, alignment)  # type: ignore[arg-type]
    relative = np.broadcast_to(np.arange(resid.shape[1]), resid.shape)
    keys = relative if alignment == "relative" else dates
    assert_allclose(
        mean_residual_correlation(resid, valid, codes, n_days), direct_rbar(resid, valid, keys),
        rtol=1e-12,
    )


def test_rbar_is_mean_pearson_correlation_without_missing_days() -> None:
    resid, valid, _ = random_residuals(4, missing=0.0)
    corr = np.corrcoef(resid)
    n = len(resid)
    expected = (corr.sum() - n) / (n * (n - 1))
    assert_allclose(mean_residual_correlation(resid, valid, None, resid.shape[1]), expected)


def test_bw85_sd_calendar_alignment_matches_groupby() -> None:
    resid, valid, dates = random_residuals(5)
    codes, n_days = day_codes(dates, valid, "calendar")
    s_bw, days = mean_residual_sd(resid, valid, codes, n_days)
    frame = pd.DataFrame({"date": dates[valid], "e": resid[valid]})
    by_date = frame.groupby("date")["e"].mean()
    assert days == len(by_date)
    assert_allclose(s_bw, by_date.std(ddof=1))


def direct_grank(
    g: np.ndarray, valid: np.ndarray, keys: np.ndarray, g0: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """GRANK-T and GRANK-Z window by window, event by event (Kolari & Pynnönen 2011)."""
    n, n_windows = g0.shape
    length = valid.sum(axis=1)
    n_all = int(((length > 0) | np.isfinite(g0).any(axis=1)).sum())
    t_out, z_out = [], []
    for k in range(n_windows):
        u_days: dict[object, list[float]] = {}
        u0, var0 = [], 0.0
        for i in range(n):
            est = g[i][valid[i]]
            has0 = np.isfinite(g0[i, k])
            values = np.append(est, g0[i, k]) if has0 else est
            u = stats.rankdata(values) / (len(values) + 1.0) - 0.5
            for key, value in zip(keys[i][valid[i]], u[: len(est)], strict=True):
                u_days.setdefault(key, []).append(float(value))
            if has0:
                u0.append(float(u[-1]))
                var0 += (len(values) - 1.0) / (12.0 * (len(values) + 1.0))
        ubar0 = np.mean(u0)
        t_days = len(u_days) + 1.0
        s2 = sum(len(v) / n_all * np.mean(v) ** 2 for v in u_days.values())
        s_u = np.sqrt((s2 + len(u0) / n_all * ubar0**2) / t_days)
        zr = ubar0 / s_u
        t_out.append(zr * np.sqrt((t_days - 2.0) / (t_days - 1.0 - zr**2)))
        z_out.append(ubar0 / np.sqrt(var0 / len(u0) ** 2))
    return np.array(t_out), np.array(z_out)


@pytest.mark.parametrize("alignment", ["relative", "calendar"])
def test_grank_in_blocks_equals_event_by_event(alignment: str) -> None:
    # More events than one block, missing estimation days, events without a day-0 value
    # in some windows and a day-0 value tied with an estimation value.
    resid, valid, dates = random_residuals(6, n=600, length=30)
    rng = np.random.default_rng(7)
    sigma = rng.uniform(0.5, 2.0, len(resid))
    g0 = rng.standard_normal((len(resid), 3))
    g0[rng.random(g0.shape) < 0.05] = np.nan
    first = np.flatnonzero(valid[10])[0]
    g0[10, 1] = resid[10, first] / sigma[10]
    codes, n_days = day_codes(dates, valid, alignment)  # type: ignore[arg-type]
    keys = np.broadcast_to(np.arange(resid.shape[1]), resid.shape) if codes is None else dates
    got_t, got_z = generalized_rank(resid, sigma, valid, codes, n_days, g0)
    want_t, want_z = direct_grank(resid / sigma[:, None], valid, keys, g0)
    assert_allclose(got_t.statistic, want_t, rtol=1e-10)
    assert_allclose(got_z.statistic, want_z, rtol=1e-10)


def test_grank_window_without_day0_values_is_nan_and_leaves_the_others() -> None:
    resid, valid, _ = random_residuals(10, n=300, length=30)
    sigma = np.ones(len(resid))
    g0 = np.random.default_rng(11).standard_normal((300, 3))
    g0[:, 1] = np.nan
    codes, n_days = day_codes(np.empty(resid.shape), valid, "relative")
    got = generalized_rank(resid, sigma, valid, codes, n_days, g0)
    want = generalized_rank(resid, sigma, valid, codes, n_days, g0[:, [0, 2]])
    for g, w in zip(got, want, strict=True):
        assert np.isnan(g.statistic[1]) and np.isnan(g.pvalue[1])
        assert_allclose(g.statistic[[0, 2]], w.statistic, rtol=1e-15)


@pytest.mark.parametrize("alignment", ["relative", "calendar"])
def test_rank_sums_in_blocks_equal_ranks_of_all_events(alignment: str) -> None:
    resid, valid, dates = random_residuals(8, n=600, length=30)
    event = np.random.default_rng(9).standard_normal((600, 5))
    event[::7, 2] = np.nan
    codes, n_days = day_codes(dates, valid, alignment)  # type: ignore[arg-type]
    sums = rank_sums(resid, valid, codes, n_days, event)
    all_valid = np.concatenate([valid, np.isfinite(event)], axis=1)
    ranks = average_ranks(np.concatenate([resid, event], axis=1), all_valid)
    all_codes = None if codes is None else np.concatenate(
        [codes, np.broadcast_to(n_days + np.arange(5), event.shape)], axis=1
    )
    tested = np.zeros((2, n_days + 5), dtype=bool)
    tested[0, n_days + 2] = True
    tested[1, n_days:] = True
    for missing in ("available", "scaled", "average_centre"):
        want = corrado_rank(ranks, all_valid, all_codes, n_days + 5, tested, missing=missing)
        got = _corrado(sums, tested, missing)  # type: ignore[arg-type]
        assert_allclose(got.statistic, want.statistic, rtol=1e-12)
    est_ranks = average_ranks(resid, valid) / (valid.sum(axis=1) + 2.0)[:, None]
    want_est = pd.Series(est_ranks[valid]).groupby(
        (np.broadcast_to(np.arange(30), valid.shape) if codes is None else codes)[valid]
    ).sum()
    assert_allclose(sums.est_ranks, want_est.to_numpy(), rtol=1e-12)


# ----------------------------------------------------------------------------- invariants


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=3, max_size=30))
def test_average_ranks_match_scipy(values: list[int]) -> None:
    x = np.array(values, dtype=float)[None, :]
    got = average_ranks(x, np.ones_like(x, dtype=bool))
    assert_allclose(got[0], stats.rankdata(values))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.floats(-1, 1, allow_nan=False).filter(lambda v: abs(v) > 1e-6),
        min_size=2, max_size=20, unique=True,
    )
)
def test_wilcoxon_exact_matches_scipy(values: list[float]) -> None:
    if len(set(np.abs(values))) < len(values):
        return
    res = wilcoxon(np.array(values)[:, None])
    ref = stats.wilcoxon(values, method="exact")
    w_plus = sum(r for r, v in zip(stats.rankdata(np.abs(values)), values, strict=True) if v > 0)
    assert res.statistic[0] == w_plus
    assert_allclose(res.pvalue[0], ref.pvalue, rtol=1e-12)


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


def test_rank_test_scaled_equals_available_without_missing() -> None:
    rng = np.random.default_rng(0)
    values = rng.standard_normal((5, 40))
    valid = np.ones_like(values, dtype=bool)
    codes = np.broadcast_to(np.arange(40), values.shape)
    tested = np.zeros((2, 40), dtype=bool)
    tested[0, 35] = True
    tested[1, 35:] = True
    res = [corrado_rank(average_ranks(values, valid), valid, codes, 40, tested, missing=m).statistic
           for m in ("available", "scaled", "average_centre")]
    assert_allclose(res[0], res[1])
    assert_allclose(res[0], res[2])
