"""Claim checks: the FAW Jiefang case, the matching rule, and bad input."""

from __future__ import annotations

import functools
import importlib
import inspect
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

import eventstudy
from eventstudy import ClaimVerdict, check_claim
from eventstudy.claims import ClaimOptions
from eventstudy.claims.comparison import round_like
from eventstudy.errors import InsufficientDataError, InvalidInputError
from eventstudy.sources import load_prices

FAW = "000800.SZ"
PRICE_SENTENCE = (
    "12.78 CNY matches the intraday high (12.78, +9.98%), which was the 10% limit-up price; "
    "it does not match the close (12.11, +4.22%)."
)
PCT_SENTENCE = (
    "+10% matches the move to the intraday high (+9.98%), which was the 10% limit-up move; "
    "it does not match the close-to-close move (+4.22%) or the abnormal return net of the "
    "market (+4.53%)."
)


@pytest.fixture(scope="module", params=["2021-09-13", "2021-09-11"])
def faw(request: pytest.FixtureRequest) -> ClaimVerdict:
    result = eventstudy.run(FAW, request.param, data="bundled")
    return result.check_claim(pct=10, price=12.78)  # type: ignore[no-any-return]


def _row(verdict: ClaimVerdict, kind: str, reference: str) -> pd.Series:
    frame = verdict.to_frame()
    return frame[(frame["kind"] == kind) & (frame["reference"] == reference)].iloc[0]


def test_faw_is_judged_on_monday(faw: ClaimVerdict) -> None:
    assert faw.event_date == pd.Timestamp("2021-09-13")
    if faw.requested_date == pd.Timestamp("2021-09-11"):
        assert faw.day0_reason == "2021-09-11 is a Saturday"


def test_faw_price_matches_high_and_limit_not_close(faw: ClaimVerdict) -> None:
    assert faw.matched("price") == ["intraday high", "limit-up price"]
    assert faw.limit_up == Decimal("12.78")
    close = _row(faw, "price", "close")
    assert (close["observed"], bool(close["matches"])) == (12.11, False)
    assert faw.sentences[0] == PRICE_SENTENCE


def test_faw_pct_matches_high_and_limit_not_close(faw: ClaimVerdict) -> None:
    assert faw.matched("pct") == ["intraday high", "limit-up price"]
    high, close = _row(faw, "pct", "intraday high"), _row(faw, "pct", "close")
    assert round(high["observed"], 2) == 9.98
    assert round(close["observed"], 2) == 4.22
    assert not bool(close["matches"])
    assert faw.sentences[1] == PCT_SENTENCE


def test_faw_abnormal_return_is_reported_beside(faw: ClaimVerdict) -> None:
    assert faw.abnormal_return is not None
    assert round(faw.abnormal_return, 6) == 0.045264
    row = _row(faw, "pct", "abnormal return")
    assert not bool(row["matches"])
    assert "399001.SZ" in row["note"]
    text = str(faw)
    assert "Abnormal return on day 0: +4.53%" in text
    assert "touched limit-up but closed below it" in text


def test_standalone_check_claim_equals_the_result_method(faw: ClaimVerdict) -> None:
    alone = check_claim(FAW, faw.requested_date, pct="10%", price="12.78", data="bundled")
    assert alone.sentences == faw.sentences
    pd.testing.assert_frame_equal(alone.to_frame(), faw.to_frame())


def test_display(faw: ClaimVerdict) -> None:
    html = faw._repr_html_()
    assert "<table" in html and "limit-up" in html
    assert PRICE_SENTENCE in str(faw)


def test_usd_figure_is_judged_at_the_bundled_rate() -> None:
    # FRED DEXCHUS, 2021-09-13: 6.4511 CNY per USD; 12.78 / 6.4511 = 1.98106 → 1.98.
    verdict = check_claim(FAW, "2021-09-11", usd_price="1.98", data="bundled")
    assert verdict.matched("usd_price") == ["intraday high", "limit-up price"]
    assert verdict.fx is not None
    assert (verdict.fx.rate, verdict.fx.date) == (Decimal("6.4511"), pd.Timestamp("2021-09-13"))
    assert "Converted at 6.4511 CNY per USD on 2021-09-13 (FRED DEXCHUS" in verdict.sentences[0]


