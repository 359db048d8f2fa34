"""Abnormal volume and volatility reproduce the independent reference numbers.

Expected values: tests/results/faw_jiefang_volume/ (see its README for their origin).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import eventstudy
from eventstudy import DataQualityWarning, InsufficientDataError

EXPECTED = json.loads(
    (Path(__file__).parent / "faw_jiefang_volume" / "expected.json").read_text()
)
TOL = 1e-12
# 1e-12 is the oracle's suggested tolerance; numbers built from a 240-day OLS in double
# precision differ from the exact decimal value by up to 5e-14 (see the README).

VOLUME_SPECS = {
    "VCM": ("constant_mean", "399001.SZ", "volume"),
    "VCM_raw": ("constant_mean", "399001.SZ", "raw_volume"),
    "VMM_399001": ("market", "399001.SZ", "volume"),
    "VMM_000300": ("market", "000300.SS", "volume"),
}


def _run(model: str, market: str, measure: str) -> eventstudy.EventStudyResult:
    return eventstudy.run(
        "000800.SZ",
        "2021-09-13",
        market=market,
        model=model,  # type: ignore[arg-type]
        measure=measure,
        estimation=(-250, -11),
        window=(-5, 5),
        data="bundled",  # type: ignore[arg-type]
    )


def _close(actual: float, expected: float, raw: bool) -> None:
    if raw:
        assert_allclose(actual, expected, rtol=TOL, atol=0)
    else:
        assert_allclose(actual, expected, rtol=0, atol=TOL)


@pytest.mark.parametrize("spec", list(VOLUME_SPECS))
def test_volume_daily_and_fit(spec: str) -> None:
    res = _run(*VOLUME_SPECS[spec])
    raw = spec == "VCM_raw"
    fit = EXPECTED["fits"][spec]
    params = res.params
    assert res.nobs == fit["L"] and res.df_resid == fit["df"]
    _close(res.sigma, fit["sigma"], raw)
    if "alpha" in fit:
        _close(params["alpha"], fit["alpha"], raw)
        _close(params["beta"], fit["beta"], raw)
        _close(res.rsquared, fit["r2"], raw)
    table = res.abnormal
    own, market = ("volume", "market_volume") if raw else ("log_volume", "market_log_volume")
    for day, want in EXPECTED["daily"][spec].items():
        row = table.loc[int(day)]
        assert f"{row['date']:%Y-%m-%d}" == want["date"]
        _close(row[own], want["y"], raw)
        if "market" in want:
            _close(row[market], want["market"], raw)
        _close(row["expected"], want["expected"], raw)
        _close(row["ar"], want["AV"], raw)
        for column, key in [
            ("c", "C"),
            ("sar", "SAV"),
            ("t", "t"),
            ("pvalue", "p_t"),
            ("sar_pvalue", "p_SAV"),
        ]:
            assert_allclose(row[column], want[key], rtol=0, atol=TOL, err_msg=f"{day} {column}")


def _window(label: str) -> tuple[int, int]:
    a, b = label.strip("[]").split(",")
    return int(a), int(b)


@pytest.mark.parametrize("spec", [*VOLUME_SPECS, "AVOL_EVS"])
def test_cumulative(spec: str) -> None:
    res = (
        _run("constant_mean", "399001.SZ", "volatility")
        if spec == "AVOL_EVS"
        else _run(*VOLUME_SPECS[spec])
    )
    raw = spec == "VCM_raw"
    for label, want in EXPECTED["car"][spec].items():
        car = res.car(*_window(label))
        assert car.k == want["K"]
        _close(car.car, want["CAV"], raw)
        _close(car.se_simple**2, want["var_simple"], raw)
        assert_allclose(car.t_simple, want["t_simple"], rtol=0, atol=TOL)
        assert_allclose(car.pvalue_simple, want["p_simple"], rtol=0, atol=TOL)
        if "var_exact" in want:
            _close(car.se**2, want["var_exact"], raw)
            assert_allclose(car.t, want["t_exact"], rtol=0, atol=TOL)
            assert_allclose(car.pvalue, want["p_exact"], rtol=0, atol=TOL)
        else:
            assert np.isnan(car.se)


def test_variance_ratio() -> None:
    res = _run("constant_mean", "399001.SZ", "volatility")
    fit = EXPECTED["fits"]["AVOL_EVS"]
    assert res.df_resid == fit["df"]
    assert_allclose(res.sigma, fit["sigma"], rtol=0, atol=TOL)
    for day, want in EXPECTED["volatility"]["AVOL_EVS"].items():
        row = res.abnormal.loc[int(day)]
        assert_allclose(row["ret"], want["r"], rtol=0, atol=TOL)
        assert_allclose(row["ar"], want["AV"], rtol=0, atol=TOL)
        assert_allclose(row["ar"] + 1, want["ratio"], rtol=0, atol=TOL)
        for column, key in [
            ("t", "t"),
            ("pvalue", "p_t"),
            ("pvalue_upper", "p_t_upper"),
            ("c", "C"),
            ("sar", "SAV"),
            ("sar_pvalue", "p_SAV"),
        ]:
            assert_allclose(row[column], want[key], rtol=0, atol=TOL, err_msg=f"{day} {column}")


@pytest.mark.parametrize("market", ["399001.SZ", "000300.SS"])
def test_beaver_u(market: str) -> None:
    res = _run("market", market, "volatility")
    spec = "AVOL_MM_" + market[:6]
    for day, want in EXPECTED["volatility"][spec].items():
        row = res.abnormal.loc[int(day)]
        assert_allclose(row["ar"], want["e"], rtol=0, atol=TOL)
        for column, key in [
            ("u", "ratio"),
            ("av", "AV"),
            ("c", "C"),
            ("u_star", "F"),
            ("f_pvalue", "p_F"),
            ("f_pvalue_u", "p_F_U"),
        ]:
            assert_allclose(row[column], want[key], rtol=0, atol=TOL, err_msg=f"{day} {column}")


def test_day0_headline_numbers() -> None:
    res = eventstudy.run(
        "000800.SZ",
        "2021-09-13",
        market="399001.SZ",
        window=(-5, 5),
        measure="volume",
        data="bundled",
    )
    assert res.measure == "volume"
    day0 = EXPECTED["daily"]["VMM_399001"]["0"]
    assert_allclose(res.abnormal.loc[0, "ar"], day0["AV"], rtol=0, atol=TOL)
    assert_allclose(res.abnormal.loc[0, "t"], day0["t"], rtol=0, atol=TOL)
    assert "abnormal log volume" in str(res.summary())


def test_price_and_volume_side_by_side() -> None:
    prices = eventstudy.run("000800.SZ", "2021-09-13", window=(-5, 5), data="bundled")
    volume = prices.volume()
    assert volume.measure == "volume" and volume.event_date == prices.event_date
    day0 = EXPECTED["daily"]["VMM_399001"]["0"]
    assert_allclose(volume.abnormal.loc[0, "ar"], day0["AV"], rtol=0, atol=TOL)


def _own_data(volume_of: dict[str, object]) -> pd.DataFrame:
    frames = []
    for ticker in ("000800.SZ", "399001.SZ"):
        frame = eventstudy.load_prices(ticker, data="bundled").reset_index()
        if ticker in volume_of:
            frame["volume"] = volume_of[ticker]
        frames.append(frame)
    return pd.concat(frames)


def test_index_without_volume() -> None:
    data = _own_data({"399001.SZ": np.nan})
    with pytest.raises(InsufficientDataError, match="has no volume"):
        eventstudy.run("000800.SZ", "2021-09-13", market="399001.SZ", measure="volume", data=data)
    # The constant-mean model needs no market volume.
    res = eventstudy.run(
        "000800.SZ",
        "2021-09-13",
        market="399001.SZ",
        measure="volume",
        model="constant_mean",
        window=(-5, 5),
        data=data,
    )
    assert_allclose(res.abnormal.loc[0, "ar"], EXPECTED["daily"]["VCM"]["0"]["AV"], atol=TOL)


def test_zero_volume_day_is_a_day_without_trading() -> None:
    stock = eventstudy.load_prices("000800.SZ", data="bundled")
    volume = stock["volume"].to_numpy().copy()
    volume[stock.index.get_loc(pd.Timestamp("2021-06-01"))] = 0
    data = _own_data({"000800.SZ": volume})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = eventstudy.run(
            "000800.SZ",
            "2021-09-13",
            market="399001.SZ",
            measure="volume",
            window=(-5, 5),
            data=data,
        )
    assert any(
        issubclass(w.category, DataQualityWarning) and "zero or missing volume" in str(w.message)
        for w in caught
    )
    assert res.nobs == 239
