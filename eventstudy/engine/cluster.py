"""A study on a Dask cluster: events partitioned by ticker, reduced through sufficient sums.

``study(events, client=client)`` runs the in-memory engine's steps on the workers of a
``dask.distributed`` cluster (a laptop's processes, or a scheduler and its workers):

1. the events are split into partitions of whole tickers (in ticker order, about
   :data:`PARTITION_EVENTS` events each);
2. each worker reads only its partition's prices: the rows of its tickers and their markets,
   scattered once from a DataFrame, or read from a Parquet dataset by the worker itself
   (:func:`eventstudy.sources.owndata.read_parquet`); a CSV file is read by the client and
   sent in parts as a DataFrame is; a source name (``"bundled"``, ...) is loaded by each
   worker;
3. each partition is prepared and fitted (:func:`eventstudy.engine.prepare`) and gives the
   sufficient quantities of every test for every group (:func:`.first_reduction`), and keeps
   its estimation residuals for the generalized rank test's second pass
   (:func:`.second_reduction`), given S_SCAR from the combined first pass;
4. the partitions' quantities are combined in partition order and turned into the
   statistics of every group (:func:`.finalize`), as in memory.

The numbers depend on the partitions (fixed by the events), not on the number of workers;
they equal the in-memory engine's to about 1e-12, the sums being added in another order. A
worker lost during a study is survived: Dask computes its partitions again elsewhere, and
prices scattered to it are scattered again.

Examples
--------
Not run here (it starts processes)::

    from dask.distributed import Client, LocalCluster
    import eventstudy

    client = Client(LocalCluster(n_workers=2))        # or Client("tcp://scheduler:8786")
    res = eventstudy.study(events, market="000300.SS", data="prices.parquet", client=client)
"""

from __future__ import annotations

import functools
import os
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import numpy as np
import pandas as pd

from eventstudy._blocks import serial
from eventstudy._typing import Window
from eventstudy.engine.events import OK, normalise_events
from eventstudy.engine.prepare import Batch, MissingDays, prepare
from eventstudy.errors import InvalidInputError, MissingDependencyError, warn
from eventstudy.markets import default_market, ticker_suffix
from eventstudy.models import Fit
from eventstudy.panel import FloatArray, Panel
from eventstudy.sources import is_own_data
from eventstudy.sources._frame import check_ticker
from eventstudy.sources.owndata import is_parquet, own_provenance, read_csv, read_parquet
from eventstudy.spec import StudySpec
from eventstudy.statistics.conventions import Conventions
from eventstudy.statistics.groups import Groups, number_groups
from eventstudy.statistics.quantities import (
    Columns,
    Quantities,
    Residuals,
    combine,
    event_arrays,
    restandardising_scale,
)
from eventstudy.statistics.tables import (
    CHUNK_ROWS,
    StudyTables,
    finalize,
    first_reduction,
    second_reduction,
)

if TYPE_CHECKING:
    from distributed import Client, Future

#: Events per partition: whole tickers are kept together, so a partition may hold more.
PARTITION_EVENTS = 5_000
#: Times a study is started again after scattered prices were lost with a worker.
RETRIES = 3

T = TypeVar("T")
S = TypeVar("S")
P = ParamSpec("P")


def dask_client(client: object) -> Client:
    """``client`` if it is a ``dask.distributed.Client``.

    Raises
    ------
    MissingDependencyError
        Without dask.distributed (the message names the extra that installs it).
    InvalidInputError
        If ``client`` is something else.
    """
    try:
        from distributed import Client
    except ImportError as exc:
        raise MissingDependencyError(
            "client= runs the study on a Dask cluster, which needs dask.distributed: "
            'pip install "eventstudy-news[dask]"'
        ) from exc
    if not isinstance(client, Client):
        raise InvalidInputError(
            f"client={client!r} is not a dask.distributed.Client; pass "
            "Client(LocalCluster()) or Client('tcp://scheduler:8786'), or no client."
        )
    return client