def test_a_day_without_a_fred_rate_says_which_rate_it_used() -> None:
    # 2021-09-06 (US Labor Day) traded in Shenzhen, but FRED has no rate for it.
    verdict = check_claim(FAW, "2021-09-06", usd_price="1.82", data="bundled")
    assert verdict.fx is not None and verdict.fx.date == pd.Timestamp("2021-09-03")
    assert verdict.matched("usd_price") == ["close"]  # 11.76 / 6.4528 = 1.8224
    assert (
        "FRED DEXCHUS has no rate for 2021-09-06; the latest earlier one, of 2021-09-03, is used"
        in verdict.sentences[0]
    )


def test_usd_figure_without_a_rate_is_not_checkable(monkeypatch: pytest.MonkeyPatch) -> None:
    fx = importlib.import_module("eventstudy.sources.fx")
    monkeypatch.setattr(fx, "_CANDIDATES", ())  # as if the bundled rates were missing
    fx._bundled.cache_clear()
    try:
        verdict = check_claim(FAW, "2021-09-11", usd_price="1.98", data="bundled")
    finally:
        fx._bundled.cache_clear()
    (row,) = verdict.to_frame().itertuples()
    assert row.matches is pd.NA
    assert verdict.fx is None
    assert verdict.sentences[0].startswith("US$1.98 is not checkable: No CNY per USD rate")
    assert "fx_rate" in verdict.sentences[0]


def test_usd_figure_with_a_given_rate() -> None:
    # A rate the user gives (CNY per USD); 12.78 / 6.45 = 1.9814 → 1.98 at two decimals.
    verdict = check_claim(FAW, "2021-09-11", usd_price="1.98", fx_rate="6.45", data="bundled")
    assert verdict.matched("usd_price") == ["intraday high", "limit-up price"]
    assert "6.45 CNY per USD (given)" in verdict.sentences[0]


def test_usd_price_given_as_price_with_currency() -> None:
    verdict = check_claim(FAW, "2021-09-13", price="1.98", currency="$", fx_rate=6.45,
                          data="bundled")
    assert verdict.matched("usd_price") == ["intraday high", "limit-up price"]


@pytest.mark.parametrize(
    ("pct", "matched"),
    [
        ("10%", ["intraday high", "limit-up price"]),
        ("9.98", ["intraday high", "limit-up price"]),
        ("10.0", ["intraday high", "limit-up price"]),  # 9.98 → 10.0 at one decimal
        ("9.9%", []),
        ("4%", ["close"]),
        ("4.22", ["close"]),
        ("4.2", ["close"]),
        ("4.5", ["abnormal return"]),  # the abnormal return was +4.5264%
        ("5", ["abnormal return"]),
        (10.0, ["intraday high", "limit-up price"]),
        (Decimal("9.983"), ["intraday high", "limit-up price"]),
    ],
)
def test_matching_rule_uses_the_figure_precision(pct: object, matched: list[str]) -> None:
    verdict = check_claim(FAW, "2021-09-13", pct=pct, data="bundled")
    assert verdict.matched("pct") == matched


def test_round_like() -> None:
    assert round_like(Decimal("9.9828"), Decimal("10")) == Decimal("10")
    assert round_like(Decimal("12.785"), Decimal("12.78")) == Decimal("12.79")


def test_a_whole_float_is_read_without_decimals() -> None:
    verdict = check_claim(FAW, "2021-09-13", pct=10.0, data="bundled")
    assert verdict.checks[0].claimed.as_tuple().exponent == 0


