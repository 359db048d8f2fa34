"""Normal-return models, fitted for every event at once.

All models are fitted on the estimation days of a :class:`~eventstudy.panel.Panel` with array
operations across events (no loop over events). Each returns a :class:`Fit` holding the
parameters, the abnormal returns on every relative day (estimation residuals and event-window
ARs alike) and the prediction-error factor ``C_t`` that scales the variance of an
out-of-sample abnormal return.

The models are registered in :data:`MODELS` (MacKinlay 1997, section 4); each entry says what
the model regresses on, whether it needs the market, its label, its fit and the measures it
applies to. Code asks the registry, never a model's name:

``"market"``
    OLS of the stock's return on the market's, ``R_t = α + β R_m,t + ε_t``.
``"market_adjusted"``
    ``AR_t = R_t − R_m,t``: nothing is estimated.
``"constant_mean"``
    ``R_t = μ + ε_t``: OLS on an intercept alone.
``"factors"``
    OLS on user-supplied factor returns (e.g. Fama-French), ``R_t = α + Σ_j β_j F_j,t + ε_t``.

Abnormal volatility (``measure="volatility"``) of a model without regressors is the variance
ratio, a transform of the measure (:func:`eventstudy.panel.variance_ratio`) whose abnormal
value is the ratio itself (:meth:`Fit.uncentred`); of a model with regressors it is Beaver's U
on the model's residuals (:func:`eventstudy.statistics.single.beaver_u`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from functools import cached_property
from typing import Literal, get_args

import numpy as np

from eventstudy._blocks import map_blocks
from eventstudy._typing import Measure
from eventstudy.errors import InvalidInputError
from eventstudy.panel import FloatArray, Panel, estimation_sd

#: The names of the registered models (:data:`MODELS`), as a type for options.
ModelName = Literal["market", "market_adjusted", "constant_mean", "factors"]
#: What a model regresses the measure on: nothing, the market's measure, or the user's factors.
Regressors = Literal["none", "market", "factors"]

#: Events fitted per block by :func:`fit_ols`.
FIT_BLOCK_ROWS = 512


@dataclass(frozen=True)
class Fit:
    """A normal-return model fitted to every event of a panel.

    Attributes
    ----------
    model : str
        The model's name in :data:`MODELS`.
    alpha : numpy.ndarray, shape (N,)
        Intercept (0 for the market-adjusted model).
    beta : numpy.ndarray, shape (N, k)
        Slopes on the k regressors (k = 0 for the constant-mean model; the market-adjusted
        model has a fixed β = 1).
    sigma : numpy.ndarray, shape (N,)
        Residual standard deviation, ``sqrt(SSR / df)``.
    df : numpy.ndarray of int, shape (N,)
        Residual degrees of freedom: ``L − k − 1`` for the regressions, ``L − 1`` for the
        market-adjusted model.
    nobs : numpy.ndarray of int, shape (N,)
        Estimation observations L.
    r2 : numpy.ndarray, shape (N,)
        R² of the regression (NaN for models without regressors).
    ar : numpy.ndarray, shape (N, D)
        Abnormal return ``y − expected`` on every relative day (the normal, expected value
        is ``y − ar``).
    xbar : numpy.ndarray, shape (N, k)
        Means of the regressors that C_t and the CAR variance centre them on: the
        estimation means.
    sxx_inv : numpy.ndarray, shape (N, k, k)
        Inverse of the centred cross-product matrix of the regressors.
    x : numpy.ndarray, shape (N, D, k)
        The regressors on every relative day (for the market model a view of the panel's
        market returns).
    prediction_errors : bool
        Whether the abnormal values are the fit's prediction errors, whose sums have the
        exact variance of :meth:`car_variance`; not so after :meth:`uncentred`.
    c : numpy.ndarray, shape (N, D)
        Prediction-error factor: ``Var(AR_t) = σ² C_t`` out of sample
        (:meth:`prediction_factor` of every day, computed on first use).
    """

    model: str
    alpha: FloatArray
    beta: FloatArray
    sigma: FloatArray
    df: np.ndarray
    nobs: np.ndarray
    r2: FloatArray
    ar: FloatArray
    xbar: FloatArray
    sxx_inv: FloatArray
    x: FloatArray
    prediction_errors: bool = True

    @cached_property
    def c(self) -> FloatArray:
        """Prediction-error factor C_t of every relative day, shape (N, D)."""
        return self.prediction_factor(slice(None))

    def prediction_factor(self, cols: slice | np.ndarray) -> FloatArray:
        """Prediction-error factor ``C_t`` on the relative-day columns ``cols``.

        ``C_t = 1 + 1/L + (x_t − x̄)′ S_xx⁻¹ (x_t − x̄)``, for the market model
        ``1 + 1/L + (R_m,t − R̄_m)² / S_mm`` (Patell 1976, eq. 6; MacKinlay 1997, eq. 14);
        ``1 + 1/L`` without regressors; 1 for the market-adjusted model, which estimates
        nothing.

        Returns
        -------
        numpy.ndarray, shape (N, len(cols))
        """
        n = self.ar.shape[0]
        width = self.ar[:1, cols].shape[1]
        if not MODELS[self.model].ols:
            return np.ones((n, width))
        with np.errstate(invalid="ignore", divide="ignore"):
            c = np.broadcast_to(1.0 + 1.0 / self.nobs[:, None], (n, width)).copy()
            k = self.x.shape[2]
            if k == 1:
                dev = self.x[:, cols, 0] - self.xbar[:, :1]
                c += dev * dev * self.sxx_inv[:, 0, 0][:, None]
            elif k > 1:
                dev = self.x[:, cols] - self.xbar[:, None, :]
                c += np.einsum("ndi,nij,ndj->nd", dev, self.sxx_inv, dev)
        return c

    def take(self, rows: np.ndarray | slice) -> Fit:
        """The fit of the events ``rows`` only."""
        arrays = (f.name for f in fields(self) if isinstance(getattr(self, f.name), np.ndarray))
        return replace(self, **{name: getattr(self, name)[rows] for name in arrays})

    def uncentred(self, measure: FloatArray) -> Fit:
        """The fit with the measure itself as the abnormal value (a model without regressors).

        For a measure whose normal value is 0 by construction, such as the variance ratio
        ``r_t² / s_r² − 1`` (:func:`eventstudy.panel.variance_ratio`), the abnormal value is
        the measure, not its deviation from the estimation mean: α = 0 and AR = measure, as in
        the volatility model of the R package EventStudy (0.50, ``VolatilityModel``). σ, df
        and C stay those of the fit. These AR are not the fit's prediction errors, so a sum of
        them has the simple variance ``K σ²`` only (:meth:`car_variance`).
        """
        return replace(
            self, alpha=np.zeros_like(self.alpha), ar=measure.copy(), prediction_errors=False
        )

    def car_variance(self, mask: np.ndarray, exact: bool = True) -> FloatArray:
        """Variance of the cumulative abnormal return over the days in ``mask``.

        Parameters
        ----------
        mask : numpy.ndarray of bool, shape (N, D)
            The days summed into each event's CAR.
        exact : bool
            ``True``: the variance of the sum of K out-of-sample prediction errors,
            ``σ² [K + K²/L + s′ S_xx⁻¹ s]`` with ``s = Σ_{t∈K} (x_t − x̄)``
            (MacKinlay 1997, eq. 16–17 and appendix; for the market model
            ``σ² [K + K²/L + (Σ_{t∈K}(R_m,t − R̄_m))² / S_mm]``, as in Mikkelson & Partch
            1988). ``False``: ``K σ²``, which ignores the estimation error of the parameters
            (MacKinlay 1997, eq. 15 for large L). A model that estimates nothing has ``K σ²``
            either way; abnormal values that are not prediction errors (:meth:`uncentred`) have
            no exact variance (NaN).

        Returns
        -------
        numpy.ndarray, shape (N,)
        """
        k_days: FloatArray = mask.sum(axis=1).astype(float)
        variance: FloatArray = k_days * self.sigma**2
        if exact and not self.prediction_errors:
            variance = np.full_like(variance, np.nan)
        elif exact and MODELS[self.model].ols:
            cols = np.flatnonzero(mask.any(axis=0))  # only the days some event sums
            dev = self.x[:, cols] - self.xbar[:, None, :]
            s = np.where(mask[:, cols, None], dev, 0.0).sum(axis=1)
            quad = np.einsum("ni,nij,nj->n", s, self.sxx_inv, s)
            variance = self.sigma**2 * (k_days + k_days**2 / self.nobs + quad)
        return variance


def regressors(panel: Panel, kind: Regressors, factors: FloatArray | None = None) -> FloatArray:
    """The regressors ``kind`` of every event as an (N, D, k) array.

    Raises
    ------
    InvalidInputError
        If ``kind`` is ``"factors"`` and no factor array is given.
    """
    if kind == "market":
        market: FloatArray = panel.x[:, :, None]
        return market
    if kind == "none":
        return np.empty((*panel.y.shape, 0))
    if factors is None:
        raise InvalidInputError("model='factors' needs factors=<DataFrame of factor returns>.")
    return factors


def fit_ols(panel: Panel, model: str, x: FloatArray) -> Fit:
    """OLS of ``y`` on an intercept and the regressors ``x`` over each event's estimation days.

    The normal equations are solved in centred form, event by event in one batched solve:
    ``β = S_xx⁻¹ S_xy``, ``α = ȳ − x̄′β``, ``σ² = SSR / (L − k − 1)`` (MacKinlay 1997,
    eq. 11 and the OLS estimators of section 4; the divisor L − 2 for the market model).
    The prediction-error factor is ``C_t = 1 + 1/L + (x_t − x̄)′ S_xx⁻¹ (x_t − x̄)``, for the
    market model ``1 + 1/L + (R_m,t − R̄_m)² / S_mm`` (Patell 1976, eq. 6; MacKinlay 1997,
    eq. 14); for the constant-mean model ``1 + 1/L``.

    Parameters
    ----------
    panel : Panel
    model : str
        Name recorded in the result.
    x : numpy.ndarray, shape (N, D, k)
        Regressors besides the intercept; NaN where missing.
    """
    n, d = panel.y.shape
    k = x.shape[2]
    ar = np.empty((n, d))
    # Events are fitted in blocks, so that the work arrays stay small; only the abnormal
    # returns are kept for every event.
    parts = map_blocks(
        lambda rows: _ols_block(panel.y[rows], x[rows], panel.est_mask[rows], ar[rows]),
        max(n, 1),
        FIT_BLOCK_ROWS,
    )
    alpha, beta, sigma, nobs, r2, xbar, sxx_inv = (
        np.concatenate(p) for p in zip(*parts, strict=True)
    )
    return Fit(model, alpha, beta, sigma, nobs - k - 1, nobs, r2, ar, xbar, sxx_inv, x)


def _ols_block(
    y: FloatArray, x: FloatArray, est_mask: np.ndarray, ar: FloatArray
) -> tuple[FloatArray, ...]:
    """:func:`fit_ols` of a block of events; writes their abnormal returns into ``ar``.

    Returns α, β, σ, L, R², x̄ and S_xx⁻¹ of the block's events.
    """
    mask = est_mask & np.all(np.isfinite(x), axis=2)
    nobs = mask.sum(axis=1)
    k = x.shape[2]
    # ``buf`` holds y − ȳ on the estimation days, then x′β, then the estimation residuals;
    # ``xc`` holds x − x̄ on the estimation days.
    with np.errstate(invalid="ignore", divide="ignore"):
        buf = np.where(mask, y, 0.0)
        ybar = buf.sum(axis=1) / nobs
        buf -= ybar[:, None]
        buf *= mask
        xc = np.where(mask[:, :, None], x, 0.0)
        xbar = xc.sum(axis=1) / nobs[:, None]
        xc -= xbar[:, None, :]
        xc *= mask[:, :, None]
        sxx = np.einsum("ndi,ndj->nij", xc, xc)
        sxy = np.einsum("ndi,nd->ni", xc, buf)
        sst = np.einsum("nd,nd->n", buf, buf)
        sxx_inv = batched_inverse(sxx)
        beta = np.einsum("nij,nj->ni", sxx_inv, sxy)
        alpha = ybar - (xbar * beta).sum(axis=1)
        if k == 1:
            np.multiply(x[:, :, 0], beta[:, :1], out=buf)
        else:
            np.einsum("ndi,ni->nd", x, beta, out=buf)
        np.subtract(y, buf, out=ar)
        ar -= alpha[:, None]
        np.copyto(buf, ar)
        np.copyto(buf, 0.0, where=~mask)
        ssr = np.einsum("nd,nd->n", buf, buf)
        sigma = np.sqrt(ssr / (nobs - k - 1))
        r2 = 1.0 - ssr / sst if k else np.full(len(nobs), np.nan)
    return alpha, beta, sigma, nobs, r2, xbar, sxx_inv


def batched_inverse(sxx: FloatArray) -> FloatArray:
    """Inverse of each k×k cross-product matrix; NaN where it is singular.

    A regressor that is constant over the estimation days (S_xx = 0), or regressors that are
    collinear (condition number above 1e12), leave the slopes undetermined.
    """
    out = np.full_like(sxx, np.nan)
    if sxx.shape[1] == 0:
        return out
    finite = np.isfinite(sxx).all(axis=(1, 2))
    ok = finite.copy()
    ok[finite] = np.linalg.cond(sxx[finite]) < 1e12
    if ok.any():
        out[ok] = np.linalg.inv(sxx[ok])
    return out


def fit_market_adjusted(panel: Panel, model: str, x: FloatArray) -> Fit:
    """Market-adjusted model: ``AR_t = R_t − R_m,t`` (Brown & Warner 1985; MacKinlay 1997).

    Nothing is estimated (α = 0, β = 1), so ``C_t = 1``. σ is the standard deviation of the
    estimation-window abnormal returns about their mean, divisor ``L − 1``; ``df = L − 1``.

    Parameters
    ----------
    panel : Panel
    model : str
        Name recorded in the result.
    x : numpy.ndarray, shape (N, D, 1)
        The market's measure.
    """
    n, d = panel.y.shape
    nobs = panel.est_mask.sum(axis=1)
    ar = panel.y - x[:, :, 0]
    return Fit(
        model=model,
        alpha=np.zeros(n),
        beta=np.ones((n, 1)),
        sigma=estimation_sd(ar, panel.est_mask, nobs),
        df=nobs - 1,
        nobs=nobs,
        r2=np.full(n, np.nan),
        ar=ar,
        xbar=np.zeros((n, 0)),
        sxx_inv=np.zeros((n, 0, 0)),
        x=np.zeros((n, d, 0)),
    )


@dataclass(frozen=True)
class NormalModel:
    """A registered normal-return model: what it regresses on and how it is fitted.

    Attributes
    ----------
    label : str
        How results name the model (``"market model (OLS)"``).
    regressors : {"none", "market", "factors"}
        What the measure is regressed on (:func:`regressors`).
    fit : callable
        ``fit(panel, name, x) -> Fit`` with ``x`` the regressors, shape (N, D, k).
    measures : tuple of str
        The measures the model has a meaning for.
    """

    label: str
    regressors: Regressors
    fit: Callable[[Panel, str, FloatArray], Fit]
    measures: tuple[Measure, ...] = get_args(Measure)

    @property
    def needs_market(self) -> bool:
        """Whether the model uses the market's measure."""
        return self.regressors == "market"

    @property
    def needs_factors(self) -> bool:
        """Whether the model needs the user's factor returns (``factors=``)."""
        return self.regressors == "factors"

    @property
    def ols(self) -> bool:
        """Whether the model is estimated by OLS (then it has R², C_t > 1, ``result.ols``)."""
        return self.fit is fit_ols

    @property
    def regresses(self) -> bool:
        """Whether the measure is regressed on something besides an intercept."""
        return self.ols and self.regressors != "none"

    @property
    def regresses_on_market(self) -> bool:
        """Whether the model is the OLS of the measure on the market's alone (one slope)."""
        return self.ols and self.needs_market


