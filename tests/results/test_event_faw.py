"""The FAW Jiefang event study reproduces the independent reference numbers.

Expected values: tests/results/faw_jiefang/ (see its README for their origin).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

import eventstudy

EXPECTED = json.loads(
    (Path(__file__).parent / "faw_jiefang" / "expected.json").read_text()
)
RET_TOL = 1e-10
STAT_TOL = 1e-8

SPECS = {
    "MM_399001": ("market", "399001.SZ"),
    "MM_000300": ("market", "000300.SS"),
    "MA_399001": ("market_adjusted", "399001.SZ"),
    "MA_000300": ("market_adjusted", "000300.SS"),
    "CM_none": ("constant_mean", "399001.SZ"),
}


@pytest.fixture(scope="module", params=list(SPECS))
def spec(request: pytest.FixtureRequest) -> tuple[str, eventstudy.EventStudyResult]:
    model, market = SPECS[request.param]
    result = eventstudy.run(
        "000800.SZ",
        "2021-09-13",
        market=market,
        model=model,  # type: ignore[arg-type]
        estimation=(-250, -11),
        window=(-5, 5),
        data="bundled",
    )
    return request.param, result


def test_fit(spec: tuple[str, eventstudy.EventStudyResult]) -> None:
    name, result = spec
    expected = EXPECTED["fits"][name]
    params = result.params
    assert result.nobs == expected["L"]
    assert result.df_resid == expected["df"]
    assert f"{result.estimation_start:%Y-%m-%d}" == expected["est_first_date"]
    assert f"{result.estimation_end:%Y-%m-%d}" == expected["est_last_date"]
    assert_allclose(result.sigma, expected["sigma"], rtol=0, atol=RET_TOL)
    if name.startswith("MM"):
        assert_allclose(params["alpha"], expected["alpha"], rtol=0, atol=RET_TOL)
        assert_allclose(params["beta"], expected["beta"], rtol=0, atol=STAT_TOL)
        assert_allclose(result.rsquared, expected["r2"], rtol=0, atol=STAT_TOL)


def test_daily(spec: tuple[str, eventstudy.EventStudyResult]) -> None:
    name, result = spec
    table = result.abnormal
    expected = EXPECTED["daily"][name]
    days = sorted(int(d) for d in expected)
    assert list(table.index) == days
    for column, key, tol in [
        ("ret", "r", RET_TOL),
        ("market_ret", "r_m", RET_TOL),
        ("ar", "AR", RET_TOL),
        ("c", "C", STAT_TOL),
        ("sar", "SAR", STAT_TOL),
        ("t", "t", STAT_TOL),
        ("pvalue", "p_t", STAT_TOL),
        ("sar_pvalue", "p_SAR", STAT_TOL),
        ("rank", "corrado", STAT_TOL),
    ]:
        if name.startswith("CM") and column == "market_ret":
            continue
        want = [expected[str(d)][key] for d in days]
        assert_allclose(table[column].to_numpy(), want, rtol=0, atol=tol, err_msg=column)
    assert [f"{d:%Y-%m-%d}" for d in table["date"]] == [expected[str(d)]["date"] for d in days]
    # The rank test's p-value is exact for one firm, not the oracle's normal one (README):
    # each day's rank K among the T = 251 values, recovered from the oracle's statistic,
    # gives p = 2 min(K, T - K + 1) / T.
    t = 251
    scale = np.sqrt((t**2 - 1) / 12)
    rank = np.array([(t + 1) / 2 + expected[str(d)]["corrado"] * scale for d in days])
    assert_allclose(rank, np.round(rank), rtol=0, atol=0.01)  # no event day is tied
    rank = np.round(rank)
    want = np.minimum(1.0, 2.0 * np.minimum(rank, t - rank + 1) / t)
    assert_allclose(table["rank_pvalue"].to_numpy(), want, rtol=0, atol=STAT_TOL)


def _window(label: str) -> tuple[int, int]:
    a, b = label.strip("[]").split(",")
    return int(a), int(b)


def test_car(spec: tuple[str, eventstudy.EventStudyResult]) -> None:
    name, result = spec
    for label, want in EXPECTED["car"][name].items():
        car = result.car(*_window(label))
        assert car.k == want["K"]
        assert_allclose(car.car, want["CAR"], rtol=0, atol=RET_TOL)
        assert_allclose(car.se**2, want["var_exact"], rtol=0, atol=1e-14)
        assert_allclose(car.se_simple**2, want["var_simple"], rtol=0, atol=1e-14)
        assert_allclose(car.t, want["t_exact"], rtol=0, atol=STAT_TOL)
        assert_allclose(car.pvalue, want["p_exact"], rtol=0, atol=STAT_TOL)
        assert_allclose(car.t_simple, want["t_simple"], rtol=0, atol=STAT_TOL)
        assert_allclose(car.pvalue_simple, want["p_simple"], rtol=0, atol=STAT_TOL)


@pytest.mark.parametrize("market", ["399001", "000300"])
def test_sq(market: str) -> None:
    index = "399001.SZ" if market == "399001" else "000300.SS"
    result = eventstudy.run("000800.SZ", "2021-09-13", market=index, window=(-5, 5), data="bundled")
    for want in EXPECTED["sq"][market]:
        sq = result.car(want["start"], want["end"]).sq
        assert (sq.n_sums, sq.n_le, sq.n_ge) == (want["n_sums"], want["n_le"], want["n_ge"])
        assert_allclose(sq.car, want["car"], rtol=0, atol=RET_TOL)
        for key in ("percentile", "p_upper", "p_lower", "p_two_sided"):
            assert_allclose(getattr(sq, key), want[key], rtol=0, atol=1e-12)


def test_saturday_news_moves_day0_to_monday() -> None:
    result = eventstudy.run("000800.SZ", "2021-09-11", window=(-5, 5), data="bundled")
    assert result.event_date == np.datetime64("2021-09-13")
    assert result.requested_date.date().isoformat() == "2021-09-11"
    assert result.day0_reason == "2021-09-11 is a Saturday"
    assert result.market == "399001.SZ"
    assert_allclose(
        result.abnormal.loc[0, "ar"],
        EXPECTED["daily"]["MM_399001"]["0"]["AR"],
        rtol=0,
        atol=RET_TOL,
    )
