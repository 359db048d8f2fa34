"""Conventions: the choices on which published implementations of the tests differ.

:class:`Conventions` names them; the defaults follow the papers, and ``Conventions.estudy2()``
gives those of R estudy2 0.10.0. :func:`effective_fit` applies the first two to a fit.

``sigma_divisor``
    σ² = SSR / df with the model's degrees of freedom (L − 2 for the market model, as in
    Patell 1976 and MacKinlay 1997), or SSR / (L − 1) (R's ``sd()``, used by estudy2).
``market_terms``
    R̄_m and S_mm in C_t taken over the event's own estimation days (the days the model was
    fitted on), or over every estimation-window day with a market return, also where the
    stock has none (estudy2).
``p_hat``
    Generalized sign test: the average of the events' shares of positive estimation residuals
    (Cowan 1992), or the pooled share (estudy2).
``rank_days``
    Corrado test over a window: ranks over the estimation days plus the whole event window
    (Corrado 1989; Cowan 1992), or over the estimation days plus the tested window only
    (estudy2's ``car_rank_test``).
``alignment``
    How days of different events are matched in the cross-sectional quantities computed
    over the estimation period (S_BW, the rank tests' standard deviations and the mean
    residual correlation r̄): by relative day (event time, as in Brown & Warner 1985,
    Corrado 1989 and R EventStudy) or by calendar date (estudy2). Event-window days are
    always matched by relative day, since those are the days tested. With calendar
    alignment, two events' estimation residuals meet only on the dates they share.
``rank_missing``
    Corrado test with events missing on a day: the weights of Kolari & Pynnönen (2011), or
    the forms of estudy2 (:func:`eventstudy.statistics.nonparametric.corrado_rank`).

References
----------
Brown, S. J., Warner, J. B. (1985). Using daily stock returns: the case of event studies.
Journal of Financial Economics 14(1), 3-31.
Corrado, C. J. (1989). A nonparametric test for abnormal security-price performance in event
studies. Journal of Financial Economics 23(2), 385-395.
Cowan, A. R. (1992). Nonparametric event study tests. Review of Quantitative Finance and
Accounting 2(4), 343-358.
MacKinlay, A. C. (1997). Event studies in economics and finance. Journal of Economic
Literature 35(1), 13-39.
Patell, J. M. (1976). Corporate forecasts of earnings per share and stock price behavior:
empirical tests. Journal of Accounting Research 14(2), 246-276.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from eventstudy._typing import check_option
from eventstudy.models import Fit, batched_inverse
from eventstudy.panel import Panel

SigmaDivisor = Literal["df", "nobs-1"]
MarketTerms = Literal["own", "window"]
PHat = Literal["averaged", "pooled"]
RankDays = Literal["window", "car"]
Alignment = Literal["relative", "calendar"]


@dataclass(frozen=True)
class Conventions:
    """Choices on which published implementations differ (see the module docstring).

    Attributes
    ----------
    sigma_divisor : {"df", "nobs-1"}
    market_terms : {"own", "window"}
    p_hat : {"averaged", "pooled"}
    rank_days : {"window", "car"}
    alignment : {"relative", "calendar"}
    rank_missing : {"available", "estudy2"}
        How the Corrado test treats events missing on a day: ``"available"`` as in
        :func:`~eventstudy.statistics.nonparametric.corrado_rank`; ``"estudy2"`` its
        ``"scaled"`` form for days and ``"average_centre"`` for windows, as estudy2 0.10.0
        does.
    """

    sigma_divisor: SigmaDivisor = "df"
    market_terms: MarketTerms = "own"
    p_hat: PHat = "averaged"
    rank_days: RankDays = "window"
    alignment: Alignment = "relative"
    rank_missing: Literal["available", "estudy2"] = "available"

    def __post_init__(self) -> None:
        check_option(self.sigma_divisor, SigmaDivisor, "sigma_divisor")
        check_option(self.market_terms, MarketTerms, "market_terms")
        check_option(self.p_hat, PHat, "p_hat")
        check_option(self.rank_days, RankDays, "rank_days")
        check_option(self.alignment, Alignment, "alignment")
        check_option(self.rank_missing, Literal["available", "estudy2"], "rank_missing")

    @classmethod
    def estudy2(cls) -> Conventions:
        """The conventions of R estudy2 0.10.0."""
        return cls("nobs-1", "window", "pooled", "car", "calendar", "estudy2")


def effective_fit(
    panel: Panel,
    fit: Fit,
    *,
    sigma_divisor: SigmaDivisor = "df",
    market_terms: MarketTerms = "own",
) -> Fit:
    """The fit with σ and the prediction-error terms of the chosen conventions.

    ``sigma_divisor="nobs-1"`` rescales σ to √(SSR/(L − 1)). ``market_terms="window"``
    recomputes C_t = 1 + 1/L + (x_t − x̄)′ S_xx⁻¹ (x_t − x̄) (Patell 1976) and the
    CAR variance terms with x̄ and S_xx over every estimation-window day with a regressor
    value, including days the stock has no return (estudy2); ``"own"`` keeps the fitted
    days' terms.
    """
    check_option(sigma_divisor, SigmaDivisor, "sigma_divisor")
    check_option(market_terms, MarketTerms, "market_terms")
    sigma = fit.sigma
    if sigma_divisor == "nobs-1":
        with np.errstate(invalid="ignore", divide="ignore"):
            sigma = fit.sigma * np.sqrt(fit.df / (fit.nobs - 1.0))
    if market_terms == "own" or fit.x.shape[2] == 0:
        return replace(fit, sigma=sigma)
    inside = np.zeros(fit.ar.shape, dtype=bool)
    cols = panel.cols(*panel.estimation)
    inside[:, cols] = np.isfinite(fit.x[:, cols]).all(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        xw = np.where(inside[:, :, None], fit.x, 0.0)
        xbar = xw.sum(axis=1) / inside.sum(axis=1)[:, None]
        xc = np.where(inside[:, :, None], fit.x - xbar[:, None, :], 0.0)
        sxx = np.einsum("ndi,ndj->nij", xc, xc)
    return replace(fit, sigma=sigma, xbar=xbar, sxx_inv=batched_inverse(sxx))
