"""study(client=...) on a LocalCluster of two worker processes equals the study in memory.

Expected values of the auto peers: tests/results/auto_peers/ (see its README).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import eventstudy
from eventstudy.engine import cluster as cluster_module
from eventstudy.engine import prepare
from eventstudy.engine.cluster import ClusterArrays
from eventstudy.results.study import StudyResult
from eventstudy.spec import StudySpec
from eventstudy.statistics.conventions import Conventions
from eventstudy.statistics.groups import Groups
from eventstudy.statistics.tables import CHUNK_ROWS, Columns, event_arrays, study_tables

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

RESULTS = Path(__file__).parents[1] / "results"
AUTO_TICKERS = [
    "000800.SZ", "600104.SS", "000625.SZ", "601238.SS",
    "002594.SZ", "601633.SS", "000951.SZ", "000338.SZ",
]


@pytest.fixture(scope="module")
def client() -> Iterator[distributed.Client]:
    # Workers that keep the memory they free (as a plain Python process does): numpy's large
    # temporaries are then not mapped afresh each time (benchmarks/README.md).
    with (
        dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}),
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def synthetic(n_firms: int, per_firm: int, days: int = 700, seed: int = 0) -> tuple[
    pd.DataFrame, pd.DataFrame
]:
    """Prices of a market and firms (suspended days, tied returns, market days missing) and
    events on them (some repeated), in groups."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2015-01-05", periods=days)
    market = rng.normal(0.0003, 0.01, days)
    beta = rng.uniform(0.5, 1.5, (n_firms, 1))
    r = beta * market + rng.normal(0, 0.02, (n_firms, days))
    r[::7] = np.round(r[::7], 3)
    tickers = np.array([f"F{i:05d}" for i in range(n_firms)])
    table = pd.DataFrame({"ticker": np.repeat(tickers, days), "date": np.tile(dates, n_firms),
                          "adj_close": (50 * np.cumprod(1 + r, axis=1)).ravel()})
    table = table[rng.random(len(table)) > 0.01]  # suspensions
    index = pd.DataFrame({"ticker": "MKT", "date": dates,
                          "adj_close": 1000 * np.cumprod(1 + market)})
    index = index[~index["date"].isin(dates[[400, 401, 550]])]  # days without a market return
    table = pd.concat([index, table], ignore_index=True)
    table["close"] = table["adj_close"]
    n = n_firms * per_firm
    events = pd.DataFrame({
        "ticker": np.repeat(tickers, per_firm),
        "date": dates[rng.integers(300, days - 20, n)],
        "sector": rng.choice(["a", "b", "c", None], n),
    })
    events = pd.concat([events, events.iloc[:3]], ignore_index=True)  # duplicates
    return table, events.sample(frac=1.0, random_state=1, ignore_index=True)


def assert_same_study(got: StudyResult, want: StudyResult) -> None:
    """Every aar and caar column equal to 1e-12, the same events and abnormal returns."""
    for name in ("aar", "caars"):
        a, b = getattr(got, name), getattr(want, name)
        assert list(a.columns) == list(b.columns) and list(a.index) == list(b.index)
        for column in a:
            assert_allclose(a[column], b[column], rtol=1e-12, atol=1e-12, err_msg=column)
    pd.testing.assert_frame_equal(got.events, want.events)
    assert_allclose(got.cumulative().to_numpy(float), want.cumulative().to_numpy(float),
                    rtol=1e-12, atol=1e-15)