def test_pct_direction_rules() -> None:
    fall = check_claim(FAW, "2021-09-14", pct=-4, data="bundled")
    assert fall.checks[0].claimed == Decimal("-4")
    assert [c.reference for c in fall.checks] == [
        "close", "intraday low", "limit-down price", "abnormal return",
    ]
    # 2021-09-14 closed −3.96%; the abnormal return was −3.61%: both round to −4
    assert fall.matched("pct") == ["close", "abnormal return"]
    same = check_claim(FAW, "2021-09-14", pct="4", direction="down", data="bundled")
    assert same.sentences == fall.sentences
    with pytest.raises(InvalidInputError, match="direction='up'"):
        check_claim(FAW, "2021-09-14", pct=-4, direction="up", data="bundled")
    with pytest.raises(InvalidInputError, match="direction"):
        check_claim(FAW, "2021-09-14", pct=4, direction="sideways", data="bundled")


def test_bare_price_direction_comes_from_the_previous_close() -> None:
    # 2021-09-14: previous close 12.11, low 11.53; a level below 12.11 is read as a fall.
    verdict = check_claim(FAW, "2021-09-14", price="11.53", data="bundled")
    assert verdict.matched("price") == ["intraday low"]
    above = check_claim(FAW, "2021-09-13", price="12.04", data="bundled")
    assert [c.reference for c in above.checks][1] == "intraday high"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "Nothing to check"),
        ({"price": -12.78}, "positive"),
        ({"price": "0"}, "positive"),
        ({"usd_price": "-1.98"}, "positive"),
        ({"usd_price": "1.98", "fx_rate": 0}, "positive"),
        ({"pct": -100}, "100%"),
        ({"pct": "ten"}, "not a number"),
        ({"pct": float("nan")}, "finite"),
        ({"price": "12.78", "currency": "EUR"}, "trades in CNY"),
        ({"price": "12.78", "currency": "dollars?"}, "not a currency"),
    ],
)
def test_bad_claims_are_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        check_claim(FAW, "2021-09-13", data="bundled", **kwargs)  # type: ignore[arg-type]


def test_currency_words_are_accepted() -> None:
    for word in ("yuan", "RMB", "元", "cny"):
        verdict = check_claim(FAW, "2021-09-13", price="12.11", currency=word, data="bundled")
        assert verdict.matched("price") == ["close"]


def test_a_date_with_no_trading_after_it() -> None:
    with pytest.raises(InsufficientDataError, match="no trading day on or after"):
        check_claim(FAW, "2022-02-01", pct=10, data="bundled")


@pytest.fixture()
def faw_rows() -> pd.DataFrame:
    """Real 000800.SZ rows, as a table of one's own (no market index in it)."""
    return load_prices(FAW, "2021-08-01", "2021-09-30", data="bundled").reset_index()


def test_unknown_board_cannot_judge_the_limit(faw_rows: pd.DataFrame) -> None:
    rows = faw_rows.assign(ticker="510300.SS")  # the same real rows under a fund's code
    verdict = check_claim("510300.SS", "2021-09-13", price="12.78", data=rows)
    assert verdict.rule is None
    limit = verdict.to_frame().iloc[2]
    assert limit["matches"] is pd.NA
    assert "no price-limit rule" in limit["note"]
    assert verdict.matched("price") == ["intraday high"]
    assert "not a known SSE A-share board" in str(verdict)


def test_without_an_index_the_abnormal_return_is_not_available(faw_rows: pd.DataFrame) -> None:
    verdict = check_claim(FAW, "2021-09-13", pct=10, data=faw_rows)
    assert verdict.abnormal_return is None
    assert "Abnormal return on day 0: not available" in str(verdict)
    assert verdict.matched("pct") == ["intraday high", "limit-up price"]


def test_without_a_default_index_the_claim_is_judged_on_the_prices(
    faw_rows: pd.DataFrame,
) -> None:
    rows = faw_rows.assign(ticker="TEST.XX")  # the same real rows on a market not registered
    verdict = check_claim("TEST.XX", "2021-09-13", price="12.78", data=rows)
    assert verdict.abnormal_return is None
    assert "not available (No default market index for 'TEST.XX'" in str(verdict)
    assert verdict.matched("price") == ["intraday high"]


