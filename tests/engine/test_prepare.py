"""The engine: each event's problem keeps its type; results keep plain data, not a loader."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

import eventstudy
from eventstudy import (
    DataUnavailableError,
    EventStudyError,
    InsufficientDataError,
    InvalidInputError,
)
from eventstudy.engine import PriceLoader
from eventstudy.engine.events import Problems

FAW = "000800.SZ"


def _own() -> pd.DataFrame:
    frames = [eventstudy.load_prices(t, data="bundled").reset_index() for t in (FAW, "399001.SZ")]
    return pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize(
    ("ticker", "date", "options", "error", "message"),
    [
        ("399001.SZ", "2021-09-13", {}, InvalidInputError, "same series"),
        (FAW, "2021-09-13", {"market": FAW}, InvalidInputError, "same series"),
        ("NOPE.SZ", "2021-09-13", {}, DataUnavailableError, "NOPE.SZ"),
        (FAW, "2021-09-13", {"market": "NOPE.SZ"}, DataUnavailableError, "NOPE.SZ"),
        (FAW, "09/10/2021", {}, InvalidInputError, "ambiguous"),
        (FAW, "2021-09-13", {"market": "600104.SS", "data": "own"}, DataUnavailableError,
         "600104.SS"),
        ("SHOP.TO", "2021-09-13", {}, InvalidInputError, "No default market index"),
        (FAW, "2022-01-10", {}, InsufficientDataError, "runs past the data"),
        (FAW, "2015-06-01", {}, InsufficientDataError, "before"),
        (FAW, "2019-06-03", {}, InsufficientDataError, "too few estimation observations"),
    ],
)
def test_run_raises_the_problem_with_its_type(
    ticker: str, date: str, options: dict[str, object], error: type[EventStudyError],
    message: str,
) -> None:
    data = _own() if options.get("data") == "own" else "bundled"
    with pytest.raises(error, match=message) as raised:
        eventstudy.run(ticker, date, **{**options, "data": data})
    assert type(raised.value) is error


def test_study_keeps_each_problem_as_a_status_and_goes_on() -> None:
    events = pd.DataFrame(
        {
            "ticker": [FAW, "399001.SZ", "NOPE.SZ", "SHOP.TO", FAW, "600104.SS"],
            "date": ["2021-03-31", "2021-03-31", "2021-03-31", "2021-03-31", "09/10/2021",
                     "2021-03-31"],
        }
    )
    res = eventstudy.study(events, data="bundled")
    status = res.events["status"]
    assert list(status == "ok") == [True, False, False, False, False, True]
    assert "same series" in status[1]
    assert "NOPE.SZ" in status[2]
    assert "No default market index" in status[3]
    assert "ambiguous" in status[4]


def test_a_result_holds_prices_not_a_loader() -> None:
    res = eventstudy.run(FAW, "2021-09-13", market="399001.SZ", window=(-5, 5), data=_own())
    held = vars(res._batch).values()
    assert not any(isinstance(value, PriceLoader) for value in held)
    assert set(res._batch.prices.arrays) == {FAW, "399001.SZ"}
    copy = pickle.loads(pickle.dumps(res))  # plain data: no file, no source to reopen
    pd.testing.assert_frame_equal(copy.abnormal, res.abnormal)
    assert copy.prices.loc["2021-09-13", "close"] == 12.11
    assert copy.volume().measure == "volume"
    assert copy.provenance == res.provenance


def test_problems_keep_the_first_error_of_each_event() -> None:
    problems = Problems(4)
    first, second = InvalidInputError("first"), InsufficientDataError("second")
    problems.add([1, 2], first)
    problems.add(np.array([2, 3]), second)
    assert list(problems.ok) == [True, False, False, False]
    assert problems.errors[2] is first and problems.errors[3] is second
    assert problems.first() is first
    assert list(problems.status) == ["ok", "first", "first", "second"]
