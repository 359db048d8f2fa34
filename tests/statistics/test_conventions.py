"""Conventions: checked when made, and applied to the fit as their docstrings say."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from eventstudy.engine import prepare
from eventstudy.errors import InvalidInputError
from eventstudy.spec import StudySpec
from eventstudy.statistics.conventions import Conventions, effective_fit


@pytest.mark.parametrize(
    "option", ["sigma_divisor", "market_terms", "p_hat", "rank_days", "alignment", "rank_missing"]
)
def test_an_unknown_choice_is_refused_with_the_valid_ones(option: str) -> None:
    with pytest.raises(InvalidInputError, match=f"{option}='nope' is not valid; use one of"):
        Conventions(**{option: "nope"})  # type: ignore[arg-type]


def test_sigma_divisor_nobs_1_is_the_sd_of_the_residuals() -> None:
    batch = prepare(
        [("000800.SZ", "2021-09-13"), ("600104.SS", "2021-09-13")],
        StudySpec(market="000300.SS", window=(-5, 5), data="bundled"),
    )
    sigma = effective_fit(batch.panel, batch.fit, sigma_divisor="nobs-1").sigma
    for i in range(2):
        resid = batch.fit.ar[i][batch.panel.est_mask[i]]
        assert_allclose(sigma[i], np.std(resid, ddof=1), rtol=1e-12)
    assert effective_fit(batch.panel, batch.fit).sigma is batch.fit.sigma