def test_missing_preclose_cannot_judge_moves(faw_rows: pd.DataFrame) -> None:
    faw_rows.loc[faw_rows["date"] == "2021-09-13", "preclose"] = np.nan
    verdict = check_claim(FAW, "2021-09-13", pct=10, price="12.78", data=faw_rows)
    frame = verdict.to_frame()
    assert frame.loc[frame["kind"] == "pct", "matches"].isna().all()
    assert verdict.limit_up is None
    assert verdict.matched("price") == ["intraday high"]
    assert verdict.sentences[1].startswith("+10% cannot be judged")


def test_outside_mainland_no_limit_is_applied(faw_rows: pd.DataFrame) -> None:
    rows = faw_rows.assign(ticker="TEST")  # the same real rows under a US-style ticker
    verdict = check_claim("TEST", "2021-09-13", price="12.78", data=rows)
    assert verdict.rule is not None and not verdict.rule.has_limits
    assert "no daily price limit" in verdict.rule_note
    assert "12.78 USD" in verdict.sentences[0]
    assert verdict.sentences[0].endswith(
        "Cannot judge against the limit-up price (no daily price limit (limit-up/limit-down "
        "bands pause trading briefly; they are not a daily limit))."
    )


def test_a_market_whose_limits_are_not_modelled_says_so(faw_rows: pd.DataFrame) -> None:
    rows = faw_rows.assign(ticker="7203.T")  # the same real rows under a Tokyo code
    verdict = check_claim("7203.T", "2021-09-13", price="12.78", data=rows)
    assert verdict.sentences[0].endswith(
        "Cannot judge against the limit-up price (Tokyo's daily price limits (yen amounts by "
        "price band) are not modelled: no daily price limit is applied)."
    )


def test_a_converted_figure_without_a_limit_is_converted_once(faw_rows: pd.DataFrame) -> None:
    rows = faw_rows.assign(ticker="510300.SS")  # the same real rows under a fund's code
    verdict = check_claim("510300.SS", "2021-09-13", usd_price="1.98", data=rows)
    (usd,) = verdict.sentences
    assert usd.startswith("US$1.98 matches the intraday high (1.98, +9.98%)")
    assert usd.count("onverted at") == 1
    assert usd.endswith("Converted at 6.4511 CNY per USD on 2021-09-13 (FRED DEXCHUS, H.10 noon "
                        "buying rate in New York; bundled).")


def test_extracted_claim_feeds_check_claim() -> None:
    (claim,) = eventstudy.claims.extract("Shares jumped 10% to 12.78 yuan.")
    verdict = check_claim(FAW, "2021-09-11", data="bundled", **claim.to_kwargs())
    assert verdict.matched("price") == ["intraday high", "limit-up price"]


def test_an_extracted_claim_is_passed_in_whole(faw: ClaimVerdict) -> None:
    (claim,) = eventstudy.claims.extract("Shares jumped 10% to 12.78 yuan.")
    result = eventstudy.run(FAW, "2021-09-11", data="bundled")
    for verdict in (result.check_claim(claim), check_claim(FAW, "2021-09-11", claim=claim,
                                                           data="bundled")):
        assert verdict.claim is claim
        assert verdict.sentences == faw.sentences
        pd.testing.assert_frame_equal(verdict.to_frame(), faw.to_frame())


def test_claim_or_figures_not_both() -> None:
    result = eventstudy.run(FAW, "2021-09-13", data="bundled")
    (claim,) = eventstudy.claims.extract("Shares jumped 10% to 12.78 yuan.")
    with pytest.raises(InvalidInputError, match="either claim= or the figures"):
        result.check_claim(claim, pct=10)
    with pytest.raises(InvalidInputError, match="is not a Claim"):
        result.check_claim(10)  # type: ignore[arg-type]


