"""Normal-return models, fitted for every event at once.

All models are fitted on the estimation days of a :class:`~eventstudy.panel.Panel` with array
operations across events (no loop over events). Each returns a :class:`Fit` holding the
parameters, the abnormal returns on every relative day (estimation residuals and event-window
ARs alike) and the prediction-error factor ``C_t`` that scales the variance of an
out-of-sample abnormal return.

Models (MacKinlay 1997, section 4):

``"market"``
    OLS of the stock's return on the market's, ``R_t = α + β R_m,t + ε_t``.
``"constant_mean"``
    ``R_t = μ + ε_t``: OLS on an intercept alone.
``"factors"``
    OLS on user-supplied factor returns (e.g. Fama-French), ``R_t = α + Σ_j β_j F_j,t + ε_t``.
``"market_adjusted"``
    ``AR_t = R_t − R_m,t``: nothing is estimated.

Abnormal volatility (``measure="volatility"``) uses the variance ratio of
:func:`fit_variance_ratio` with ``model="constant_mean"``, and Beaver's U on the residuals of
any other model (:func:`eventstudy.statistics.single.beaver_u`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from functools import cached_property

import numpy as np

from eventstudy._blocks import map_blocks
from eventstudy._typing import ModelName
from eventstudy.errors import InvalidInputError
from eventstudy.panel import FloatArray, Panel

#: Events fitted per block by :func:`fit_ols`.
FIT_BLOCK_ROWS = 512


@dataclass(frozen=True)
class Fit:
    """A normal-return model fitted to every event of a panel.

    Attributes
    ----------
    model : str
        The model's name.
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
        if self.model == "market_adjusted":
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

    def take(self, rows: np.ndarray) -> Fit:
        """The fit of the events ``rows`` only."""
        arrays = (f.name for f in fields(self) if f.name != "model")
        return replace(self, **{name: getattr(self, name)[rows] for name in arrays})

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
            (MacKinlay 1997, eq. 15 for large L).

        Returns
        -------
        numpy.ndarray, shape (N,)
        """
        k_days: FloatArray = mask.sum(axis=1).astype(float)
        variance: FloatArray = k_days * self.sigma**2
        if exact and self.model == "variance_ratio":
            variance = np.full_like(variance, np.nan)
        elif exact and self.model != "market_adjusted":
            cols = np.flatnonzero(mask.any(axis=0))  # only the days some event sums
            dev = self.x[:, cols] - self.xbar[:, None, :]
            s = np.where(mask[:, cols, None], dev, 0.0).sum(axis=1)
            quad = np.einsum("ni,nij,nj->n", s, self.sxx_inv, s)
            variance = self.sigma**2 * (k_days + k_days**2 / self.nobs + quad)
        return variance


def regressors(panel: Panel, model: ModelName, factors: FloatArray | None = None) -> FloatArray:
    """The regressors of ``model`` as an (N, D, k) array."""
    n, d = panel.y.shape
    if model == "market":
        market: FloatArray = panel.x[:, :, None]
        return market
    if model == "constant_mean":
        return np.empty((n, d, 0))
    if factors is None:
        raise InvalidInputError("model='factors' needs factors=<DataFrame of factor returns>.")
    out: FloatArray = factors
    return out


def fit_ols(panel: Panel, model: ModelName, x: FloatArray) -> Fit:
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


def _estimation_sd(values: FloatArray, mask: np.ndarray, nobs: np.ndarray) -> FloatArray:
    """Standard deviation of each row's estimation-day values about their mean (divisor L − 1)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(mask, values, 0.0).sum(axis=1) / nobs
        squares = (np.where(mask, values - mean[:, None], 0.0) ** 2).sum(axis=1)
        sd: FloatArray = np.sqrt(squares / (nobs - 1))
    return sd


def _fit_without_regression(
    model: str, ar: FloatArray, sigma: FloatArray, nobs: np.ndarray, beta: FloatArray
) -> Fit:
    """A fit with nothing regressed: α = 0, fixed β, ``df = L − 1``."""
    n, d = ar.shape
    return Fit(
        model=model,
        alpha=np.zeros(n),
        beta=beta,
        sigma=sigma,
        df=nobs - 1,
        nobs=nobs,
        r2=np.full(n, np.nan),
        ar=ar,
        xbar=np.zeros((n, 0)),
        sxx_inv=np.zeros((n, 0, 0)),
        x=np.zeros((n, d, 0)),
    )


def fit_market_adjusted(panel: Panel) -> Fit:
    """Market-adjusted model: ``AR_t = R_t − R_m,t`` (Brown & Warner 1985; MacKinlay 1997).

    Nothing is estimated (α = 0, β = 1), so ``C_t = 1``. σ is the standard deviation of the
    estimation-window abnormal returns about their mean, divisor ``L − 1``; ``df = L − 1``.
    """
    nobs = panel.est_mask.sum(axis=1)
    ar = panel.y - panel.x
    sigma = _estimation_sd(ar, panel.est_mask, nobs)
    n = len(nobs)
    return _fit_without_regression("market_adjusted", ar, sigma, nobs, np.ones((n, 1)))


def fit_variance_ratio(panel: Panel) -> Fit:
    """Abnormal volatility as a variance ratio, ``AV_t = r_t² / s_r² − 1``.

    ``s_r²`` is the variance of the returns over the estimation window (divisor L − 1, mean
    subtracted); ``r_t`` is neither demeaned nor market-adjusted, and AV is not centred. The
    estimation-window ratios ``u_τ = r_τ² / s_r² − 1`` give ``σ_u`` (divisor L − 1, mean
    subtracted), ``df = L − 1`` and ``C = 1 + 1/L``, so ``t_t = AV_t / σ_u`` and
    ``SAV_t = AV_t / (σ_u √C)``. This is the volatility model of the R package EventStudy
    (0.50, ``VolatilityModel``), in the spirit of the squared-return ratios of Beaver (1968).
    A CAV has the simple variance ``K σ_u²`` only: no exact variance is defined for it.
    """
    mask = panel.est_mask
    nobs = mask.sum(axis=1)
    r = panel.y
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = r**2 / _estimation_sd(r, mask, nobs)[:, None] ** 2 - 1.0
    sigma = _estimation_sd(ratio, mask, nobs)
    return _fit_without_regression("variance_ratio", ratio, sigma, nobs, np.zeros((len(nobs), 0)))


def fit(panel: Panel, model: ModelName, factors: FloatArray | None = None) -> Fit:
    """Fit ``model`` to every event of ``panel`` (see the module docstring for the models)."""
    if model == "market_adjusted":
        return fit_market_adjusted(panel)
    return fit_ols(panel, model, regressors(panel, model, factors))
