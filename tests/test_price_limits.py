"""Limit prices and flags for a whole price table, and their check on the whole A-share market.

The whole-market tests read ``../shared/data-sources/ashare-market/ashare-2019-2022.csv.gz``
and are skipped without it. Tests on bundled rows
given other names or flags check the plumbing only; every price asserted is a real one.
"""

from __future__ import annotations

import importlib.util
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

import eventstudy
from eventstudy.errors import InvalidInputError
from eventstudy.limits import NO_RULE, limit_rule, limits
from eventstudy.sources import load_prices

REPO = Path(__file__).resolve().parents[1]
MARKET = REPO.parent / "shared" / "data-sources" / "ashare-market" / "ashare-2019-2022.csv.gz"
needs_market = pytest.mark.skipif(not MARKET.is_file(), reason=f"{MARKET} not present")
FREE_RULES = {"registration IPO, first 5 days", "BSE listing day", "relisting day"}


@pytest.fixture(scope="module")
def faw() -> pd.DataFrame:
    return load_prices("000800.SZ", data="bundled")


def test_faw_2021_09_13_touched_its_limit_up_of_12_78(faw: pd.DataFrame) -> None:
    day = limits(faw).loc["2021-09-13"]
    assert (day["limit_up"], day["limit_down"], day["rule"]) == (12.78, 10.46, "main 10%")
    assert day["touched_limit_up"] and not day["closed_at_limit_up"]
    assert not day["closed_at_limit_down"] and not day["touched_limit_down"]
    assert day["assumed"] == ""


def test_faw_2021_07_14_closed_at_its_limit_up(faw: pd.DataFrame) -> None:
    day = limits(faw).loc["2021-07-14"]  # 10.96 × 1.1 = 12.056 → 12.06, the close
    assert day["limit_up"] == 12.06 and day["closed_at_limit_up"]
    assert not day["touched_limit_up"]


def test_output_is_aligned_with_the_rows_in_any_order(faw: pd.DataFrame) -> None:
    table = faw.reset_index()
    shuffled = table.sample(frac=1.0, random_state=0)
    out = limits(shuffled)
    assert out.index.equals(shuffled.index)
    pd.testing.assert_frame_equal(out.sort_index(), limits(table))


def test_st_flag_of_the_user_overrides(faw: pd.DataFrame) -> None:
    day = limits(faw, st=True).loc["2021-09-13"]
    assert (day["limit_up"], day["rule"]) == (12.20, "main ST 5%")  # 11.62 × 1.05 = 12.201


def test_names_give_risk_warning_and_a_listing_day() -> None:
    # Plumbing: real FAW rows under a made-up ticker and names the table states.
    rows = load_prices("000800.SZ", "2021-09-08", "2021-09-14", data="bundled").reset_index()
    rows["ticker"] = "000999.SZ"
    rows["name"] = ["N新股", "*ST新股", "XD*ST新股", "新股", "新股"]
    out = limits(rows)
    assert out["rule"].tolist() == ["IPO listing day", "main ST 5%", "main ST 5%", "main 10%",
                                    "main 10%"]


def test_days_without_a_previous_close_or_a_rule_have_no_limit_and_no_flag() -> None:
    rows = pd.concat([load_prices(t, "2021-09-13", "2021-09-13", data="bundled").reset_index()
                      for t in ("000800.SZ", "399001.SZ")], ignore_index=True)
    rows.loc[0, "preclose"] = np.nan
    out = limits(rows)
    assert out["limit_up"].isna().all() and out["rule"].tolist() == ["main 10%", NO_RULE]
    assert not out[["closed_at_limit_up", "touched_limit_up"]].to_numpy().any()


def test_wrong_length_of_flags_is_refused(faw: pd.DataFrame) -> None:
    with pytest.raises(InvalidInputError, match="values for"):
        limits(faw, st=[True, False])
    with pytest.raises(InvalidInputError, match="days_listed"):
        limits(faw, days_listed=0)


def test_per_day_rule_reads_the_security_master() -> None:
    assert limit_rule("000727.SZ", "2021-03-31").note == "main board, ST: ±5% of the previous close"
    assert limit_rule("000727.SZ", "2021-03-31", st=False).up == limit_rule("000800.SZ",
                                                                             "2021-09-13").up
    assert limit_rule("688981.SS", "2020-07-16").up is None  # SMIC's listing day
    assert limit_rule("000792.SZ", "2021-08-10").up is None  # relisted that day
    later = limit_rule("000007.SZ", "2022-06-01")
    assert later.up is not None and "assumed: risk warning as on 2022-01-14" in later.note


def test_old_names_still_work() -> None:
    from eventstudy.claims import limit_flags
    from eventstudy.claims.limits import limit_prices
    from eventstudy.limits import limit_flags as moved

    assert limit_prices(11.62, limit_rule("000800.SZ", "2021-09-13"))[0] == Decimal("12.78")
    assert limit_flags is moved


# --------------------------------------------------------------------------- whole market


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "ashare_limits_table", REPO / "scripts" / "ashare_limits_table.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def market() -> pd.DataFrame:
    return pd.read_csv(MARKET, dtype={"ticker": "str", "date": "str", "name": "str"})


@pytest.fixture(scope="module")
def checked(market: pd.DataFrame) -> pd.DataFrame:
    return _script().checked(market)


@needs_market
def test_whole_market_trades_inside_its_limits(checked: pd.DataFrame) -> None:
    assert len(checked) == 2_934_715
    bad = checked[checked["violation"]]
    assert list(zip(bad["ticker"], bad["date"], strict=True)) == list(_script().REASONS)
    free = checked[checked["no_limit"]]
    assert set(free["rule"]) == FREE_RULES and len(free) == 3245
    assert (checked["rule"] != NO_RULE).all()


@needs_market
def test_faw_in_the_whole_market(checked: pd.DataFrame) -> None:
    day = checked[(checked["ticker"] == "000800.SZ") & (checked["date"] == "2021-09-13")]
    assert day["limit_up"].tolist() == [12.78] and day["touched_limit_up"].tolist() == [True]


@needs_market
def test_published_tables_are_the_computed_ones(checked: pd.DataFrame) -> None:
    page = (REPO / "docs" / "ashare-limits.md").read_text(encoding="utf-8")
    for table in _script().tables(checked).split("\n\n"):
        assert table.strip() in page


@needs_market
@pytest.mark.parametrize(
    ("ticker", "day", "pct", "rule"),
    [
        # Sungrow Power, ChiNext: 130.77 → 156.92 (+20%), closed at its limit-up.
        ("300274.SZ", "2021-07-29", "20", "ChiNext: ±20% of the previous close"),
        # *ST全新 (000007.SZ), main board under risk warning: 3.60 → 3.78 (+5%).
        ("000007.SZ", "2021-06-22", "5", "main board, ST: ±5% of the previous close"),
    ],
)
def test_check_claim_without_flags_matches_the_limit(
    market: pd.DataFrame, ticker: str, day: str, pct: str, rule: str
) -> None:
    index = load_prices("399001.SZ", data="bundled").reset_index()
    stock = market[market["ticker"] == ticker].drop(columns=["name"])
    verdict = eventstudy.check_claim(ticker, day, pct=pct, data=pd.concat([stock, index]))
    assert verdict.rule_note == rule
    assert "limit-up price" in verdict.matched("pct")
    assert f"which was the {pct}% limit-up move" in verdict.sentences[0]