def test_the_verdict_type_is_exported() -> None:
    assert eventstudy.ClaimVerdict is eventstudy.claims.ClaimVerdict
    assert "ClaimVerdict" in eventstudy.__all__


def test_judge_takes_evidence_passed_in(faw_rows: pd.DataFrame) -> None:
    # The claims package judges what it is given: here an abnormal return the caller chose.
    claim = eventstudy.claims.read_claim(pct="5")
    evidence = eventstudy.claims.gather_evidence(
        claim, FAW, faw_rows.set_index("date"), pd.Timestamp("2021-09-13"),
        abnormal_return=0.0452, abnormal_note="given",
    )
    verdict = eventstudy.claims.judge(claim, evidence)
    assert verdict.matched("pct") == ["abnormal return"]


def test_a_decimal_comma_is_refused_not_read_as_thousands() -> None:
    with pytest.raises(InvalidInputError, match=r"write a decimal point as '\.' \(12\.78\)"):
        check_claim(FAW, "2021-09-13", price="12,78", data="bundled")
    verdict = check_claim(FAW, "2021-09-13", price="1,278.50", data="bundled")
    assert verdict.checks[0].claimed == Decimal("1278.50")


def test_moved_names_say_where_they_went() -> None:
    with pytest.raises(AttributeError, match=r"moved to eventstudy\.check_claim"):
        eventstudy.claims.check_claim  # noqa: B018
    result = eventstudy.run(FAW, "2021-09-13", data="bundled")
    with pytest.warns(DeprecationWarning, match="result.check_claim"):
        old = eventstudy.claims.check_claim_on_result(result, pct=10)
    assert old.matched("pct") == ["intraday high", "limit-up price"]


def test_a_rate_is_not_looked_up_for_an_unknown_currency(faw_rows: pd.DataFrame) -> None:
    rows = faw_rows.assign(ticker="TEST.XX")  # the same real rows on a market not registered
    verdict = check_claim(
        "TEST.XX", "2021-09-13", price="12.78", currency="yuan", usd_price="1.98", data=rows
    )
    assert verdict.fx is None
    assert verdict.sentences[1] == (
        "US$1.98 is not checkable: the currency of TEST.XX's prices is not known (no market is "
        "registered for its suffix '.XX'), so no exchange rate is looked up. Pass fx_rate= "
        "(e.g. --fx-rate on the command line) in units of the stock's currency per US dollar."
    )
    given = check_claim(
        "TEST.XX", "2021-09-13", price="12.78", currency="yuan", usd_price="1.98",
        fx_rate="6.4511", data=rows,
    )
    assert given.matched("usd_price") == ["intraday high"]
    assert given.sentences[1].endswith("Converted at 6.4511 CNY per USD (given).")


def test_the_day0_test_of_a_claim_is_that_of_the_summary() -> None:
    # A day where the prediction-error t (σ √C) and the t on σ alone differ in the 2nd decimal.
    result = eventstudy.run("601238.SS", "2020-03-02", data="bundled")
    verdict = result.check_claim(pct=1)
    assert verdict.header[-1].endswith("(market model, market 000001.SS; t = 1.49, p = 0.136)")
    day0 = result.summary().tables[2][1].loc[0]
    assert (day0["t"], day0["pvalue"]) == ("1.49", "0.136")


def test_an_unknown_option_is_refused_with_the_options() -> None:
    result = eventstudy.run(FAW, "2021-09-13", data="bundled")
    for check in (result.check_claim, functools.partial(check_claim, FAW, "2021-09-13")):
        with pytest.raises(InvalidInputError, match="no option prcie; its options are claim, pct"):
            check(prcie="12.78", data="bundled")


def test_both_checks_show_the_same_options() -> None:
    shown = inspect.signature(check_claim).parameters
    on_result = inspect.signature(eventstudy.EventStudyResult.check_claim).parameters
    options = list(ClaimOptions.__annotations__)
    assert [p for p in shown if p in options] == [p for p in on_result if p in options] == options
    assert shown["data"].default == "auto" and shown["fx_rate"].default is None
