"""The results' API, as in linearmodels: params, fit statistics, conf_int, integer counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

import eventstudy
from eventstudy import CarResult, Conventions, InvalidInputError, StudyResult, StudySpec

FAW = "000800.SZ"


@pytest.fixture(scope="module")
def result() -> eventstudy.EventStudyResult:
    return eventstudy.run(FAW, "2021-09-13", market="399001.SZ", window=(-5, 5), data="bundled")


def test_params_hold_the_coefficients_only(result: eventstudy.EventStudyResult) -> None:
    assert list(result.params.index) == ["alpha", "beta"]
    assert result.params.dtype == np.float64
    assert (result.nobs, result.df_resid) == (240, 238)
    assert isinstance(result.nobs, int) and isinstance(result.df_resid, int)
    assert_allclose(result.sigma, result.fit.sigma[0]) and np.isfinite(result.rsquared)
    assert result.estimation_start == pd.Timestamp("2020-09-03")
    assert result.estimation_end == pd.Timestamp("2021-08-27")
    constant = result.rerun(model="constant_mean")
    assert list(constant.params.index) == ["alpha"] and np.isnan(constant.rsquared)


def test_factor_slopes_are_named_after_their_factors() -> None:
    index = eventstudy.load_prices("399001.SZ", data="bundled")
    mkt = index["close"] / index["close"].shift(1) - 1
    factors = pd.DataFrame({"mkt": mkt, "mkt2": mkt**2, "RF": 0.0}).dropna()
    res = eventstudy.run(FAW, "2021-09-13", model="factors", factors=factors, data="bundled")
    assert list(res.params.index) == ["alpha", "mkt", "mkt2"]


@pytest.mark.parametrize(
    ("key", "new"),
    [("sigma", "sigma"), ("r2", "rsquared"), ("nobs", "nobs"), ("df", "df_resid"),
     ("estimation_start", "estimation_start"), ("estimation_end", "estimation_end")],
)
def test_former_params_keys_warn_and_name_the_attribute(
    result: eventstudy.EventStudyResult, key: str, new: str
) -> None:
    with pytest.warns(FutureWarning, match=rf"params\['{key}'\] is deprecated.*result\.{new}"):
        value = result.params[key]
    assert value == getattr(result, new)


def test_former_factor_slope_key_warns() -> None:
    index = eventstudy.load_prices("399001.SZ", data="bundled")
    factors = pd.DataFrame({"mkt": index["close"] / index["close"].shift(1) - 1}).dropna()
    res = eventstudy.run(FAW, "2021-09-13", model="factors", factors=factors, data="bundled")
    with pytest.warns(FutureWarning, match=r"use params\['mkt'\]"):
        assert res.params["beta"] == res.params["mkt"]


def test_daily_conf_int_is_the_prediction_interval(result: eventstudy.EventStudyResult) -> None:
    table = result.abnormal
    ci = result.conf_int(0.90)
    assert list(ci.columns) == ["lower", "upper"] and ci.index.equals(table.index)
    q = stats.t.ppf(0.95, result.df_resid)
    half = q * result.sigma * np.sqrt(table["c"])
    assert_allclose(ci["lower"], table["ar"] - half, rtol=1e-12)
    assert_allclose(ci["upper"], table["ar"] + half, rtol=1e-12)
    # The 95% interval excludes 0 exactly when the day's two-sided p-value is below 0.05.
    ci95 = result.conf_int()
    excludes = (ci95["lower"] > 0) | (ci95["upper"] < 0)
    assert list(excludes) == list(table["sar_pvalue"] < 0.05)
    with pytest.raises(InvalidInputError, match="level=95"):
        result.conf_int(95)


def test_car_conf_int(result: eventstudy.EventStudyResult) -> None:
    car = result.car(-1, 1)
    assert isinstance(car, CarResult)
    lower, upper = car.conf_int()
    half = stats.t.ppf(0.975, result.df_resid) * car.se
    assert_allclose([lower, upper], [car.car - half, car.car + half], rtol=1e-12)
    assert car.conf_int().name == "[-1,+1]"


def test_the_sq_test_says_how_small_its_p_value_can_be(
    result: eventstudy.EventStudyResult,
) -> None:
    # 240 estimation days give 240 one-day and 238 three-day residual sums; no day's volume
    # was as large as that of 2021-09-13, so its SQ p-value is 0, written below 2/240.
    volume = result.volume()
    assert (volume.car(0, 0).sq_floor, volume.car(-1, 1).sq_floor) == (2 / 240, 2 / 238)
    day0 = volume.summary().tables[-1][1].loc["[0,0]"]
    assert day0["sq_pvalue"] == "< 0.009"


def test_counts_are_integers() -> None:
    res = eventstudy.study(
        [(FAW, "2021-03-31"), ("600104.SS", "2021-03-31")], market="000300.SS", window=(-5, 5),
        data="bundled",
    )
    assert isinstance(res, StudyResult)
    for table in (res.aar, res.caars):
        assert table["n"].dtype == np.int64 and table["n_pos"].dtype == np.int64
    assert res.cumulative()["n"].dtype == np.int64
    assert res.aar["n"].tolist() == [2] * 11


def test_the_package_exports_the_result_and_option_types() -> None:
    for name in ("StudyResult", "CarResult", "Conventions", "StudySpec", "EventStudyResult"):
        assert name in eventstudy.__all__
    assert Conventions.estudy2() == eventstudy.Conventions.estudy2()
    assert StudySpec is eventstudy.spec.StudySpec