#: Every normal-return model, by name (the values of :data:`ModelName`).
MODELS: dict[str, NormalModel] = {
    "market": NormalModel("market model (OLS)", "market", fit_ols),
    "market_adjusted": NormalModel(
        "market-adjusted", "market", fit_market_adjusted, measures=("returns",)
    ),
    "constant_mean": NormalModel("constant mean", "none", fit_ols),
    "factors": NormalModel("factor model (OLS)", "factors", fit_ols, measures=("returns",)),
}


def normal_model(name: object) -> NormalModel:
    """The registered model ``name``.

    Raises
    ------
    InvalidInputError
        If no model has that name (the message lists the registered ones).
    """
    if not isinstance(name, str) or name not in MODELS:
        known = ", ".join(repr(m) for m in MODELS)
        raise InvalidInputError(f"model={name!r} is not valid; use one of {known}.")
    return MODELS[name]


def fit(panel: Panel, model: str, factors: FloatArray | None = None) -> Fit:
    """Fit ``model`` to every event of ``panel`` (see :data:`MODELS`).

    Parameters
    ----------
    panel : Panel
    model : str
        A registered model's name.
    factors : numpy.ndarray, shape (N, D, k), optional
        The factor returns, for a model that regresses on them.
    """
    entry = normal_model(model)
    return entry.fit(panel, model, regressors(panel, entry.regressors, factors))