def test_auto_peers_on_a_cluster(client: distributed.Client) -> None:
    events = [(t, "2021-03-31") for t in AUTO_TICKERS]
    options = {"market": "000300.SS", "estimation": (-250, -11), "window": (-5, 5),
               "data": "bundled"}
    got = eventstudy.study(events, client=client, **options)
    expected = pd.read_csv(RESULTS / "auto_peers" / "expected_daily.csv", index_col="rel_day")
    for column in expected:
        assert_allclose(got.aar[column], expected[column], rtol=0, atol=1e-8, err_msg=column)
    expected = pd.read_csv(RESULTS / "auto_peers" / "expected_caar.csv")
    for _, row in expected.iterrows():
        caar = got.caar(int(row["start"]), int(row["end"]))
        for column in expected.columns.drop(["start", "end", "rank_car_days"]):
            assert_allclose(caar[column], row[column], rtol=0, atol=1e-8, err_msg=column)
    want = eventstudy.study(events, **options)
    assert_same_study(got, want)
    pd.testing.assert_frame_equal(got.ar, want.ar)
    assert str(got.summary()) == str(want.summary())
    car_days = eventstudy.study(events, client=client, conventions=Conventions(rank_days="car"),
                                **options)
    assert_allclose(car_days.caars["rank"], expected["rank_car_days"], rtol=0, atol=1e-8)


@pytest.mark.parametrize(
    "conventions", [Conventions(), Conventions.estudy2(), Conventions(alignment="calendar")],
    ids=["paper", "estudy2", "calendar"],
)
def test_groups_and_conventions_on_a_cluster(
    client: distributed.Client, conventions: Conventions, monkeypatch: pytest.MonkeyPatch
) -> None:
    table, events = synthetic(60, 10)
    options = {"market": "MKT", "window": (-5, 5), "estimation": (-200, -11), "data": table,
               "min_estimation": 100, "conventions": conventions}
    with pytest.warns(eventstudy.DataQualityWarning, match="no abnormal value") as given:
        want = eventstudy.study(events, groups="sector", **options)
    monkeypatch.setattr(cluster_module, "PARTITION_EVENTS", 150)  # several partitions
    with pytest.warns(eventstudy.DataQualityWarning, match="no abnormal value") as caught:
        got = eventstudy.study(events, groups="sector", client=client, **options)
    assert sorted(str(w.message) for w in caught) == sorted(str(w.message) for w in given)
    assert_same_study(got, want)
    assert list(got.groups) == list(want.groups)
    for label, group in want.groups.items():
        assert_same_study(got.groups[label], group)
    assert_allclose(got.by_group(-2, 3).to_numpy(float), want.by_group(-2, 3).to_numpy(float),
                    rtol=1e-12, atol=1e-12)
    pd.testing.assert_frame_equal(got.ar, want.ar)


def test_workers_read_a_parquet_dataset_partitioned_by_ticker(
    client: distributed.Client, tmp_path: Path
) -> None:
    pytest.importorskip("pyarrow")
    table, events = synthetic(30, 5, seed=3)
    path = tmp_path / "prices"
    table.to_parquet(path, partition_cols=["ticker"])
    options = {"market": "MKT", "window": (-5, 5), "min_estimation": 100}
    with pytest.warns(eventstudy.DataQualityWarning):
        want = eventstudy.study(events, data=table, **options)
    with pytest.warns(eventstudy.DataQualityWarning):
        assert_same_study(eventstudy.study(events, data=path, client=client, **options), want)
    with pytest.warns(eventstudy.DataQualityWarning):  # and the whole dataset in memory
        assert_same_study(eventstudy.study(events, data=str(path), **options), want)


def test_a_csv_file_is_read_once_and_sent_in_parts(
    client: distributed.Client, tmp_path: Path
) -> None:
    table, events = synthetic(20, 5, seed=4)
    path = tmp_path / "prices.csv"
    table.to_csv(path, index=False)
    options = {"market": "MKT", "window": (-5, 5), "min_estimation": 100, "data": path}
    with pytest.warns(eventstudy.DataQualityWarning):
        want = eventstudy.study(events, **options)
    with pytest.warns(eventstudy.DataQualityWarning):
        got = eventstudy.study(events, client=client, **options)
    assert_same_study(got, want)
    assert got.provenance[0]["source"] == "csv"


@pytest.mark.slow
def test_100_000_events_on_a_cluster_equal_memory(client: distributed.Client) -> None:
    table, events = synthetic(2_000, 50, days=1_000, seed=5)
    options = {"market": "MKT", "window": (-10, 10), "data": table}
    with pytest.warns(eventstudy.DataQualityWarning):
        want = eventstudy.study(events, **options)
    with pytest.warns(eventstudy.DataQualityWarning):
        got = eventstudy.study(events, client=client, **options)
    assert want.n_events > 95_000
    assert_same_study(got, want)


