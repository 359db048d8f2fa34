"""study(): options passed through the public API."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.testing import assert_allclose

import eventstudy
from eventstudy.statistics.multi import Conventions

PEERS = ["000800.SZ", "600104.SS", "000625.SZ", "601238.SS"]


def _study(**kwargs: object) -> eventstudy.results.study.StudyResult:  # type: ignore[name-defined]
    events = pd.DataFrame({"ticker": PEERS, "date": "2021-03-31", "maker": ["a", "a", "b", "b"]})
    return eventstudy.study(events, market="000300.SS", window=(-5, 5), data="bundled", **kwargs)  # type: ignore[arg-type]


def test_conventions_reach_the_statistics() -> None:
    paper = _study()
    estudy2 = _study(conventions=Conventions.estudy2())
    assert estudy2.conventions == Conventions.estudy2()
    # estudy2 standardises by sd() of the residuals (divisor L - 1): with L = 240 for every
    # event, its Patell statistic is the paper's times sqrt((L - 1) / (L - 2)).
    assert_allclose(estudy2.aar["patell"], paper.aar["patell"] * np.sqrt(239 / 238), rtol=1e-12)


def test_groups_are_studies_of_their_own() -> None:
    res = _study(groups="maker")
    assert set(res.groups) == {"a", "b"}
    alone = eventstudy.study(
        [(t, "2021-03-31") for t in PEERS[:2]], market="000300.SS", window=(-5, 5), data="bundled"
    )
    pd.testing.assert_frame_equal(res.groups["a"].aar, alone.aar)
