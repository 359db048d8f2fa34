"""Simulated size and power (eventstudy.simulate): the draw, the shocks, the tests' rates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

import eventstudy
from eventstudy import _blocks
from eventstudy.errors import InsufficientDataError, InvalidInputError
from eventstudy.simulate import SimulationResult, clopper_pearson, normal_market, simulate
from eventstudy.simulate.design import draw_samples
from eventstudy.statistics.tables import STAT_NAMES


@pytest.fixture(scope="module")
def shipped() -> SimulationResult:
    """The simulation the package promises on its own sample of A shares."""
    return simulate(n_samples=200, n_events=50, shocks=(0.0, 0.01), seed=7)


# --------------------------------------------------------------------------- oracles


def test_clopper_pearson_closed_forms_and_r_binom_test() -> None:
    # x = 0 and x = n have closed forms: (1 - (a/2)^(1/n), 1) and ((a/2)^(1/n), 1).
    low, high = clopper_pearson(np.array([0, 20]), np.array([20, 20]))
    assert low[0] == 0.0 and high[1] == 1.0
    assert high[0] == pytest.approx(1 - 0.025 ** (1 / 20), abs=1e-12)
    assert low[1] == pytest.approx(0.025 ** (1 / 20), abs=1e-12)
    # R 4.3: binom.test(5, 20)$conf.int = 0.08657147 0.49104587
    low, high = clopper_pearson(np.array([5]), np.array([20]))
    assert (low[0], high[0]) == pytest.approx((0.08657147, 0.49104587), abs=1e-8)


def test_clopper_pearson_equals_statsmodels_beta_interval() -> None:
    x = np.array([1, 7, 10, 55, 199])
    n = np.array([10, 200, 200, 1000, 200])
    low, high = clopper_pearson(x, n)
    want = proportion_confint(x, n, alpha=0.05, method="beta")
    assert np.allclose(low, want[0], atol=1e-12) and np.allclose(high, want[1], atol=1e-12)
    assert np.isnan(clopper_pearson(np.array([0]), np.array([0]))[0][0])


# --------------------------------------------------------------------------- the promise


def test_shipped_sample_holds_size_and_has_power(shipped: SimulationResult) -> None:
    rates = shipped.rates
    assert list(rates.columns) == ["test", "window", "shock", "alpha", "rate", "ci_low", "ci_high"]
    assert len(rates) == len(STAT_NAMES) * 2 * 2 * 2
    assert set(rates["test"]) == set(STAT_NAMES) and set(rates["window"]) == {"[0,0]", "[-1,+1]"}
    day0 = shipped.table((0, 0))
    assert day0["0"].between(0.01, 0.12).all(), day0
    for window in shipped.windows:
        for level in shipped.alpha:
            table = shipped.table(window, level)
            assert (table["+1.0%"] > table["0"]).all(), table
    assert ((rates["ci_low"] <= rates["rate"]) & (rates["rate"] <= rates["ci_high"])).all()


def test_same_seed_same_table_on_a_second_call_and_on_one_processor(
    shipped: SimulationResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    again = simulate(n_samples=200, n_events=50, shocks=(0.0, 0.01), seed=7)
    pd.testing.assert_frame_equal(again.rates, shipped.rates)
    monkeypatch.setattr(_blocks, "_processors", lambda: 1)
    _blocks._pool.cache_clear()
    one = simulate(n_samples=200, n_events=50, shocks=(0.0, 0.01), seed=7)
    pd.testing.assert_frame_equal(one.rates, shipped.rates)
    other = simulate(n_samples=200, n_events=50, shocks=(0.0, 0.01), seed=8)
    assert not other.rates["rate"].equals(shipped.rates["rate"])


def test_every_sample_is_the_study_of_its_events(shipped: SimulationResult) -> None:
    for sample in (0, 1):
        events = shipped.events[shipped.events["sample"] == sample]
        study = eventstudy.study(events[["ticker", "date"]], spec=shipped.spec)
        mine = shipped.pvalues[(shipped.pvalues["sample"] == sample)
                               & (shipped.pvalues["shock"] == 0.0)]
        for start, end in shipped.windows:
            caar = study.caar(start, end)
            got = mine[mine["window"] == f"[{start},{'+' if end > 0 else ''}{end}]"]
            for test, p in zip(got["test"], got["pvalue"], strict=True):
                assert p == pytest.approx(caar[f"{test}_p"], abs=1e-14, nan_ok=True), test


def test_a_shock_is_the_study_of_prices_raised_and_cut_at_the_limit() -> None:
    # One date per sample: distinct stocks, so no event's shocked day is in another's windows.
    shock = 0.08  # carries many days past a 5% (ST) or 10% limit
    result = simulate(n_samples=2, n_events=40, shocks=(shock,), seed=11, windows=((0, 0),),
                      clustered=True)
    assert result.cut[0] > 0.0
    prices = result.spec.data
    for sample in range(2):
        events = result.events[result.events["sample"] == sample]
        day0 = prices.set_index(["ticker", "date"]).index.get_indexer(
            pd.MultiIndex.from_frame(events[["ticker", "date"]]))
        rows = prices.iloc[day0]
        limit_up = eventstudy.limits(rows)["limit_up"].to_numpy()
        raised = rows["close"].to_numpy() + shock * rows["preclose"].to_numpy()
        shocked = prices.copy()
        shocked.loc[shocked.index[day0], "close"] = np.where(
            raised > limit_up, np.maximum(rows["close"], limit_up), raised)
        study = eventstudy.study(events[["ticker", "date"]], spec=result.spec.replace(data=shocked))
        caar = study.caar(0, 0)
        got = result.pvalues[result.pvalues["sample"] == sample]
        for test, p in zip(got["test"], got["pvalue"], strict=True):
            assert p == pytest.approx(caar[f"{test}_p"], abs=1e-12, nan_ok=True), test


def test_without_truncation_the_shock_is_added_in_full() -> None:
    cut = simulate(n_samples=20, n_events=20, shocks=(0.0, 0.2), seed=2, windows=((0, 0),))
    full = simulate(n_samples=20, n_events=20, shocks=(0.0, 0.2), seed=2, windows=((0, 0),),
                    truncate=False)
    assert full.cut.tolist() == [0.0, 0.0] and cut.cut[1] > 0.9
    assert (full.table().iloc[:, 0] == cut.table().iloc[:, 0]).all()
    assert full.table().loc["csect_t", "+20.0%"] == 1.0


# --------------------------------------------------------------------------- designs


def test_clustered_samples_share_their_dates() -> None:
    one = simulate(n_samples=4, n_events=12, shocks=(0.0,), clustered=True, seed=3)
    assert (one.events.groupby("sample")["date"].nunique() == 1).all()
    assert (one.events.groupby("sample")["ticker"].nunique() == 12).all()
    three = simulate(n_samples=4, n_events=10, shocks=(0.0,), clustered=3, seed=3)
    sizes = three.events.groupby(["sample", "date"]).size()
    assert sorted(sizes.groupby("sample").apply(sorted).iloc[0]) == [3, 3, 4]


def test_draws_depend_on_the_seed_only() -> None:
    dates = np.repeat(np.arange("2021-01-04", "2021-01-09", dtype="datetime64[D]"), 4)
    first = draw_samples(dates, 5, 3, 0, np.random.default_rng(1))
    ordered = np.sort(first, axis=1)
    assert first.shape == (5, 3) and (ordered[:, 1:] > ordered[:, :-1]).all()  # no repeat
    assert (first == draw_samples(dates, 5, 3, 0, np.random.default_rng(1))).all()
    clustered = draw_samples(dates, 5, 4, 1, np.random.default_rng(1))
    assert all(len(set(dates[row])) == 1 for row in clustered)
    with pytest.raises(InsufficientDataError, match=r"only 0 day\(s\) have 5 or more"):
        draw_samples(dates, 1, 5, 1, np.random.default_rng(1))


def test_a_normal_market_holds_every_size_and_correlation_breaks_the_naive_tests() -> None:
    market = normal_market(200, 400, seed=3)
    plain = simulate(market, market="MARKET", n_samples=100, n_events=30, shocks=(0.0,),
                     seed=4, windows=((0, 0),))
    assert plain.cut.tolist() == [0.0]
    assert plain.table()["0"].between(0.0, 0.12).all()
    correlated = normal_market(200, 400, correlation=0.1, seed=3)
    clustered = simulate(correlated, market="MARKET", n_samples=100, n_events=50,
                         shocks=(0.0,), seed=4, windows=((0, 0),), clustered=True)
    size = clustered.table()["0"]
    assert (size[["csect_t", "patell", "bmp"]] > 0.25).all()  # ignore the correlation
    assert (size[["kp", "adj_patell", "bw85"]] < 0.12).all()  # allow for it
    assert {"csect_t", "patell"} <= set(clustered.size_off["test"])


# --------------------------------------------------------------------------- the result


def test_summary_plot_and_html_name_the_tests(shipped: SimulationResult) -> None:
    text = str(shipped.summary())
    assert "Size and power of 13 tests: 200 samples of 50 events each on a random date" in text
    assert "window [-1,+1]" in text and ("Size off at 5%" in text or "holds its size" in text)
    for test in shipped.size_off["test"]:
        assert test in text.split("Size off at 5%")[1]
    assert "<table" in shipped._repr_html_()
    figure = shipped.plot(window=(-1, 1), alpha=0.01)
    assert len(figure.axes[0].get_lines()) == len(STAT_NAMES) + 1
    assert "window [-1,+1]" in figure.axes[0].get_title(loc="left")
    assert repr(shipped).startswith("<SimulationResult: 200 samples of 50 events")


def test_one_test_and_one_level() -> None:
    result = simulate(n_samples=5, n_events=10, shocks=0.0, tests="kp", alpha=0.05, seed=1,
                      windows=((0, 0),))
    assert result.rates[["test", "window", "shock", "alpha"]].values.tolist() == [
        ["kp", "[0,0]", 0.0, 0.05]]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"tests": ["patel"]}, "unknown test\\(s\\) 'patel'"),
        ({"alpha": 5}, "alpha=5 must be a level between 0 and 1"),
        ({"shocks": (0.0, 2.0)}, "between -1 and 1"),
        ({"windows": ((1, 0),)}, "start <= end"),
        ({"clustered": 60}, "clustered=60 is not valid"),
        ({"n_events": 1}, "n_events=1 must be an integer of at least 2"),
        ({"window": (-5, 5)}, "simulate\\(\\) sets window itself; give it as windows="),
        ({"data": "bundled"}, "give it as prices="),
        ({"measure": "volume"}, "adds its shocks to returns"),
        ({"prices": 3}, "not a price table"),
        ({"windw": (0, 0)}, "unknown setting"),
    ],
)
def test_bad_arguments_are_refused_with_what_to_give(arguments: dict, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        simulate(**{"n_samples": 2, **arguments})


def test_a_universe_too_short_for_the_estimation_window() -> None:
    with pytest.raises(InsufficientDataError, match="estimation window"):
        simulate(normal_market(5, 100), market="MARKET", n_samples=2)