@pytest.mark.slow
@pytest.mark.parametrize("source", ["dataframe", "parquet"])
def test_a_worker_killed_mid_study_is_survived(
    client: distributed.Client, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, source: str
) -> None:
    """Partitions lost with the worker are computed again; prices scattered to it are
    scattered again, a Parquet dataset is read again."""
    table, events = synthetic(200, 20, seed=7)
    data: pd.DataFrame | str = table
    if source == "parquet":
        pytest.importorskip("pyarrow")
        data = str(tmp_path / "prices.parquet")
        table.sort_values(["ticker", "date"]).to_parquet(data, row_group_size=20_000)
    options = {"market": "MKT", "window": (-10, 10), "data": data}
    monkeypatch.setattr(cluster_module, "PARTITION_EVENTS", 200)
    with pytest.warns(eventstudy.DataQualityWarning):
        want = eventstudy.study(events, client=client, **options)
    pid = next(iter(client.run(os.getpid).values()))
    killed = threading.Event()

    def kill_when_busy() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(client.processing().values()):
                os.kill(pid, signal.SIGKILL)
                killed.set()
                return
            time.sleep(0.01)

    killer = threading.Thread(target=kill_when_busy)
    killer.start()
    with pytest.warns(eventstudy.DataQualityWarning):
        got = eventstudy.study(events, client=client, **options)
    killer.join()
    assert killed.is_set()
    for name in ("aar", "caars"):
        pd.testing.assert_frame_equal(getattr(got, name), getattr(want, name), check_exact=True)
    pd.testing.assert_frame_equal(got.events, want.events)


@pytest.mark.slow
def test_scattered_arrays_give_the_numbers_in_memory_exactly(client: distributed.Client) -> None:
    """A simulation's passes: samples as groups, a shock added on day 0, chunks as in memory."""
    table, events = synthetic(420, 30, seed=11)
    batch = prepare(events, StudySpec(market="MKT", window=(-5, 5), data=table))
    n = batch.panel.n_events
    assert n > CHUNK_ROWS  # several chunks
    rng = np.random.default_rng(2)
    samples = rng.integers(0, n, (300, 50))  # an event may be in several samples
    order = np.argsort(samples.ravel(), kind="stable")
    groups = Groups(samples.ravel()[order], np.repeat(np.arange(300), 50)[order], 300)
    columns = Columns(np.arange(-5, 6), True, ((0, 0), (-1, 1)))
    shock = rng.normal(0.01, 0.001, n)
    scattered = ClusterArrays(client, batch.panel, batch.fit, Conventions(), groups)
    ar = batch.fit.ar.copy()
    ar[:, batch.panel.cols(0, 0).start] += shock
    for day0, fit in [(None, batch.fit), (shock, replace(batch.fit, ar=ar))]:
        want = study_tables(event_arrays(batch.panel, fit, Conventions(), groups), columns)
        got = scattered.tables(columns, day0)
        np.testing.assert_array_equal(got.groups, want.groups)
        for name, values in want.stats.items():
            np.testing.assert_array_equal(got.stats[name], values, err_msg=name)


def test_simulate_on_a_cluster_equals_memory(client: distributed.Client) -> None:
    """simulate(client=...): the samples' statistics on the workers, the same numbers."""
    options = {"n_samples": 40, "n_events": 20, "shocks": (0.0, 0.01), "seed": 3}
    want = eventstudy.simulate(**options)
    got = eventstudy.simulate(client=client, **options)
    pd.testing.assert_frame_equal(got.rates, want.rates)
    np.testing.assert_array_equal(got.pvalues, want.pvalues)


def test_simulate_refuses_what_is_not_a_client() -> None:
    with pytest.raises(eventstudy.InvalidInputError, match=r"not a dask\.distributed\.Client"):
        eventstudy.simulate(n_samples=2, n_events=2, client="tcp://scheduler:8786")
