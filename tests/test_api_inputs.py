"""Bad or unusual input through the public API: clear errors, honest numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import eventstudy
from eventstudy import DataQualityWarning, InsufficientDataError, InvalidInputError
from eventstudy.cli import main
from eventstudy.sources.owndata import OwnTable

FAW = "000800.SZ"


def _own() -> pd.DataFrame:
    frames = [eventstudy.load_prices(t, data="bundled").reset_index() for t in (FAW, "399001.SZ")]
    return pd.concat(frames, ignore_index=True)


def test_one_missing_preclose_falls_back_for_that_day_only() -> None:
    table = _own().drop(columns="adj_close")
    table.loc[(table["ticker"] == FAW) & (table["date"] == "2020-01-06"), "preclose"] = np.nan
    with pytest.warns(DataQualityWarning, match=r"1 day\(s\) have neither.*2020-01-06"):
        res = eventstudy.run(FAW, "2021-07-15", window=(-1, 1), data=table)
    # The ex-dividend day keeps its total return: close / preclose with preclose 11.56.
    stock = eventstudy.load_prices(FAW, data="bundled")
    assert stock.loc["2021-07-15", "preclose"] == 11.56
    assert_allclose(res.abnormal.loc[0, "ret"], stock.loc["2021-07-15", "close"] / 11.56 - 1)


def test_volume_with_market_adjusted_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="no meaning for volume"):
        eventstudy.run(FAW, "2021-09-13", measure="volume", model="market_adjusted", data="bundled")


def test_beavers_u_is_single_event_only() -> None:
    res = eventstudy.run(FAW, "2021-09-13", measure="volatility", data="bundled")
    assert {"u", "u_star", "f_pvalue"} <= set(res.abnormal.columns)
    assert res.cars.empty
    with pytest.raises(InvalidInputError, match="no cumulative form"):
        res.car(0, 0)
    with pytest.raises(InvalidInputError, match="single-event test"):
        eventstudy.study([(FAW, "2021-09-13")], measure="volatility", data="bundled")


def _factors_from(start: str) -> pd.DataFrame:
    index = eventstudy.load_prices("399001.SZ", data="bundled")
    mkt = (index["close"] / index["close"].shift(1) - 1).dropna()
    return pd.DataFrame({"mkt": mkt.loc[start:]})


def test_factor_days_count_towards_the_minimum() -> None:
    # 2021-08-02 .. 2021-08-27 (day -11) holds 20 trading days.
    with pytest.raises(InsufficientDataError, match=r"too few estimation observations: 20 usable"):
        eventstudy.run(
            FAW, "2021-09-13", model="factors", factors=_factors_from("2021-08-02"), data="bundled"
        )
    res = eventstudy.run(
        FAW, "2021-09-13", model="factors", factors=_factors_from("2021-02-01"), data="bundled"
    )
    assert res.nobs == len(res.estimation_residuals) < 240
    assert res.estimation_start >= pd.Timestamp("2021-02-01")
    assert res.car(0, 0).sq.n_sums == res.nobs


def test_time_varying_risk_free_rate() -> None:
    factors = _factors_from("2019-01-03")
    rng = np.random.default_rng(7)
    factors["RF"] = rng.uniform(0.0, 0.0004, len(factors))
    res = eventstudy.run(
        FAW, "2021-09-13", model="factors", factors=factors, window=(-5, 5), data="bundled"
    )
    # Expected value computed directly: OLS of r - RF on [1, mkt] over the estimation days.
    plain = eventstudy.run(FAW, "2021-09-13", window=(-5, 5), data="bundled")
    days = plain.estimation_residuals.index
    stock = eventstudy.load_prices(FAW, data="bundled")
    y = (stock["close"] / stock["preclose"] - 1).loc[days] - factors["RF"].loc[days]
    x = factors["mkt"].loc[days]
    design = np.column_stack([np.ones(len(x)), x])
    alpha, beta = np.linalg.lstsq(design, y.to_numpy(), rcond=None)[0]
    assert_allclose([res.params["alpha"], res.params["mkt"]], [alpha, beta], rtol=1e-9)
    day0 = pd.Timestamp("2021-09-13")
    want = stock.loc[day0, "close"] / stock.loc[day0, "preclose"] - 1 - factors.loc[day0, "RF"]
    want -= alpha + beta * factors.loc[day0, "mkt"]
    assert_allclose(res.abnormal.loc[0, "ar"], want, atol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_estimation": 1}, "too small"),
        ({"min_estimation": 2.5}, "must be an integer"),
        ({"window": 5}, "must be a pair of integers"),
        ({"estimation": None}, "must be a pair of integers"),
        ({"factors": pd.DataFrame({"f": [0.1]}, index=["2021-01-04"])}, "used only by"),
        ({"data": "bundle"}, "neither one of"),
        ({"data": 5}, "is not valid"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        eventstudy.run(FAW, "2021-09-13", **kwargs)  # type: ignore[arg-type]


def test_bad_factor_tables() -> None:
    repeated = pd.DataFrame({"f": [0.1, 0.2]}, index=["2021-01-04", "2021-01-04"])
    with pytest.raises(InvalidInputError, match="repeats dates"):
        eventstudy.run(FAW, "2021-09-13", model="factors", factors=repeated, data="bundled")
    words = pd.DataFrame({"f": ["a"]}, index=["2021-01-04"])
    with pytest.raises(InvalidInputError, match="not numbers"):
        eventstudy.run(FAW, "2021-09-13", model="factors", factors=words, data="bundled")


def test_dates_that_are_not_dates() -> None:
    with pytest.raises(InvalidInputError, match="is a number, not a date"):
        eventstudy.run(FAW, 20210913, data="bundled")  # type: ignore[arg-type]
    far = pd.Timestamp("2035-01-02 10:00", tz="UTC")  # beyond the exchange calendar
    with pytest.raises(InsufficientDataError, match="no trading day on or after 2035-01-02"):
        eventstudy.run(FAW, far, data="bundled")
    res = eventstudy.study(
        pd.DataFrame(
            {
                "ticker": [FAW, "600104.SS", "000625.SZ"],
                "date": [20210913, "2021-03-31", "notadate"],
            }
        ),
        market="000300.SS",
        data="bundled",
    )
    assert list(res.events["status"] == "ok") == [False, True, False]
    assert "is a number" in res.events.at[0, "status"]
    assert "'notadate' is not a date" in res.events.at[2, "status"]


def test_constant_mean_needs_no_market() -> None:
    only_stock = _own().query("ticker == @FAW")
    res = eventstudy.run(FAW, "2021-09-13", model="constant_mean", window=(-5, 5), data=only_stock)
    cm = eventstudy.run(FAW, "2021-09-13", model="constant_mean", window=(-5, 5), data="bundled")
    assert_allclose(res.abnormal["ar"], cm.abnormal["ar"], atol=1e-15)


def test_stock_as_its_own_market() -> None:
    with pytest.raises(InvalidInputError, match="same series"):
        eventstudy.run("399001.SZ", "2021-09-13", data="bundled")


def test_missing_market_day_is_warned() -> None:
    table = _own()
    table = table[~((table["ticker"] == "399001.SZ") & (table["date"] == "2021-09-13"))]
    with pytest.warns(DataQualityWarning, match=r"no abnormal value on 2 event-window day"):
        res = eventstudy.run(FAW, "2021-09-13", window=(-5, 5), data=table)
    assert np.isnan(res.abnormal.loc[0, "ar"]) and np.isnan(res.abnormal.loc[1, "ar"])


def test_claimed_limit_move_on_a_day_without_it() -> None:
    verdict = eventstudy.check_claim(FAW, "2021-09-14", pct=10, data="bundled")
    limit = verdict.to_frame().query("reference == 'limit-up price'").iloc[0]
    assert not limit["matches"]
    assert "did not reach" in verdict.sentences[0]


def test_cli_study_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["study", "/nonexistent/events.csv"]) == 2
    assert "cannot read the events file" in capsys.readouterr().err
    assert main(["run", FAW, "2021-09-13", "--data", "bundle"]) == 2
    assert "neither one of" in capsys.readouterr().err


def test_collinear_factors_are_refused() -> None:
    factors = _factors_from("2019-01-03")
    factors["twice"] = 2 * factors["mkt"]
    with pytest.raises(InsufficientDataError, match="collinear"):
        eventstudy.run(FAW, "2021-09-13", model="factors", factors=factors, data="bundled")


def test_a_refused_own_table_is_every_events_status() -> None:
    own = _own()
    own.loc[own.index[5], "close"] = -1.0
    with pytest.raises(InsufficientDataError, match=r"none of the 2 events could be studied"):
        eventstudy.study([("000800.SZ", "2021-09-13"), ("000800.SZ", "2021-03-31")], data=own,
                         market="399001.SZ")


def test_close_to_close_is_warned_once_per_stock_with_its_days() -> None:
    own = pd.concat(
        [eventstudy.load_prices(t, data="bundled").reset_index()
         for t in ("000625.SZ", FAW, "399001.SZ")],
        ignore_index=True,
    ).drop(columns=["preclose", "adj_close"])
    with pytest.warns(DataQualityWarning) as caught:
        eventstudy.study([("000625.SZ", "2021-09-13"), ("000800.SZ", "2021-09-13")], data=own,
                         market="399001.SZ")
    texts = sorted(str(w.message) for w in caught if "close-to-close" in str(w.message))
    counts = own[own["ticker"] != "399001.SZ"].groupby("ticker").size() - 1  # no first day
    assert [t.split(":")[0] for t in texts] == ["000625.SZ", "000800.SZ"]
    for text in texts:
        assert f"{counts[text.split(':')[0]]} day(s) have neither" in text


def test_results_do_not_change_when_the_users_table_does() -> None:
    own = _own()
    result = eventstudy.study([("000800.SZ", "2021-09-13")], data=own, market="399001.SZ")
    own["date"] = own["date"] + pd.Timedelta(days=365)  # the user reuses the frame
    ar = result.ar
    assert ar.loc[ar["rel_day"] == 0, "date"].tolist() == [pd.Timestamp("2021-09-13")]
    assert result.provenance[0]["first"] == "2019-01-02"


def test_own_table_provenance_is_one_record_whatever_was_read_first() -> None:
    result = eventstudy.run(FAW.lower(), "2021-09-13", market="399001.SZ", data=_own())
    before = result.provenance
    _ = result.prices  # the frame of the stock, read from the same checked table
    assert result.provenance == before
    assert before[0]["detail"] == f"DataFrame passed as data ({len(_own())} rows)"
    assert [r["ticker"] for r in before] == [FAW, "399001.SZ"]  # one spelling everywhere


def test_rerun_reuses_the_prices_already_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[object] = []
    read = OwnTable.read.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(
        OwnTable, "read", classmethod(lambda cls, s: reads.append(s) or read(cls, s))
    )
    first = eventstudy.run(FAW, "2021-09-13", market="399001.SZ", data=_own())
    adjusted = first.rerun(model="market_adjusted")
    assert len(reads) == 1  # the table is read once, for the first study
    assert adjusted.model_name == "market_adjusted"
    alone = eventstudy.run(FAW, "2021-09-13", market="399001.SZ", model="market_adjusted",
                           data=_own())
    pd.testing.assert_frame_equal(adjusted.abnormal, alone.abnormal, check_exact=True)
    assert adjusted.provenance == alone.provenance
    first.rerun(window=(-5, 5))
    assert len(reads) == 3  # a new calendar span is loaded anew
    with pytest.raises(InvalidInputError, match="unknown setting"):
        first.rerun(windw=(-5, 5))
