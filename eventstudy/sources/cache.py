"""A persistent local cache of downloaded prices, in one SQLite file.

Every Yahoo download is stored here so that a notebook re-runs offline and gives the same
numbers. The file lives in the folder named by the environment variable
``EVENTSTUDY_CACHE_DIR``, else in the user cache folder (``platformdirs``). It is written
in transactions in WAL mode: a crash in the middle of a write loses nothing that was there
before, and several processes can read and write at once.

Two tables: ``prices`` holds one row per ticker and date (the tidy columns, plus the
source and the time the row was downloaded); ``coverage`` holds the date ranges for which a
ticker's rows are complete. A range may begin or end on days without trading (a weekend, a
holiday), so coverage is stored, not guessed from the rows.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from eventstudy.errors import CacheError, EventStudyWarning, warn
from eventstudy.sources._frame import DATE_UNIT, PRICE_COLUMNS

#: Environment variable naming the folder of the cache file.
CACHE_DIR_VARIABLE = "EVENTSTUDY_CACHE_DIR"
#: Name of the cache file inside that folder.
CACHE_FILE_NAME = "prices.sqlite"

_NUMBERS = PRICE_COLUMNS[1:]
_SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS prices (ticker TEXT NOT NULL, date TEXT NOT NULL, "
    f"{', '.join(f'{column} REAL' for column in _NUMBERS)}, source TEXT NOT NULL, "
    f"fetched_at TEXT NOT NULL, PRIMARY KEY (ticker, date))",
    "CREATE TABLE IF NOT EXISTS coverage (ticker TEXT NOT NULL, first TEXT NOT NULL, "
    "last TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS coverage_ticker ON coverage (ticker)",
)
_UPSERT = f"INSERT OR REPLACE INTO prices VALUES ({', '.join('?' * (len(_NUMBERS) + 4))})"
_BUSY_TIMEOUT = 60.0  # seconds a writer waits for another process's transaction
_OPEN_START = ""  # ``first`` of a range that starts at the first day the source has


def default_cache_dir() -> Path:
    """Return the folder of the cache: ``$EVENTSTUDY_CACHE_DIR``, else the user cache folder.

    Examples
    --------
    >>> configured = os.environ.get(CACHE_DIR_VARIABLE)
    >>> default_cache_dir() == (Path(configured) if configured else default_cache_dir())
    True
    >>> configured is not None or default_cache_dir().name == "eventstudy"
    True
    """
    configured = os.environ.get(CACHE_DIR_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("eventstudy", appauthor=False))


def default_cache() -> PriceCache:
    """Return the cache in :func:`default_cache_dir`.

    A new object is returned on each call, so a changed ``EVENTSTUDY_CACHE_DIR`` takes
    effect at once.
    """
    return PriceCache()


class PriceCache:
    """Prices stored by ticker and date in a SQLite file, with the ranges they cover.

    Parameters
    ----------
    path : pathlib.Path, optional
        The SQLite file, or a folder to hold ``prices.sqlite``. Default: the file in
        :func:`default_cache_dir`.

    Warns
    -----
    EventStudyWarning
        If the file cannot be created or written (say, a read-only folder). The cache then
        does nothing: :meth:`get` finds nothing and :meth:`put` stores nothing.

    Notes
    -----
    Each call opens its own connection, so the object can be shared between threads and
    survives a fork. Writes run in ``BEGIN IMMEDIATE`` transactions in WAL mode; a writer
    waits up to a minute for another process's transaction to finish.

    Examples
    --------
    >>> import tempfile
    >>> from eventstudy.sources.bundled import load_bundled
    >>> cache = PriceCache(Path(tempfile.mkdtemp()))
    >>> frame = load_bundled("000800.SZ", pd.Timestamp("2021-09-01"), pd.Timestamp("2021-09-30"))
    >>> cache.put("000800.SZ", frame)
    >>> hit = cache.get("000800.SZ", pd.Timestamp("2021-09-13"), pd.Timestamp("2021-09-13"))
    >>> hit.loc["2021-09-13", "close"], hit.attrs["provenance"]["source"]
    (np.float64(12.11), 'cache')
    >>> cache.get("000800.SZ", pd.Timestamp("2021-08-01"), pd.Timestamp("2021-09-13")) is None
    True
    """

    def __init__(self, path: Path | None = None) -> None:
        location = Path(path) if path is not None else default_cache_dir()
        if path is None or location.is_dir() or not location.suffix:
            location = location / CACHE_FILE_NAME
        self.path: Path = location
        self.enabled: bool = self._create()

    def __repr__(self) -> str:
        state = "" if self.enabled else ", disabled"
        return f"PriceCache({str(self.path)!r}{state})"

    def _create(self) -> bool:
        """Create the folder, the file and the tables; warn and return False on failure.

        A damaged file (not SQLite, or truncated) is moved aside, with a warning naming both
        files, and a new cache is started in its place.
        """
        try:
            try:
                self._create_tables()
            except sqlite3.DatabaseError as exc:
                if not _damaged(exc):
                    raise
                self._move_aside(exc)
                self._create_tables()
        except (OSError, sqlite3.Error) as exc:
            warn(
                f"The price cache {self.path} cannot be written ({exc}); downloads will not "
                f"be cached, so a later offline run cannot reuse them. Set the environment "
                f"variable {CACHE_DIR_VARIABLE} to a writable folder.",
                EventStudyWarning,
            )
            return False
        return True

    def _create_tables(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as connection:
            _use_wal(connection)
        with self._transaction() as connection:
            for statement in _SCHEMA:
                connection.execute(statement)

    def _move_aside(self, exc: sqlite3.Error) -> None:
        """Rename the damaged file (and its WAL files) to ``<name>.damaged-<UTC time>``."""
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        for suffix in ("-wal", "-shm", ""):
            part = self.path.with_name(self.path.name + suffix)
            try:
                part.rename(aside.with_name(aside.name + suffix))
            except FileNotFoundError:  # no such part, or another process moved it first
                continue
        warn(
            f"The price cache {self.path} is damaged ({exc}); it was moved to {aside} and a "
            f"new, empty cache started in its place. Prices downloaded before will be "
            f"downloaded again when needed; delete {aside.name} once you no longer need it.",
            EventStudyWarning,
        )

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT, isolation_level=None)
        with closing(connection):
            yield connection

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """Yield a connection inside ``BEGIN IMMEDIATE``; commit on success, else roll back."""
        with self._connection() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def get(
        self, ticker: str, start: pd.Timestamp | None, end: pd.Timestamp | None
    ) -> pd.DataFrame | None:
        """Return the cached rows of ``ticker`` from ``start`` to ``end``, if all are cached.

        Parameters
        ----------
        ticker : str
            Ticker as stored (case-sensitive).
        start, end : pandas.Timestamp or None
            First and last day, inclusive. ``start=None`` asks for everything from the
            first day the source has, which is cached only if a download started there;
            ``end=None`` asks for the cached rows up to the last covered day.

        Returns
        -------
        pandas.DataFrame or None
            The tidy frame (see :func:`eventstudy.load_prices`) with
            ``attrs["provenance"]["source"] == "cache"`` and the ``fetched_at`` of the
            original download (the oldest one if the rows come from several), or None if
            no stored range covers the window or it holds no trading day.

        Raises
        ------
        CacheError
            If the file exists but cannot be read.
        """
        if not self.enabled:
            return None
        try:
            with self._connection() as connection:
                window = _covering_range(connection, ticker, start, end)
                if window is None:
                    return None
                rows = connection.execute(
                    f"SELECT date, {', '.join(_NUMBERS)}, source, fetched_at FROM prices "
                    f"WHERE ticker = ? AND date BETWEEN ? AND ? ORDER BY date",
                    (ticker, *window),
                ).fetchall()
        except sqlite3.Error as exc:
            raise self._error("read", exc) from exc
        if not rows:
            return None
        return self._frame(ticker, rows)

    def put(self, ticker: str, frame: pd.DataFrame) -> None:
        """Store the rows of ``frame`` as the complete prices of ``ticker`` in its range.

        Parameters
        ----------
        ticker : str
            Ticker to store the rows under.
        frame : pandas.DataFrame
            Tidy frame indexed by date. Its ``attrs["provenance"]`` gives ``source`` and
            ``fetched_at`` (default: "unknown" and now) and may give ``start`` and ``end``:
            the range the frame is complete for (``start`` None: from the first day the
            source has). Without them the range is the frame's first to last date.

        Raises
        ------
        CacheError
            If the rows cannot be written; nothing is changed then.

        Notes
        -----
        One transaction replaces the stored rows in the range by the frame's rows and
        merges the range with any stored range it overlaps or touches.
        """
        if not self.enabled or frame.empty:
            return
        provenance: dict[str, Any] = frame.attrs.get("provenance", {})
        dates = pd.DatetimeIndex(frame.index).strftime("%Y-%m-%d")
        first = _range_bound(provenance, "start", dates[0])
        last = _range_bound(provenance, "end", dates[-1])
        source = str(provenance.get("source") or "unknown")
        fetched_at = str(provenance.get("fetched_at") or _now())
        values = frame.reindex(columns=list(_NUMBERS)).astype("float64")
        records = [
            (ticker, day, *(None if np.isnan(x) else float(x) for x in row), source, fetched_at)
            for day, row in zip(dates, values.to_numpy(), strict=True)
        ]
        try:
            with self._transaction() as connection:
                connection.execute(
                    "DELETE FROM prices WHERE ticker = ? AND date >= ? AND date <= ?",
                    (ticker, first, last),
                )
                connection.executemany(_UPSERT, records)
                _add_range(connection, ticker, first, last)
        except sqlite3.Error as exc:
            raise self._error("write", exc) from exc

    def _frame(self, ticker: str, rows: list[tuple[Any, ...]]) -> pd.DataFrame:
        index = pd.DatetimeIndex(pd.to_datetime([row[0] for row in rows]), name="date").astype(
            f"datetime64[{DATE_UNIT}]"
        )
        numbers = np.array([row[1 : 1 + len(_NUMBERS)] for row in rows], dtype="float64")
        frame = pd.DataFrame(numbers, index=index, columns=list(_NUMBERS))
        frame.insert(0, "ticker", ticker)
        sources = sorted({row[-2] for row in rows})
        frame.attrs["provenance"] = {
            "source": "cache",
            "detail": f"SQLite cache {self.path}; rows downloaded from {', '.join(sources)}",
            "fetched_at": min(row[-1] for row in rows),
            "rows": len(frame),
            "first": rows[0][0],
            "last": rows[-1][0],
            "ticker": ticker,
        }
        return frame

    def _error(self, action: str, exc: sqlite3.Error) -> CacheError:
        state = "it is damaged" if _damaged(exc) else "another process may hold it"
        return CacheError(
            f"Could not {action} the price cache {self.path} ({exc}; {state}). Move or delete "
            f"the file to start a fresh cache, or set {CACHE_DIR_VARIABLE} to another folder."
        )


def _damaged(exc: sqlite3.Error) -> bool:
    """Whether SQLite says the file is not a database or is corrupt (truncated, overwritten)."""
    return getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def _covering_range(
    connection: sqlite3.Connection,
    ticker: str,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
) -> tuple[str, str] | None:
    """Return the (first, last) dates to read, or None if no stored range covers the window."""
    wanted_first = _OPEN_START if start is None else start.strftime("%Y-%m-%d")
    row = connection.execute(
        "SELECT max(last) FROM coverage WHERE ticker = ? AND first <= ? AND last >= ?",
        (ticker, wanted_first, wanted_first),
    ).fetchone()
    range_last: str | None = row[0]
    if range_last is None:
        return None
    if end is None:
        return wanted_first, range_last
    wanted_last = end.strftime("%Y-%m-%d")
    if range_last < wanted_last:
        return None
    return wanted_first, wanted_last


def _use_wal(connection: sqlite3.Connection) -> None:
    """Put the file in WAL mode (it stays so), waiting while another process holds a lock.

    SQLite may refuse the change at once with "database is locked", without waiting the
    connection's busy timeout, when another process opens or writes the file at that moment.
    """
    deadline = time.monotonic() + _BUSY_TIMEOUT
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _add_range(connection: sqlite3.Connection, ticker: str, first: str, last: str) -> None:
    """Store [first, last] for ``ticker``, merged with stored ranges it overlaps or touches."""
    day_before = _shift(first, -1) if first != _OPEN_START else _OPEN_START
    day_after = _shift(last, 1)
    touching = connection.execute(
        "SELECT rowid, first, last FROM coverage WHERE ticker = ? AND first <= ? AND last >= ?",
        (ticker, day_after, day_before),
    ).fetchall()
    merged_first = min([first, *(row[1] for row in touching)])
    merged_last = max([last, *(row[2] for row in touching)])
    connection.executemany("DELETE FROM coverage WHERE rowid = ?", [(row[0],) for row in touching])
    connection.execute(
        "INSERT INTO coverage (ticker, first, last) VALUES (?, ?, ?)",
        (ticker, merged_first, merged_last),
    )


def _range_bound(provenance: dict[str, Any], key: str, fallback: str) -> str:
    """Return the ISO date of ``provenance[key]``; an explicit None start means open."""
    if key not in provenance:
        return fallback
    value = provenance[key]
    if value is None:
        return _OPEN_START if key == "start" else fallback
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _shift(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
