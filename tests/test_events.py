"""Event tables found in price tables: limit-up closes and moves beyond k standard deviations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import eventstudy
from eventstudy.errors import InvalidInputError
from eventstudy.events import large_moves, limit_up_closes


@pytest.fixture(scope="module")
def faw() -> pd.DataFrame:
    return eventstudy.load_prices("000800.SZ", data="bundled")


def test_limit_up_closes_of_faw_in_2021(faw: pd.DataFrame) -> None:
    events = limit_up_closes(faw, start="2021-01-01", end="2021-12-31", touched=True)
    assert events["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2021-02-03", "2021-07-14", "2021-09-13"]
    assert events["kind"].tolist() == ["touched", "sealed", "touched"]
    assert set(events["board"]) == {"main"} and set(events["rule"]) == {"main 10%"}
    sealed = limit_up_closes(faw, start="2021-01-01", end="2021-12-31")
    assert sealed["kind"].tolist() == ["sealed"]


def test_events_of_several_stocks_are_sorted_by_date(faw: pd.DataFrame) -> None:
    both = pd.concat([eventstudy.load_prices(t, data="bundled").reset_index()
                      for t in ("600104.SS", "000800.SZ")])
    events = limit_up_closes(both, touched=True)
    keys = list(zip(events["date"], events["ticker"], strict=True))
    assert keys == sorted(keys) and set(events["ticker"]) == {"600104.SS", "000800.SZ"}


def test_event_table_goes_straight_into_a_study(faw: pd.DataFrame) -> None:
    events = limit_up_closes(faw, start="2021-01-01", end="2021-12-31", touched=True)
    res = eventstudy.study(events, groups="kind", window=(-1, 1), data="bundled")
    assert res.n_events == 3 and set(res.groups) == {"sealed", "touched"}


def test_large_moves_use_the_stocks_own_past(faw: pd.DataFrame) -> None:
    moves = large_moves(faw, k=4, start="2021-01-01", end="2021-12-31")
    assert moves["date"].dt.strftime("%Y-%m-%d").tolist() == ["2021-07-14"]
    ret = faw["close"] / faw["preclose"] - 1
    past = ret.loc[:"2021-07-13"].iloc[-250:]
    assert moves["sigma"].iloc[0] == pytest.approx(past.std())
    assert moves["direction"].tolist() == ["up"]
    assert (np.abs(moves["z"]) > 4).all()


@pytest.mark.parametrize(("k", "min_periods"), [(0, 100), (-1, 100), (3, 1), (3, 300)])
def test_large_moves_refuse_bad_settings(faw: pd.DataFrame, k: float, min_periods: int) -> None:
    with pytest.raises(InvalidInputError):
        large_moves(faw, k, min_periods=min_periods)
