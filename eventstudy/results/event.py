"""The result of a single-event study."""

from __future__ import annotations

from dataclasses import asdict, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Unpack

import numpy as np
import pandas as pd

from eventstudy import format as fmt
from eventstudy._measures import MEASURES
from eventstudy._typing import window_label, windows_inside
from eventstudy.calendar import DateLike
from eventstudy.claims.verdict import takes_claim_options
from eventstudy.engine import Batch, LoadedPrices, prepare, warn_missing_days
from eventstudy.errors import InvalidInputError
from eventstudy.models import MODELS
from eventstudy.results._display import Summary, SummaryMixin
from eventstudy.results._params import Params
from eventstudy.spec import StudySpec
from eventstudy.statistics.pvalues import t_critical
from eventstudy.statistics.single import (
    CarTest,
    SQTest,
    beaver_u,
    car_test,
    corrado_single,
    daily_tests,
    sq_test,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from eventstudy.claims import Claim, ClaimVerdict
    from eventstudy.claims.verdict import ClaimOptions

#: Windows reported by ``EventStudyResult.cars`` when they fit in the event window.
STANDARD_WINDOWS: tuple[tuple[int, int], ...] = (
    (0, 0),
    (0, 1),
    (-1, 1),
    (0, 5),
    (-5, 5),
    (-10, 10),
)


def _format_columns(table: pd.DataFrame, percent: list[str]) -> None:
    """Format a summary table in place (:mod:`eventstudy.format`): returns in percent, t with
    2 and p with 3 decimals."""
    for column in table.columns:
        values = table[column]
        if column in percent:
            table[column] = values.map(fmt.percent)
        elif column in ("t", "t_simple"):
            table[column] = values.map(fmt.tstat)
        elif column in ("u", "u_star", "sq_percentile"):
            table[column] = values.map(lambda v: fmt.number(v, 3))
        elif column in ("pvalue", "f_pvalue"):
            table[column] = values.map(fmt.pvalue)


class CarResult:
    """A cumulative abnormal return over a window of relative days, with its tests.

    Attributes
    ----------
    start, end : int
        The closed window ``[start, end]`` of relative trading days.
    car : float
        Sum of the abnormal returns in the window.
    se, t, pvalue : float
        Exact-variance standard error, t and two-sided p (see
        :class:`eventstudy.statistics.single.CarTest`).
    se_simple, t_simple, pvalue_simple : float
        The same with the simple variance ``K σ²``.
    sq_percentile, sq_pvalue : float
        Where the CAR falls among the model's own K-day estimation residual sums, and the SQ
        test's two-sided p-value (Gelbach, Helland & Klick 2013).
    sq_floor : float
        The smallest positive SQ p-value, ``2 / n`` with n the residual sums: a p-value of 0
        is below it, and is written ``"< 0.009"`` for 240 sums (``format.pvalue(p, floor=)``).
    df_resid : int
        The model's residual degrees of freedom, those of the t distribution of ``t``.
    """

    def __init__(self, test: CarTest, sq: SQTest, df_resid: int) -> None:
        self.start, self.end = test.start, test.end
        self.df_resid = df_resid
        self.k = int(test.k[0])
        self.car = float(test.car[0])
        self.se, self.t, self.pvalue = float(test.se[0]), float(test.t[0]), float(test.pvalue[0])
        self.se_simple = float(test.se_simple[0])
        self.t_simple = float(test.t_simple[0])
        self.pvalue_simple = float(test.pvalue_simple[0])
        self.sq = sq
        self.sq_percentile = sq.percentile
        self.sq_pvalue = sq.p_two_sided
        self.sq_floor = 2.0 / sq.n_sums if sq.n_sums else np.nan

    def conf_int(self, level: float = 0.95) -> pd.Series:
        """Confidence interval of the CAR: ``CAR ± t_{1−α/2, df} · se`` (exact variance).

        Returns
        -------
        pandas.Series
            ``lower`` and ``upper`` (NaN where the CAR has no exact variance).

        Raises
        ------
        InvalidInputError
            If ``level`` is not between 0 and 1.

        Examples
        --------
        >>> import eventstudy
        >>> res = eventstudy.run("000800.SZ", "2021-09-13", data="bundled")
        >>> lower, upper = res.car(0, 0).conf_int(0.95)
        >>> round(lower, 4), round(upper, 4)
        (0.0041, 0.0864)
        """
        half = float(t_critical(level, self.df_resid)) * self.se
        return pd.Series(
            {"lower": self.car - half, "upper": self.car + half},
            name=window_label(self.start, self.end),
        )

    def to_dict(self) -> dict[str, float | int]:
        """The numbers as a flat dictionary."""
        return {
            "start": self.start,
            "end": self.end,
            "k": self.k,
            "car": self.car,
            "se": self.se,
            "t": self.t,
            "pvalue": self.pvalue,
            "se_simple": self.se_simple,
            "t_simple": self.t_simple,
            "pvalue_simple": self.pvalue_simple,
            "sq_percentile": self.sq_percentile,
            "sq_pvalue": self.sq_pvalue,
        }

    def __repr__(self) -> str:
        return (
            f"CarResult({window_label(self.start, self.end)}, car={self.car:.6g}, t={self.t:.4g}, "
            f"pvalue={self.pvalue:.4g}, sq_pvalue={self.sq_pvalue:.4g})"
        )


class EventStudyResult(SummaryMixin):
    """How one stock reacted to one event: abnormal returns, CARs and their significance.

    Made by :func:`eventstudy.run`; see there for the model and the windows.

    Attributes
    ----------
    ticker, market : str
        The stock and the market index.
    model_name, measure : str
        The normal-return model and what was studied (read from ``spec``).
    requested_date : pandas.Timestamp
        The date (or moment) given.
    event_date : pandas.Timestamp
        Day 0: the stock's first trading day at or after the event.
    day0_reason : str
        Why day 0 differs from the requested date ("2021-09-11 is a Saturday"); empty if not.
    estimation, window : tuple of int
        The windows in relative trading days.
    spec : StudySpec
        Every option of the study.
    sigma : float
        Residual standard deviation of the model, ``sqrt(SSR / df_resid)``.
    rsquared : float
        R² of the regression (NaN for a model without regressors).
    nobs, df_resid : int
        Estimation days the model was fitted on, and its residual degrees of freedom
        (``nobs`` less the parameters estimated).
    estimation_start, estimation_end : pandas.Timestamp
        The first and last of those days.
    """

    def __init__(self, batch: Batch) -> None:
        if batch.panel.n_events != 1:
            raise InvalidInputError("EventStudyResult holds exactly one event.")
        row = batch.studied.iloc[0]
        # The result keeps the prices of its own stock and market only.
        self._batch = replace(batch, prices=batch.prices.only([row["ticker"], row["market"]]))
        self._cars: dict[tuple[int, int], CarResult] = {}
        self.ticker: str = row["ticker"]
        self.market: str = row["market"]
        self.spec = batch.spec
        self.requested_date: pd.Timestamp = row["requested"]
        self.event_date: pd.Timestamp = row["day0"]
        self.day0_reason: str = row["reason"]
        self.estimation = batch.panel.estimation
        self.window = batch.panel.window
        fit = batch.fit
        self.sigma = float(fit.sigma[0])
        self.rsquared = float(fit.r2[0])
        self.nobs = int(fit.nobs[0])
        self.df_resid = int(fit.df[0])
        days = batch.panel.dates[0, np.flatnonzero(batch.panel.est_mask[0])]
        self.estimation_start, self.estimation_end = pd.Timestamp(days[0]), pd.Timestamp(days[-1])

    @property
    def model_name(self) -> str:
        """The normal-return model (``spec.model``)."""
        return self.spec.model

    @property
    def measure(self) -> str:
        """What was studied: ``"returns"``, ``"volume"``, ... (``spec.measure``)."""
        return self.spec.measure

    @property
    def fit(self) -> Any:
        """The fitted arrays (:class:`eventstudy.models.Fit`) behind the result."""
        return self._batch.fit

    @property
    def prices(self) -> pd.DataFrame:
        """The stock's price frame used (with its provenance in ``attrs``)."""
        return self._batch.prices.frame(self.ticker)

    @property
    def market_prices(self) -> pd.DataFrame:
        """The market's price frame used."""
        return self._batch.prices.frame(self.market)

    @property
    def provenance(self) -> list[dict[str, Any]]:
        """Where the prices came from: source, detail, fetched_at, rows, first and last date."""
        return self._batch.provenance

    @cached_property
    def _est_cols(self) -> np.ndarray:
        return np.flatnonzero(self._batch.panel.est_mask[0])

    @cached_property
    def params(self) -> pd.Series:
        """The model's coefficients: ``alpha`` and the slopes, ``beta`` on the market or one
        per factor named after it (none for the constant-mean model; the market-adjusted
        model's are fixed, α = 0 and β = 1).

        Examples
        --------
        >>> import eventstudy
        >>> eventstudy.run("000800.SZ", "2021-09-13", data="bundled").params.round(4)
        alpha   -0.0009
        beta     0.4893
        Name: 000800.SZ, dtype: float64
        """
        f = self._batch.fit
        slopes = [float(b) for b in f.beta[0]]
        factors = self.spec.factors
        names = ["beta"] if len(slopes) == 1 else []
        if self.spec.normal_model.needs_factors and factors is not None:
            names = [str(c) for c in factors.columns if c != "RF"]
        values = {"alpha": float(f.alpha[0]), **dict(zip(names, slopes, strict=True))}
        moved: dict[str, tuple[str, Any]] = {
            "sigma": ("result.sigma", self.sigma),
            "r2": ("result.rsquared", self.rsquared),
            "nobs": ("result.nobs", self.nobs),
            "df": ("result.df_resid", self.df_resid),
            "estimation_start": ("result.estimation_start", self.estimation_start),
            "estimation_end": ("result.estimation_end", self.estimation_end),
        }
        if self.spec.normal_model.needs_factors:
            former = ["beta"] if len(slopes) == 1 else [f"beta_{j + 1}" for j in range(len(slopes))]
            moved |= {old: (f"params[{new!r}]", values[new]) for old, new in zip(former, names,
                                                                               strict=True)}
        return Params.of(values, self.ticker, moved)

    def _fit_statistics(self) -> dict[str, float | int]:
        return {
            "sigma": self.sigma,
            "rsquared": self.rsquared,
            "nobs": self.nobs,
            "df_resid": self.df_resid,
        }

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Confidence interval of each day's abnormal value: ``AR_t ± t_{1−α/2, df} σ √C_t``.

        σ² C_t is the variance of an out-of-sample prediction error (Patell 1976, eq. 6;
        MacKinlay 1997, eq. 14), the variance of the day's t in :attr:`abnormal`; a CAR's
        interval is :meth:`CarResult.conf_int`.

        Returns
        -------
        pandas.DataFrame
            ``lower`` and ``upper``, indexed by ``rel_day`` like :attr:`abnormal`.

        Raises
        ------
        InvalidInputError
            If ``level`` is not between 0 and 1.

        Examples
        --------
        >>> import eventstudy
        >>> res = eventstudy.run("000800.SZ", "2021-09-13", window=(-5, 5), data="bundled")
        >>> res.conf_int(0.95).loc[0].round(4).tolist()
        [0.0041, 0.0864]
        """
        table = self.abnormal
        half = t_critical(level, self.df_resid) * self.sigma * np.sqrt(table["c"].to_numpy())
        ar = table["ar"].to_numpy()
        return pd.DataFrame({"lower": ar - half, "upper": ar + half}, index=table.index)

    @cached_property
    def ols(self) -> Any:
        """The statsmodels OLS results of the estimation (models fitted by OLS).

        Refits the same regression with statsmodels, for its diagnostics; the numbers of this
        result come from the batch engine and agree with it.
        """
        import statsmodels.api as sm

        if not self.spec.normal_model.ols:
            fitted = ", ".join(repr(name) for name, m in MODELS.items() if m.ols)
            raise InvalidInputError(
                f"model={self.model_name!r} has no regression (it is not fitted by OLS); ols "
                f"exists for {fitted}."
            )
        x, y = self.estimation_xy
        return sm.OLS(y, sm.add_constant(x, has_constant="add")).fit()

    @cached_property
    def estimation_xy(self) -> tuple[np.ndarray, np.ndarray]:
        """The days the model was fitted on: regressors, shape (L, k), and the measure (L,)."""
        cols = self._est_cols
        return self._batch.fit.x[0, cols], self._batch.panel.y[0, cols]

    @cached_property
    def _daily(self) -> Any:
        return daily_tests(self._batch.fit)

    @cached_property
    def abnormal(self) -> pd.DataFrame:
        """The event window, one row per relative day.

        Columns: ``date``; the stock's and the market's measure (``ret, market_ret`` for
        returns and volatility, ``log_volume, market_log_volume`` for ``measure="volume"``,
        ``volume, market_volume`` for ``"raw_volume"``); ``expected, ar`` (the abnormal
        value: return, log volume or volatility ratio), ``sar, t, pvalue, sar_pvalue,
        pvalue_upper, c``; ``car`` (the running sum of ``ar`` from the first day of the
        window); ``rank, rank_pvalue`` (Corrado 1989). For ``measure="volatility"`` with a
        regression model, Beaver's (1968) ``u, u_star, av, f_pvalue, f_pvalue_u`` too.
        """
        panel, f = self._batch.panel, self._batch.fit
        cols = panel.event_cols
        rank, rank_p = corrado_single(f, panel)
        ar = f.ar[0, cols]
        names = MEASURES[self.spec.measure]
        measured = panel.y if panel.base is None else panel.base  # the returns of a ratio
        columns: dict[str, Any] = {
            "date": pd.DatetimeIndex(panel.dates[0, cols]),
            names.own: measured[0, cols],
            names.market: panel.x[0, cols],
            "expected": panel.y[0, cols] - f.ar[0, cols],
            "ar": ar,
            "sar": self._daily.sar[0, cols],
            "t": self._daily.t[0, cols],
            "pvalue": self._daily.pvalue[0, cols],
            "sar_pvalue": self._daily.sar_pvalue[0, cols],
            "pvalue_upper": self._daily.pvalue_upper[0, cols],
            "c": f.c[0, cols],
            "car": np.cumsum(ar),
            "rank": rank[0, cols],
            "rank_pvalue": rank_p[0, cols],
        }
        if self._beaver:
            beaver = beaver_u(f)
            columns.update(
                u=beaver.u[0, cols],
                u_star=beaver.u_star[0, cols],
                av=beaver.av[0, cols],
                f_pvalue=beaver.pvalue[0, cols],
                f_pvalue_u=beaver.pvalue_u[0, cols],
            )
        return pd.DataFrame(columns, index=pd.Index(panel.rel_days[cols], name="rel_day"))

    def volume(self) -> EventStudyResult:
        """The same event studied on trading volume (``measure="volume"``), same settings.

        Examples
        --------
        >>> import eventstudy
        >>> res = eventstudy.run("000800.SZ", "2021-09-13", window=(-5, 5))
        >>> round(float(res.volume().abnormal.loc[0, "ar"]), 6)
        1.521593
        """
        return self.rerun(measure="volume")

    def rerun(self, **changes: Any) -> EventStudyResult:
        """The same event studied again with some options changed (:meth:`StudySpec.replace`).

        Prices already loaded are reused (no second download or read of the same table).

        Examples
        --------
        >>> import eventstudy
        >>> res = eventstudy.run("000800.SZ", "2021-09-13", data="bundled")
        >>> res.rerun(model="market_adjusted").model_name
        'market_adjusted'
        """
        return study_event(
            self.ticker, self.requested_date, self.spec.replace(**changes), self._batch.prices
        )

    @cached_property
    def estimation_residuals(self) -> pd.Series:
        """The model's residuals on the estimation days, indexed by date."""
        panel, cols = self._batch.panel, self._est_cols
        return pd.Series(
            self._batch.fit.ar[0, cols],
            index=pd.DatetimeIndex(panel.dates[0, cols], name="date"),
            name="residual",
        )

    def car(self, start: int, end: int) -> CarResult:
        """The CAR over ``[start, end]`` (relative days, both included) with its tests.

        Raises
        ------
        InvalidInputError
            If the window is not inside the event window, or the result is Beaver's U
            (``measure="volatility"`` with the market model), which has no cumulative form.
        """
        if self._beaver:
            raise InvalidInputError(
                "Beaver's U (measure='volatility' with model='market') is a test of single "
                "days and has no cumulative form; use abnormal['u_star'] and ['f_pvalue'], or "
                "model='constant_mean' for the variance ratio, which cumulates."
            )
        lo, hi = self.window
        if not all(isinstance(v, int | np.integer) for v in (start, end)):
            raise InvalidInputError(f"CAR window ({start!r}, {end!r}) must be whole days.")
        if not (lo <= start <= end <= hi):
            raise InvalidInputError(
                f"CAR window [{start}, {end}] must lie inside the event window [{lo}, {hi}]."
            )
        key = (int(start), int(end))
        if key not in self._cars:  # each window's tests are computed once
            test = car_test(self._batch.fit, self._batch.panel, start, end)
            sq = sq_test(
                self.estimation_residuals.to_numpy(), float(test.car[0]), int(test.k[0]), start,
                end,
            )
            self._cars[key] = CarResult(test, sq, self.df_resid)
        return self._cars[key]

    @property
    def _beaver(self) -> bool:
        """The result holds Beaver's U: volatility on a regression model's residuals."""
        return self.measure == "volatility" and self.spec.normal_model.regresses

    @property
    def car_windows(self) -> list[tuple[int, int]]:
        """The standard windows [0,0], [0,+1], [−1,+1], [0,+5], [−5,+5], [−10,+10] that fit in
        the event window (none for Beaver's U, which has no cumulative form): the rows of
        :attr:`cars`.

        Examples
        --------
        >>> import eventstudy
        >>> res = eventstudy.run("000800.SZ", "2021-09-13", window=(-5, 5), data="bundled")
        >>> [f"{res.car(*w).car:+.4f}" for w in res.car_windows]
        ['+0.0453', '+0.0092', '-0.0126', '-0.0172', '-0.0282']
        """
        return [] if self._beaver else windows_inside(STANDARD_WINDOWS, self.window)

    @cached_property
    def cars(self) -> pd.DataFrame:
        """:meth:`car` of each of the :attr:`car_windows`, one row per window (empty for
        Beaver's U)."""
        if not self.car_windows:
            return pd.DataFrame()
        frame = pd.DataFrame([self.car(a, b).to_dict() for a, b in self.car_windows])
        frame.index = pd.Index([window_label(a, b) for a, b in self.car_windows], name="window")
        return frame

    def summary(self) -> Summary:
        """A readable summary: the event, the model fit, the abnormal returns and the CARs."""
        head = pd.DataFrame(
            {
                "value": [
                    self.ticker,
                    self.market,
                    self.spec.normal_model.label,
                    self.measure,
                    f"{self.requested_date:%Y-%m-%d}",
                    f"{self.event_date:%Y-%m-%d}",
                    self.day0_reason or "-",
                    f"{self.estimation} = {self.estimation_start:%Y-%m-%d} .. "
                    f"{self.estimation_end:%Y-%m-%d}",
                    str(self.window),
                    str(self.nobs),
                ]
            },
            index=[
                "stock",
                "market",
                "model",
                "measure",
                "requested date",
                "day 0",
                "day-0 reason",
                "estimation",
                "event window",
                "estimation obs",
            ],
        )
        fit_table = pd.concat(
            [self.params, pd.Series(self._fit_statistics(), dtype=object)]
        ).to_frame("estimate")
        names = MEASURES[self.spec.measure]
        own, market = names.own, names.market
        # A day's t is the prediction-error t, AR / (σ √C), the exact-variance t of the
        # one-day CAR: one test per day in every output.
        columns = ["ar", "sar", "sar_pvalue", "car"]
        if self._beaver:
            columns = ["ar", "u", "u_star", "f_pvalue"]
        daily = self.abnormal[["date", own, market, *columns]].copy()
        daily = daily.rename(columns={"sar": "t", "sar_pvalue": "pvalue"})
        daily["date"] = daily["date"].dt.strftime("%Y-%m-%d")
        in_percent = []
        if self.measure in ("returns", "volatility"):
            in_percent = [own, market]  # returns; the variance ratio's AR is not a percent
        if self.measure == "returns" or self._beaver:
            in_percent += ["ar", "car"]
        _format_columns(daily, in_percent)
        tables = [("", head), ("Model", fit_table)]
        if self._beaver:
            tables.append(("Abnormal volatility: Beaver's U = AR²/σ², U* = U/C ~ F(1, df)", daily))
        else:
            cars = self.cars[["car", "t", "pvalue", "t_simple", "sq_percentile", "sq_pvalue"]]
            cars = cars.copy()
            _format_columns(cars, ["car"] if self.measure == "returns" else [])
            cars["sq_pvalue"] = [  # an SQ p of 0 is below the test's resolution
                fmt.pvalue(self.car(*w).sq_pvalue, floor=self.car(*w).sq_floor)
                for w in self.car_windows
            ]
            tables += [
                (
                    f"{names.title.capitalize()} (t: AR / (σ √C), the "
                    "prediction-error t)",
                    daily,
                ),
                ("Cumulative (t: exact variance; t_simple: K σ²)", cars),
            ]
        sources = "; ".join(
            f"{d.get('ticker', '?')}: {d.get('source', '?')}" for d in self.provenance
        )
        missing = self.abnormal.loc[self.abnormal["ar"].isna(), "date"]
        gaps = (
            [f"No abnormal value on {', '.join(f'{d:%Y-%m-%d}' for d in missing)}: the stock's "
             "or the market's data are missing there (–); CARs sum the days that have one."]
            if len(missing) else []
        )
        return Summary(
            title=(
                f"Event study ({names.title}): {self.ticker} around "
                f"{self.event_date:%Y-%m-%d}"
            ),
            tables=tables,
            notes=[*gaps, f"Data: {sources}."],
        )

    def to_frame(self) -> pd.DataFrame:
        """The daily table (:attr:`abnormal`)."""
        return self.abnormal.copy()

    def to_dict(self) -> dict[str, Any]:
        """Every number of the result as plain Python values (for JSON)."""
        abnormal = self.abnormal.copy()
        abnormal["date"] = abnormal["date"].dt.strftime("%Y-%m-%d")
        return {
            "ticker": self.ticker,
            "market": self.market,
            "model": self.model_name,
            "measure": self.measure,
            "requested_date": self.requested_date.isoformat(),
            "event_date": f"{self.event_date:%Y-%m-%d}",
            "day0_reason": self.day0_reason,
            "estimation": list(self.estimation),
            "window": list(self.window),
            "params": dict(self.params.items()),
            **self._fit_statistics(),
            "estimation_start": f"{self.estimation_start:%Y-%m-%d}",
            "estimation_end": f"{self.estimation_end:%Y-%m-%d}",
            "abnormal": abnormal.reset_index().to_dict(orient="records"),
            "cars": [
                {**self.car(*w).to_dict(), "sq": asdict(self.car(*w).sq)} for w in self.car_windows
            ],
            "provenance": self.provenance,
        }

    @takes_claim_options
    def check_claim(
        self, claim: Claim | None = None, **options: Unpack[ClaimOptions]
    ) -> ClaimVerdict:
        """Judge a news claim about this event day's move against the prices.

        Each claimed figure is compared with day 0's close, intraday high (low, for a fall)
        and limit price, and a percent also with this result's abnormal return (see
        :mod:`eventstudy.claims` for the matching rule).

        Parameters
        ----------
        claim : Claim, optional
            A claim from :func:`eventstudy.claims.extract` or a seed record; or else give its
            figures among the options.
        **options
            The claimed figures ``pct, price, direction, currency, usd_price`` (as in
            :func:`eventstudy.claims.read_claim`: ``pct=10``, ``price="12.78"``) and
            ``fx_rate, data, st, days_listed``, each described in
            :class:`eventstudy.claims.ClaimOptions` (``data`` is where the exchange rate is
            looked up).

        Returns
        -------
        ClaimVerdict

        Raises
        ------
        InvalidInputError
            No figure given, an unknown option, or figures that cannot be read (see
            :func:`eventstudy.check_claim`).

        Examples
        --------
        >>> import eventstudy
        >>> res = eventstudy.run("000800.SZ", "2021-09-13", data="bundled")
        >>> res.check_claim(pct=10, price="12.78").matched("pct")
        ['intraday high', 'limit-up price']
        """
        from eventstudy.claims.verdict import check_day

        ar, note = np.nan, "day 0 is not in the event window"
        if self.measure != "returns":
            note = f"this result studies {self.measure}, not returns"
        elif 0 in self.abnormal.index:
            day0 = self.car(0, 0)  # the prediction-error t, as in the summary and the report
            ar = day0.car
            note = f"{self.model_name} model, market {self.market}; {fmt.test(day0.t, day0.pvalue)}"
            if not np.isfinite(ar):
                note = "no abnormal return on day 0: the stock's or the market's data are missing"
        return check_day(
            claim, options, self.ticker, self.prices, self.event_date,
            requested_date=self.requested_date, day0_reason=self.day0_reason,
            abnormal_return=ar, abnormal_note=note,
        )

    def plot(self, ax: Axes | None = None) -> Figure:
        """Day 0's abnormal return with its interval, the days around it and the CAR over
        [−1, +1] (:func:`eventstudy.plots.plot_event`); returns the matplotlib Figure."""
        from eventstudy.plots import plot_event

        return plot_event(self, ax=ax)

    def __repr__(self) -> str:
        return (
            f"EventStudyResult(ticker={self.ticker!r}, event_date={self.event_date:%Y-%m-%d}, "
            f"model={self.model_name!r})"
        )


def study_event(
    ticker: str, date: DateLike, spec: StudySpec, prices: LoadedPrices | None = None
) -> EventStudyResult:
    """One event studied with the options ``spec``, as :func:`eventstudy.run` does.

    ``prices`` loaded before (a result's) are reused when they are those the study needs.
    A day of the event window without an abnormal value is warned about.
    """
    batch = prepare([(ticker, date, spec.market)], spec, strict=True, prices=prices)
    warn_missing_days(batch)
    return EventStudyResult(batch)
