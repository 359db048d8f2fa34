"""Model options of run(): statsmodels OLS, user factors, suspension gaps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import eventstudy
from eventstudy import InvalidInputError
from eventstudy.models import MODELS, ModelName, normal_model

EXPECTED = json.loads(
    (Path(__file__).parent / "results" / "faw_jiefang" / "expected.json").read_text()
)


def test_statsmodels_results_agree_with_the_engine() -> None:
    res = eventstudy.run(
        "000800.SZ", "2021-09-13", market="399001.SZ", window=(-5, 5), data="bundled"
    )
    ols = res.ols
    assert int(ols.nobs) == 240
    assert_allclose(ols.params, [res.params["alpha"], res.params["beta"]], rtol=1e-12)
    assert_allclose(np.sqrt(ols.scale), res.sigma, rtol=1e-12)
    assert_allclose(ols.resid, res.estimation_residuals.to_numpy(), atol=1e-15)
    with pytest.raises(InvalidInputError, match="has no regression"):
        _ = eventstudy.run("000800.SZ", "2021-09-13", model="market_adjusted", data="bundled").ols


def _market_returns_as_factor() -> pd.DataFrame:
    index = eventstudy.load_prices("399001.SZ", data="bundled")
    return pd.DataFrame({"mkt": index["close"] / index["close"].shift(1) - 1}).dropna()


def test_factor_model_with_the_market_as_only_factor_is_the_market_model() -> None:
    # With no suspension in the windows, the market return as a factor reproduces the
    # market model, so the reference numbers of MM_399001 apply.
    res = eventstudy.run(
        "000800.SZ",
        "2021-09-13",
        market="399001.SZ",
        model="factors",
        factors=_market_returns_as_factor(),
        window=(-5, 5),
        data="bundled",
    )
    fit = EXPECTED["fits"]["MM_399001"]
    assert_allclose(res.params["alpha"], fit["alpha"], atol=1e-10)
    assert_allclose(res.params["mkt"], fit["beta"], atol=1e-8)
    assert_allclose(res.sigma, fit["sigma"], atol=1e-10)
    for label, want in EXPECTED["car"]["MM_399001"].items():
        a, b = (int(v) for v in label.strip("[]").split(","))
        car = res.car(a, b)
        assert_allclose(car.car, want["CAR"], atol=1e-10)
        assert_allclose(car.t, want["t_exact"], atol=1e-8)


def test_factor_model_with_a_risk_free_column() -> None:
    factors = _market_returns_as_factor()
    factors["RF"] = 0.0001
    factors["mkt"] -= factors["RF"]
    res = eventstudy.run(
        "000800.SZ",
        "2021-09-13",
        market="399001.SZ",
        model="factors",
        factors=factors,
        window=(-5, 5),
        data="bundled",
    )
    plain = eventstudy.run(
        "000800.SZ", "2021-09-13", market="399001.SZ", window=(-5, 5), data="bundled"
    )
    # Excess returns on excess market returns: same slope and residuals as the market model.
    assert_allclose(res.params["mkt"], plain.params["beta"], rtol=1e-10)
    assert_allclose(res.abnormal["ar"], plain.abnormal["ar"], atol=1e-12)


def test_gap_rows_can_be_dropped_from_the_estimation() -> None:
    # 000800.SZ was suspended 2019-03-28 .. 2019-04-11: its 2019-04-12 return spans the
    # suspension and falls in the estimation window of an event on 2020-03-02.
    kept = eventstudy.run("000800.SZ", "2020-03-02", data="bundled")
    dropped = eventstudy.run("000800.SZ", "2020-03-02", data="bundled", gaps="drop")
    missing = kept.estimation_residuals.index.difference(dropped.estimation_residuals.index)
    assert list(missing) == [pd.Timestamp("2019-04-12")]
    assert kept.nobs == 240 and dropped.nobs == 239


@pytest.mark.parametrize("k", [0, 1, 2])
def test_events_fitted_in_blocks_equal_events_fitted_alone(k: int) -> None:
    from eventstudy.models import FIT_BLOCK_ROWS, fit_ols
    from eventstudy.panel import Series, build_panel

    rng = np.random.default_rng(k)
    days = np.arange("2020-01-01", "2021-06-30", dtype="datetime64[D]").astype("datetime64[ns]")
    x = rng.normal(0.0, 0.01, len(days))
    y = 0.001 + 1.2 * x + rng.normal(0.0, 0.02, len(days))
    y[rng.random(len(days)) < 0.05] = np.nan  # missing days differ between events
    series = Series(days, y, x, np.zeros(len(days), dtype=bool))
    n = 2 * FIT_BLOCK_ROWS + 7
    panel = build_panel(
        series, np.zeros(n, dtype=int), np.full(n, len(days)),
        rng.integers(260, len(days) - 20, n), (-250, -11), (-10, 10),
    )
    regressors = np.stack([panel.x, panel.x**2][:k], axis=2) if k else np.empty((n, 261, 0))
    together = fit_ols(panel, "factors", regressors)
    for i in (0, FIT_BLOCK_ROWS - 1, FIT_BLOCK_ROWS, n - 1):
        alone = fit_ols(panel.take(np.array([i])), "factors", regressors[[i]])
        for name in ("alpha", "beta", "sigma", "nobs", "r2", "ar", "xbar", "sxx_inv", "c"):
            np.testing.assert_array_equal(getattr(together, name)[i], getattr(alone, name)[0])


def test_the_registry_is_the_list_of_model_names() -> None:
    assert tuple(MODELS) == get_args(ModelName)
    with pytest.raises(InvalidInputError, match=r"model='capm' is not valid; use one of "
                       r"'market', 'market_adjusted', 'constant_mean', 'factors'"):
        normal_model("capm")
    assert [name for name, m in MODELS.items() if m.needs_market] == ["market", "market_adjusted"]
    assert [name for name, m in MODELS.items() if not m.ols] == ["market_adjusted"]


def test_volatility_is_a_transform_of_the_measure_fitted_by_the_named_model() -> None:
    res = eventstudy.run("000800.SZ", "2021-09-13", model="constant_mean", measure="volatility",
                         window=(-5, 5), data="bundled")
    assert res.model_name == res.fit.model == "constant_mean"
    assert "constant mean" in str(res.summary())
    # The measure is r²/s_r² − 1 of the returns shown; its normal value is 0, so AR = measure.
    stock = eventstudy.load_prices("000800.SZ", data="bundled")
    r = (stock["close"] / stock["preclose"] - 1).loc[res.estimation_residuals.index]
    ratio = res.abnormal["ret"] ** 2 / r.var(ddof=1) - 1
    assert_allclose(res.abnormal["ar"], ratio, rtol=1e-12)
    assert_allclose(res.abnormal["expected"], 0.0, atol=1e-12)
    assert res.params["alpha"] == 0.0 and np.isnan(res.car(0, 0).se)
    assert_allclose(res.sigma, np.std(r**2 / r.var(ddof=1) - 1, ddof=1), rtol=1e-12)


def test_constant_mean_has_its_ols() -> None:
    res = eventstudy.run("000800.SZ", "2021-09-13", model="constant_mean", data="bundled")
    assert_allclose(res.ols.params, [res.params["alpha"]], rtol=1e-12)
    assert_allclose(np.sqrt(res.ols.scale), res.sigma, rtol=1e-12)
