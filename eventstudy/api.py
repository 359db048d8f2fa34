"""The public entry points: ``run`` for one event, ``study`` for many, ``check_claim`` and
``check_seed`` for what news said about an event."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Unpack

import pandas as pd

from eventstudy.calendar import DateLike, locate_event
from eventstudy.claims import ClaimVerdict, SeedReport, load_seed
from eventstudy.claims.figures import Claim
from eventstudy.claims.verdict import ClaimOptions, check_day, takes_claim_options
from eventstudy.engine import prepare, warn_missing_days
from eventstudy.errors import EventStudyError, InvalidInputError
from eventstudy.results.event import EventStudyResult, study_event
from eventstudy.sources import load_prices
from eventstudy.spec import StudySpec, make_spec, takes_options

if TYPE_CHECKING:
    from distributed import Client

    from eventstudy.results.study import StudyResult


@takes_options
def run(
    ticker: str, date: DateLike, *, spec: StudySpec | None = None, **options: Any
) -> EventStudyResult:
    """Study how one stock reacted to one event.

    Loads daily prices for the stock and a market index, finds day 0, fits a normal-return
    model on the estimation window and computes abnormal returns (AR), cumulative abnormal
    returns (CAR) and their tests (MacKinlay 1997).

    Parameters
    ----------
    ticker : str
        The stock, in Yahoo form (``"000800.SZ"``, ``"AAPL"``).
    date : str, date, datetime or Timestamp
        When the news came out. A date the stock did not trade on (weekend, holiday,
        suspension) moves day 0 to its next trading day; a moment at or after the exchange's
        close moves it to the next session. The result records why.
    spec : StudySpec, optional
        The options of the study, made earlier; ``options`` given too change them.
    **options
        The options of the study, each a field of :class:`eventstudy.spec.StudySpec` (see
        there): ``market`` (default: by the ticker's exchange), ``model`` ("market"),
        ``estimation`` ((-250, -11)), ``window`` ((-10, 10)), ``returns`` ("simple"),
        ``data`` ("auto"), ``factors``, ``gaps`` ("compound"), ``min_estimation`` (100),
        ``measure`` ("returns").

    Returns
    -------
    EventStudyResult

    Raises
    ------
    InvalidInputError
        Bad options, windows or dates.
    DataUnavailableError
        No source has the prices.
    InsufficientDataError
        Too few estimation days, or a window running past the data.

    Examples
    --------
    >>> import eventstudy
    >>> res = eventstudy.run("000800.SZ", "2021-09-11", market="399001.SZ", window=(-5, 5))
    >>> res.event_date.date(), res.day0_reason
    (datetime.date(2021, 9, 13), '2021-09-11 is a Saturday')
    >>> round(float(res.abnormal.loc[0, "ar"]), 6)
    0.045264
    """
    return study_event(ticker, date, make_spec(spec, **options))


@takes_options
def study(
    events: pd.DataFrame | Iterable[Sequence[Any]],
    *,
    groups: str | None = None,
    spec: StudySpec | None = None,
    client: Client | None = None,
    **options: Any,
) -> StudyResult:
    """Study many events at once and test the average abnormal return.

    Parameters
    ----------
    events : DataFrame or list of tuples
        Columns ``ticker, date`` (optional ``market``, ``group``), or ``(ticker, date)`` /
        ``(ticker, date, market)`` tuples.
    groups : str, optional
        A column of ``events`` whose values split the study into groups.
    spec : StudySpec, optional
        The options of the study, made earlier; ``options`` given too change them.
    client : dask.distributed.Client, optional
        Run the study on this Dask cluster (``pip install "eventstudy-news[dask]"``): the
        events are split by ticker across the workers, each reads only its tickers' prices
        (scattered once from a DataFrame ``data``, or read from a Parquet dataset ``data``
        by the workers themselves) and the workers' sums are combined into the same result,
        equal to the in-memory one to about 1e-12 (:mod:`eventstudy.engine.cluster`).
    **options
        The options of :func:`run`, and ``conventions``: where published implementations
        differ (residual-variance divisor, which days the rank test ranks, pooled or averaged
        p̂ of the generalized sign test, alignment of events by relative day or calendar
        date), the choice to follow; the default follows the papers,
        ``Conventions.estudy2()`` reproduces R estudy2.

    An event that cannot be studied is kept in ``result.events`` with the reason in
    ``status``.

    Returns
    -------
    StudyResult

    Raises
    ------
    InvalidInputError
        Bad options or windows, an unknown ``groups`` column, or Beaver's U asked of many
        events.
    InsufficientDataError
        When no event could be studied (the message gives each event's reason).

    Examples
    --------
    >>> import eventstudy
    >>> res = eventstudy.study([("000800.SZ", "2021-03-31"), ("600104.SS", "2021-03-31")],
    ...                        market="000300.SS", window=(-5, 5))
    >>> int(res.aar.loc[0, "n"])
    2
    """
    from eventstudy.results.study import StudyResult

    spec = make_spec(spec, **options)
    if spec.measure == "volatility" and spec.normal_model.regresses:
        raise InvalidInputError(
            "study(measure='volatility') uses the variance ratio r²/s² − 1 "
            "(model='constant_mean'), to which every multi-event test applies; Beaver's U "
            "(model='market') is a single-event test: use run() for it."
        )
    frame = events
    if groups is not None:
        if not isinstance(events, pd.DataFrame) or groups not in events:
            raise InvalidInputError(
                f"groups={groups!r} must name a column of the events DataFrame."
            )
        frame = events.rename(columns={groups: "group"})
    if client is not None:
        from eventstudy.engine.cluster import ClusterStudy, dask_client

        return StudyResult.of(ClusterStudy(dask_client(client), frame, spec))
    batch = prepare(frame, spec)
    warn_missing_days(batch)
    return StudyResult(batch)


@takes_claim_options
def check_claim(
    ticker: str,
    date: DateLike,
    claim: Claim | None = None,
    *,
    market: str | None = None,
    **options: Unpack[ClaimOptions],
) -> ClaimVerdict:
    """Judge a claim about ``ticker``'s move on ``date`` against the prices.

    Runs :func:`run` (market model, default windows) for the abnormal return, then
    :meth:`EventStudyResult.check_claim`. If the event study cannot be run (too little
    history, no market index in the data or none known for the exchange), the figures are
    still judged on the prices and the abnormal return is reported as unavailable, with the
    reason.

    Parameters
    ----------
    ticker : str
        The stock, e.g. ``"000800.SZ"``.
    date : str, date or Timestamp
        The claim's date; a day without trading moves to the next trading day, as in
        :func:`run` (a Saturday news date is judged on Monday).
    claim : Claim, optional
        A claim from :func:`eventstudy.claims.extract` or a seed record; or else give its
        figures among the options.
    market : str, optional
        The market index for the abnormal return (default by exchange suffix).
    **options
        The claimed figures ``pct, price, direction, currency, usd_price`` (as in
        :func:`eventstudy.claims.read_claim`: ``pct="10%"``, ``price="12.78"``);
        ``fx_rate``, the stock's currency per US dollar to judge a US-dollar figure (looked
        up by default, never guessed); ``data``, where prices come from ("auto"); ``st`` and
        ``days_listed``, the risk warning and the day's number since listing for the limit
        rules (by default from the security master). Each is described in
        :class:`eventstudy.claims.ClaimOptions`.

    Returns
    -------
    ClaimVerdict

    Raises
    ------
    InvalidInputError
        No figure given, an unknown option, a non-positive price or rate, a fall of 100% or
        more, a direction contradicting the sign of ``pct``, or a currency that is not the
        stock's.
    DataUnavailableError
        No prices for the stock.
    InsufficientDataError
        The stock has no trading day on or after ``date`` in the data.

    Examples
    --------
    >>> import eventstudy, textwrap
    >>> v = eventstudy.check_claim("000800.SZ", "2021-09-11", pct="10%", price="12.78",
    ...                            data="bundled")
    >>> print(textwrap.fill(v.sentences[0], 88))
    12.78 CNY matches the intraday high (12.78, +9.98%), which was the 10% limit-up price;
    it does not match the close (12.11, +4.22%).
    """
    data = options.get("data", "auto")
    try:
        result = run(ticker, date, market=market, data=data, window=(0, 0))
    except EventStudyError as exc:  # no study; a bad date or source fails again below
        frame = load_prices(ticker, data=data)
        event = locate_event(date, pd.DatetimeIndex(frame.index), ticker)
        return check_day(
            claim, options, ticker, frame, event.day0, requested_date=event.requested,
            day0_reason=event.reason, abnormal_note=str(exc),
        )
    return result.check_claim(claim, **options)


def check_seed(
    path: str | os.PathLike[str], *, fx_rate: object = None, data: Any = "auto"
) -> SeedReport:
    """Check every claim of a seed record against the prices (``eventstudy check``).

    Parameters
    ----------
    path : str or path
        The seed record (format: ``seeds/README.md``; read by
        :func:`eventstudy.claims.load_seed`).
    fx_rate : number or str, optional
        Units of the stock's currency per US dollar, to judge US-dollar figures; without it
        the rate is looked up (see :func:`check_claim`).
    data : str, path or DataFrame, default "auto"
        Where prices come from (see :func:`run`).

    Returns
    -------
    SeedReport
        ``print(report)`` shows the verdicts.

    Raises
    ------
    InvalidInputError, DataFormatError
        A bad record (see :func:`eventstudy.claims.load_seed`).
    """
    record = load_seed(path)
    verdicts = tuple(
        check_claim(
            c.ticker, c.date, c.claim, fx_rate=fx_rate, data=data, market=c.market, st=c.st
        )
        for c in record.claims
    )
    return SeedReport(record=record, verdicts=verdicts)