def ticker_partitions(tickers: np.ndarray, size: int | None = None) -> np.ndarray:
    """The partition of each event: whole tickers in ticker order, about ``size`` events each
    (default :data:`PARTITION_EVENTS`).

    Examples
    --------
    >>> ticker_partitions(np.array(["B", "A", "C", "A", "B"], dtype=object), 2).tolist()
    [1, 0, 2, 0, 1]
    """
    codes, names = pd.factorize(tickers, sort=True)
    counts = np.bincount(codes, minlength=len(names))
    first = np.cumsum(counts) - counts  # the first event of each ticker, in ticker order
    return np.asarray((first // (size or PARTITION_EVENTS))[codes])


@dataclass(frozen=True)
class _Part:
    """One partition's events as the user gave them, and what the workers need to know.

    ``events`` are the rows (a DataFrame, or a list of tuples) in the user's order;
    ``positions`` their rows in the whole study; ``groups`` their group numbers (−1: none);
    ``stocks`` and ``markets`` the tickers whose prices the partition reads (the stocks a run
    of tickers in text order, the markets the others).
    """

    events: pd.DataFrame | list[Any]
    positions: np.ndarray
    groups: np.ndarray
    stocks: list[str]
    markets: list[str]

    @property
    def tickers(self) -> list[str]:
        """The stocks and markets."""
        return [*self.stocks, *self.markets]


@dataclass(frozen=True)
class _Head:
    """What a study's partition hands back to the client with its first pass: its events
    (labelled by their rows in the study), degrees of freedom, prices' provenance, events
    without some abnormal values and the warnings its preparation gave."""

    events: pd.DataFrame
    df: np.ndarray
    provenance: pd.DataFrame
    missing: MissingDays
    warnings: list[tuple[str, type[Warning]]]


@dataclass(frozen=True)
class _Partition:
    """What a worker keeps of a partition between the two passes: its first pass's sums, its
    residuals and SCARs for the second, and for a study's partition its :class:`_Head`."""

    first: Quantities
    residuals: Residuals
    scar: FloatArray
    head: _Head | None = None


@dataclass(frozen=True)
class _Chunk:
    """Rows of fitted events, as :class:`ClusterArrays` scatters them."""

    panel: Panel
    fit: Fit
    groups: Groups


def _serial(task: Callable[P, T]) -> Callable[P, T]:
    """A task of a worker, whose blocks run one after the other: the cluster runs as many
    tasks at once as it has threads (:func:`eventstudy._blocks.serial`)."""

    @functools.wraps(task)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        with serial():
            return task(*args, **kwargs)

    return run


def _prepared(
    part: _Part, prices: pd.DataFrame | None, spec: StudySpec
) -> tuple[Batch, list[tuple[str, type[Warning]]]]:
    """The partition's events prepared and fitted on its prices, and the warnings given."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if prices is None and isinstance(spec.data, str | os.PathLike) and is_parquet(spec.data):
            prices = pd.concat([read_parquet(spec.data, part.stocks),
                                read_parquet(spec.data, part.markets)], ignore_index=True)
        batch = prepare(part.events, spec if prices is None else spec.replace(data=prices))
    return batch, [(str(w.message), w.category) for w in caught]


@_serial
def _first(
    part: _Part, prices: pd.DataFrame | None, spec: StudySpec, columns: Columns, n_groups: int
) -> _Partition:
    """Prepare a partition, and its first pass (run on a worker)."""
    batch, given = _prepared(part, prices, spec)
    studied = (batch.events["status"] == OK).to_numpy()
    numbers = part.groups[studied]
    labels = np.column_stack([np.zeros(len(numbers), dtype=np.intp), numbers])
    arrays = event_arrays(batch.panel, batch.fit, spec.conventions,
                          Groups.of_labels(labels, n_groups))
    first, scar = first_reduction(arrays, columns)
    missing = MissingDays.of(batch)
    missing = replace(missing, shown=[(part.positions[label], *rest)
                                      for label, *rest in missing.shown])
    head = _Head(_relabelled(batch.events, part.positions), batch.fit.df,
                 pd.DataFrame(batch.provenance), missing, given)
    return _Partition(first, arrays.residuals.compact(), scar, head)


@_serial
def _chunk_first(
    chunk: _Chunk, conventions: Conventions, columns: Columns, day0: FloatArray | None
) -> _Partition:
    """The first pass of a chunk of fitted events, ``day0`` added to their day-0 abnormal
    values (run on a worker)."""
    fit = chunk.fit
    if day0 is not None:
        ar = fit.ar.copy()
        ar[:, chunk.panel.cols(0, 0).start] += day0
        fit = replace(fit, ar=ar)
    arrays = event_arrays(chunk.panel, fit, conventions, chunk.groups)
    first, scar = first_reduction(arrays, columns)
    return _Partition(first, arrays.residuals.compact(), scar)


def _top(partition: _Partition) -> tuple[Quantities, _Head | None]:
    return partition.first, partition.head


def _kept(partition: _Partition) -> tuple[Residuals, FloatArray]:
    """What the second pass needs of a partition: its residuals and SCARs."""
    return partition.residuals, partition.scar


@_serial
def _second(kept: tuple[Residuals, FloatArray], scale: FloatArray) -> Quantities:
    """A partition's second pass (run on a worker)."""
    return second_reduction(kept[0], kept[1], scale)


@_serial
def _abnormal(
    part: _Part, prices: pd.DataFrame | None, spec: StudySpec
) -> tuple[np.ndarray, FloatArray, FloatArray, np.ndarray]:
    """The studied events' positions, event-window ARs, SARs and dates (run on a worker)."""
    batch, _ = _prepared(part, prices, spec)  # its warnings were given with the tables
    arrays = event_arrays(batch.panel, batch.fit, spec.conventions)
    studied = (batch.events["status"] == OK).to_numpy()
    dates = batch.panel.dates_at(batch.panel.event_cols)
    return part.positions[studied], arrays.ar, arrays.sar, dates


_DUPLICATE = re.compile(r"^duplicate of event (\d+)")


def _relabelled(events: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """A partition's events labelled by their rows in the whole study, as their messages."""
    frame = events.set_axis(pd.Index(positions))

    def status(text: str) -> str:
        return _DUPLICATE.sub(lambda m: f"duplicate of event {positions[int(m[1])]}", text)

    def overlaps(text: str) -> str:
        return ",".join(str(positions[int(k)]) for k in text.split(",")) if text else text

    frame["status"] = [status(s) for s in frame["status"]]
    frame["overlaps"] = [overlaps(str(s)) for s in frame["overlaps"]]
    return frame


def _two_passes(
    client: Client, submitted: Iterable[Future[_Partition]], n_groups: int, columns: Columns,
    conventions: Conventions,
) -> tuple[StudyTables, list[_Head | None]]:
    """The statistics from the partitions' first passes, their sums combined in partition
    order, and a second pass given S_SCAR; and the partitions' heads.

    Between the passes the workers keep only what the second pass needs of each partition.
    """
    from distributed import as_completed

    partitions = list(submitted)
    asked = [client.submit(_top, p) for p in partitions]
    kept = [client.submit(_kept, p) for p in partitions]
    del partitions  # the rest of each partition is let go once both are computed
    position = {f.key: k for k, f in enumerate(asked)}
    arriving = as_completed(asked)  # type: ignore[no-untyped-call]
    del asked  # each is let go on the workers as soon as it is fetched
    tops: list[Any] = [None] * len(kept)
    for future in arriving:
        tops[position[future.key]] = future.result()
    first = combine([q for q, _ in tops])
    scale = restandardising_scale(first, n_groups)
    gather: Callable[..., Any] = client.gather
    seconds: list[Quantities] = gather([client.submit(_second, k, scale) for k in kept])
    return finalize(first, combine(seconds), columns, conventions), [h for _, h in tops]


def _retrying(work: Callable[[], T], scattered: bool) -> T:
    """``work()``, started again when ``scattered`` data were lost with a worker (the data
    are scattered again by ``work``); data that Dask computed it computes again itself."""
    from distributed.client import FutureCancelledError

    for attempt in range(RETRIES + 1):
        try:
            return work()
        except FutureCancelledError:
            if attempt == RETRIES or not scattered:
                raise
    raise AssertionError("unreachable")


def _scatter_lost(
    client: Client, futures: list[Future[S]], make: Callable[[list[int]], Iterator[S]], n: int
) -> list[Future[S]]:
    """``futures`` with those not held by any worker (all, at first) scattered again, one
    part at a time from ``make(parts)``."""
    redo = [k for k, f in enumerate(futures) if f.status != "finished"] if futures else list(
        range(n))
    out: list[Future[S] | None] = list(futures) if futures else [None] * n
    for k, part in zip(redo, make(redo), strict=True):
        out[k] = client.scatter(part)  # type: ignore[no-untyped-call]
    return [f for f in out if f is not None]


class ClusterStudy:
    """A study whose events are prepared, fitted and reduced on a Dask cluster.

    Parameters
    ----------
    client : dask.distributed.Client
    events : DataFrame or list of tuples
        As for :func:`eventstudy.study` (the groups in a column named ``group``).
    spec : StudySpec

    Notes
    -----
    The tables are computed once for each set of days and windows; each set, and
    :meth:`abnormal`, runs the partitions again. Prices scattered from a DataFrame stay on
    the cluster as long as this object lives.
    """

    def __init__(
        self, client: Client, events: pd.DataFrame | Iterable[Sequence[Any]], spec: StudySpec
    ) -> None:
        self.client = client
        self.spec = spec
        rows = events if isinstance(events, pd.DataFrame) else list(events)
        frame, _ = normalise_events(rows)
        labels, numbers = number_groups(frame["group"])
        self.n_groups = 1 + len(labels)  # group 0: the whole study
        tickers = frame["ticker"].to_numpy(dtype=object)
        part_of = ticker_partitions(tickers)
        markets = _markets(frame, spec)
        self._parts = []
        for k in range(int(part_of.max()) + 1):
            positions = np.flatnonzero(part_of == k)
            chosen = (rows.iloc[positions] if isinstance(rows, pd.DataFrame)
                      else [rows[i] for i in positions])
            stocks = sorted(set(tickers[positions]))
            self._parts.append(_Part(chosen, positions, numbers[positions], stocks,
                                     sorted(markets - set(stocks))))
        self._table = _table(spec.data)
        # The workers get the options without the user's table, which they get in parts.
        self._sent_spec = spec if self._table is None else spec.replace(data="bundled")
        self._pieces: list[Future[pd.DataFrame]] = []
        self._computed: dict[tuple[bool, tuple[Window, ...]], StudyTables] = {}
        self._heads: list[_Head] = []

    def _prices(self) -> list[Future[pd.DataFrame]] | list[None]:
        """Each partition's rows of the user's table, scattered (again where lost)."""
        if self._table is None:
            return [None] * len(self._parts)
        table = self._table
        self._pieces = _scatter_lost(
            self.client, self._pieces,
            lambda redo: _split(table, [self._parts[k].tickers for k in redo]), len(self._parts),
        )
        return self._pieces

    def tables(self, days: bool, windows: tuple[Window, ...]) -> StudyTables:
        """Every statistic of every group for the days and ``windows`` (computed once)."""
        if (days, windows) not in self._computed:
            self._computed[days, windows] = _retrying(
                lambda: self._reduce(days, windows), self._table is not None
            )
        return self._computed[days, windows]

    def _reduce(self, days: bool, windows: tuple[Window, ...]) -> StudyTables:
        columns = Columns(np.arange(self.spec.window[0], self.spec.window[1] + 1), days, windows)
        partitions = (
            self.client.submit(_first, part, prices, self._sent_spec, columns, self.n_groups,
                               pure=False)
            for part, prices in zip(self._parts, self._prices(), strict=True)
        )
        tables, heads = _two_passes(self.client, partitions, self.n_groups, columns,
                                    self.spec.conventions)
        if not self._heads:
            self._heads = [h for h in heads if h is not None]
            for message, category in dict.fromkeys(w for h in self._heads for w in h.warnings):
                warn(message, category)
            MissingDays.combine([h.missing for h in self._heads]).warn()
        return tables

    def _first_heads(self) -> list[_Head]:
        """The partitions' events, fits and prices (from the first tables computed)."""
        if not self._heads:
            self.tables(True, ())
        return self._heads

    @cached_property
    def events(self) -> pd.DataFrame:
        """Every requested event, in the order given (as :attr:`.Batch.events`)."""
        frame = pd.concat([h.events for h in self._first_heads()]).sort_index()
        return frame.set_axis(pd.RangeIndex(len(frame)))

    @cached_property
    def df(self) -> np.ndarray:
        """The residual degrees of freedom of the studied events, in their order."""
        heads = self._first_heads()
        positions = np.concatenate([
            h.events.index.to_numpy()[(h.events["status"] == OK).to_numpy()] for h in heads
        ])
        return np.concatenate([h.df for h in heads])[np.argsort(positions, kind="stable")]

    @cached_property
    def provenance(self) -> list[dict[str, Any]]:
        """Where the prices came from, one record per ticker."""
        frame = pd.concat([h.provenance for h in self._first_heads()], ignore_index=True)
        records = [{str(k): v for k, v in r.items()}
                   for r in frame.drop_duplicates("ticker").to_dict(orient="records")]
        if is_own_data(self.spec.data):  # the user's whole table, not a worker's part
            whole = own_provenance(self.spec.data)
            for record in records:
                record.update(whole)
        return records

    def abnormal(self) -> tuple[FloatArray, FloatArray, np.ndarray]:
        """Event-window ARs, SARs and dates of the studied events, in their order."""
        return _retrying(self._abnormal, self._table is not None)

    def _abnormal(self) -> tuple[FloatArray, FloatArray, np.ndarray]:
        submit = self.client.submit
        parts = self.client.gather([  # type: ignore[no-untyped-call]
            submit(_abnormal, part, prices, self._sent_spec, pure=False)
            for part, prices in zip(self._parts, self._prices(), strict=True)
        ])
        order = np.argsort(np.concatenate([p[0] for p in parts]), kind="stable")
        ar, sar, dates = (np.concatenate([p[k] for p in parts])[order] for k in (1, 2, 3))
        return ar, sar, dates


class ClusterArrays:
    """Fitted events scattered once to a cluster's workers, for many passes of the statistics.

    The rows are split into chunks of :data:`.CHUNK_ROWS` events, as the in-memory reduction
    adds its blocks (:func:`.first_reduction`), so that :meth:`tables` gives the numbers of
    :func:`.study_tables` exactly, on any number of workers. A simulation scatters its drawn
    events once and asks for the tables of each shock (``day0``).

    Parameters
    ----------
    client : dask.distributed.Client
    panel : Panel
    fit : Fit
        The events' panel and fit (:func:`.prepare`).
    conventions : Conventions
    groups : Groups
        The groups to compute statistics for (a simulation's samples).
    """

    def __init__(
        self, client: Client, panel: Panel, fit: Fit, conventions: Conventions, groups: Groups
    ) -> None:
        self.client = client
        self.conventions = conventions
        self.n_groups = groups.n
        self._rows = [slice(a, min(a + CHUNK_ROWS, panel.n_events))
                      for a in range(0, panel.n_events, CHUNK_ROWS)]
        self._make = lambda redo: (
            _Chunk(panel.take(np.arange(self._rows[k].start, self._rows[k].stop)),
                   fit.take(self._rows[k]), groups.take(self._rows[k]))
            for k in redo
        )
        self._chunks: list[Future[_Chunk]] = []
        self._scatter()

    def _scatter(self) -> list[Future[_Chunk]]:
        self._chunks = _scatter_lost(self.client, self._chunks, self._make, len(self._rows))
        return self._chunks

    def tables(self, columns: Columns, day0: FloatArray | None = None) -> StudyTables:
        """Every statistic of every group in ``columns``; ``day0`` (one per event), if given,
        is added to each event's day-0 abnormal value first."""

        def work() -> StudyTables:
            partitions = (
                self.client.submit(_chunk_first, chunk, self.conventions, columns,
                                   None if day0 is None else day0[rows], pure=False)
                for chunk, rows in zip(self._scatter(), self._rows, strict=True)
            )
            return _two_passes(self.client, partitions, self.n_groups, columns,
                               self.conventions)[0]

        return _retrying(work, True)


def _table(data: Any) -> pd.DataFrame | None:
    """The user's table that the client sends in parts: a DataFrame, or a CSV file (read
    here once); None for a Parquet dataset, which the workers read, or a source name."""
    if isinstance(data, pd.DataFrame):
        return data
    if is_own_data(data) and not is_parquet(data):
        return read_csv(data)
    return None


def _markets(frame: pd.DataFrame, spec: StudySpec) -> set[str]:
    """Every market an event may use: named ones, ``spec.market``, each exchange's default."""
    named = {m for m in frame["market"] if isinstance(m, str) and m}
    if spec.market is not None:
        return named | {check_ticker(spec.market, "market")}
    defaults = set()
    for ticker in {ticker_suffix(t): t for t in frame["ticker"] if t}.values():
        try:
            defaults.add(default_market(ticker))
        except InvalidInputError:  # the engine says so, for the events concerned
            continue
    return named | defaults


def _split(table: pd.DataFrame, tickers: list[list[str]]) -> Iterator[pd.DataFrame]:
    """The rows of ``table`` of each list of tickers, found in one pass over the table.

    Tickers are matched as the engine spells them (:func:`.check_ticker`); a ticker in
    several lists (a market) is in each part.
    """
    codes, names = pd.factorize(table["ticker"].to_numpy(dtype=object))
    spelt = pd.Index(names).astype(str).str.strip().str.upper()
    owner = pd.Series(-1, index=spelt.unique())
    shared = set()
    for k, wanted in enumerate(tickers):
        known = [t for t in wanted if t in owner.index]
        shared |= {t for t in known if owner[t] >= 0}
        owner[known] = k
    part_of_name = owner.reindex(spelt).to_numpy()
    shared_name = np.asarray(spelt.isin(list(shared)))
    row_part = np.where(shared_name, -1, part_of_name)[codes]
    order = np.argsort(row_part, kind="stable")
    bounds = np.searchsorted(row_part[order], np.arange(-1, len(tickers) + 1))
    common = table.iloc[np.sort(np.flatnonzero(shared_name[codes]))]
    common_spelt = common["ticker"].astype(str).str.strip().str.upper()
    for k, wanted in enumerate(tickers):
        own = table.iloc[np.sort(order[bounds[k + 1] : bounds[k + 2]])]
        mine = common[common_spelt.isin(wanted)]
        yield pd.concat([own, mine]) if len(mine) else own
