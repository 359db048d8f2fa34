"""Time ``study(client=...)`` on a Dask cluster against the in-memory engine, up to 10^6 events.

Workload: the shared speed harness's (``../shared/bench/README.md``): a seeded synthetic panel
of N firms and a market over 300 business days, ``r = beta * m + e``; one event per firm on
day index 280; market model on [-250, -11], event window [-10, +10]; every statistic, then
reading the AAR table and the CAAR over [-10, +10]. The harness's ``gen_data.py`` makes the
returns when ``../shared`` is beside the checkout (it is run, not copied); otherwise
``--data`` must point at its output. Prices are close = cumulative product of 1 + r,
preclose = the previous close, as the harness's driver builds them.

The cluster reads a Parquet dataset written here from those prices (files of 20,000 firms,
sorted by ticker, row groups of 1,000 firms): each worker reads only its partition's rows.
The in-memory engine gets the same prices as one long DataFrame, built untimed (as the
harness does). Each run is a process of its own; peak memory is ``ru_maxrss`` of the
process, and for the cluster of each worker process.

Usage::

    python benchmarks/bench_cluster.py                                  # 10^5 and 10^6
    python benchmarks/bench_cluster.py --sizes 100000 --memory-sizes 100000
    python benchmarks/bench_cluster.py --sizes 1000000 --memory-sizes --memory-limit 1.2GB
    python benchmarks/bench_cluster.py --sizes 1000000 --scheduler tcp://scheduler:8786

With ``--scheduler`` the same call runs on that cluster (``Client("tcp://scheduler:8786")``);
the Parquet dataset must then be on a filesystem every worker sees (``--work``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HARNESS = Path(__file__).resolve().parents[2] / "shared" / "bench"
FIRMS_PER_FILE = 20_000
OPTIONS = {"market": "MKT", "estimation": (-250, -11), "window": (-10, 10)}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _returns(n: int, data: Path) -> tuple[np.ndarray, pd.DatetimeIndex, int]:
    """The harness's returns of the market and N firms (rows), its dates and event day."""
    if not (data / f"ret_{n}.f64").exists():
        if not (HARNESS / "gen_data.py").exists():
            sys.exit(f"no returns in {data}: run ../shared/bench/gen_data.py {n} {data}")
        subprocess.run([sys.executable, str(HARNESS / "gen_data.py"), str(n), str(data)],
                       check=True)
    meta = json.loads((data / "meta.json").read_text())
    raw = np.memmap(data / f"ret_{n}.f64", dtype="<f8", mode="r").reshape(n + 1, meta["T"])
    dates = pd.DatetimeIndex(pd.read_csv(data / "dates.txt", header=None)[0])
    return raw, dates, int(meta["event_idx"])


def _prices(r: np.ndarray, names: np.ndarray, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Long prices of the series ``r`` (rows): close = cumprod(1 + r), preclose before it."""
    close = np.cumprod(1.0 + r, axis=1)
    preclose = np.concatenate([np.ones((len(r), 1)), close[:, :-1]], axis=1)
    return pd.DataFrame({
        "ticker": np.repeat(names, r.shape[1]), "date": np.tile(dates.to_numpy(), len(r)),
        "close": close.ravel(), "preclose": preclose.ravel(),
    })


def _names(first: int, stop: int) -> np.ndarray:
    return np.array([f"F{i:06d}" for i in range(first, stop)], dtype=object)


def write_dataset(n: int, data: Path, out: Path) -> None:
    """The Parquet dataset of the market and N firms, and the events."""
    if (out / "events.parquet").exists():
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    raw, dates, event = _returns(n, data)
    (out / "prices").mkdir(parents=True, exist_ok=True)
    market = _prices(raw[:1], np.array(["MKT"], dtype=object), dates)
    pq.write_table(pa.Table.from_pandas(market, preserve_index=False),
                   out / "prices" / "market.parquet")
    for start in range(0, n, FIRMS_PER_FILE):
        stop = min(start + FIRMS_PER_FILE, n)
        frame = _prices(np.asarray(raw[1 + start : 1 + stop]), _names(start + 1, stop + 1), dates)
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False),
                       out / "prices" / f"firms-{start:08d}.parquet", row_group_size=300_000)
    events = pd.DataFrame({"ticker": _names(1, n + 1), "date": dates[event]})
    events.to_parquet(out / "events.parquet")


def run_memory(n: int, data: Path, out: Path) -> dict[str, object]:
    """The in-memory engine on the long DataFrame (built untimed)."""
    import eventstudy

    raw, dates, event = _returns(n, data)
    names = np.array(["MKT", *_names(1, n + 1)], dtype=object)
    prices = _prices(np.asarray(raw), names, dates)
    events = pd.DataFrame({"ticker": names[1:], "date": dates[event]})
    loaded = _peak_mb()
    start = time.perf_counter()
    res = eventstudy.study(events, data=prices, **OPTIONS)  # type: ignore[arg-type]
    aar, caar = res.aar, res.caar(-10, 10)
    seconds = time.perf_counter() - start
    np.savez(out / f"memory_{n}.npz", aar=aar.to_numpy(float), caar=caar.to_numpy(float))
    return {"engine": "memory", "N": n, "seconds": seconds, "peak_mb": _peak_mb(),
            "after_load_mb": loaded, "caar_end": float(caar["caar"])}


def run_cluster(
    n: int, out: Path, scheduler: str | None, memory_limit: str | None
) -> dict[str, object]:
    """study(client=...) on a LocalCluster of two worker processes, or on ``scheduler``.

    With ``memory_limit`` each worker keeps about 60% of it in memory and spills the rest of
    what it holds to disk (Dask's own memory management).
    """
    from dask.distributed import Client, LocalCluster

    import eventstudy

    events = pd.read_parquet(out / "events.parquet")
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                               dashboard_address=":0", memory_limit=memory_limit or "auto")
    client = Client(scheduler or cluster)
    start = time.perf_counter()
    res = eventstudy.study(events, data=out / "prices", client=client, **OPTIONS)  # type: ignore[arg-type]
    aar, caar = res.aar, res.caar(-10, 10)
    seconds = time.perf_counter() - start
    workers = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)
    np.savez(out / f"cluster_{n}.npz", aar=aar.to_numpy(float), caar=caar.to_numpy(float))
    client.close()
    if cluster is not None:
        cluster.close()
    return {"engine": "cluster", "N": n, "memory_limit": memory_limit, "seconds": seconds,
            "client_peak_mb": _peak_mb(),
            "worker_peak_mb": sorted(workers.values()), "caar_end": float(caar["caar"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--memory-sizes", type=int, nargs="*", default=[100_000])
    parser.add_argument("--data", type=Path, default=Path("/tmp/eventstudy-bench-cluster"),
                        help="the harness's returns (gen_data.py N DIR writes them here)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/eventstudy-bench-cluster"),
                        help="where the Parquet dataset is written")
    parser.add_argument("--scheduler", help="a Dask scheduler's address (default: LocalCluster)")
    parser.add_argument("--memory-limit", help="each LocalCluster worker's, e.g. 1.2GB")
    parser.add_argument("--run", nargs=2, metavar=("ENGINE", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:  # one measurement, in a process of its own
        engine, n = args.run[0], int(args.run[1])
        out = args.work / f"n{n}"
        data = args.data / f"n{n}"
        record = (run_memory(n, data, out) if engine == "memory"
                  else run_cluster(n, out, args.scheduler, args.memory_limit))
        print("RESULT " + json.dumps(record), flush=True)
        return
    for n in sorted(set(args.sizes) | set(args.memory_sizes)):
        (args.data / f"n{n}").mkdir(parents=True, exist_ok=True)
        (args.work / f"n{n}").mkdir(parents=True, exist_ok=True)
        write_dataset(n, args.data / f"n{n}", args.work / f"n{n}")
        runs = [e for e, sizes in (("memory", args.memory_sizes), ("cluster", args.sizes))
                if n in sizes]
        for engine in runs:
            command = [sys.executable, __file__, "--run", engine, str(n), "--data",
                       str(args.data), "--work", str(args.work)]
            if args.scheduler:
                command += ["--scheduler", args.scheduler]
            if args.memory_limit:
                command += ["--memory-limit", args.memory_limit]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
            print(lines[0][7:] if lines else f"{engine} {n} failed: {done.stderr[-800:]}")
        if len(runs) == 2:
            a = np.load(args.work / f"n{n}" / f"memory_{n}.npz")
            b = np.load(args.work / f"n{n}" / f"cluster_{n}.npz")
            worst = max(float(np.nanmax(np.abs(a[k] - b[k]) / np.maximum(1.0, np.abs(a[k]))))
                        for k in ("aar", "caar"))
            print(f"N = {n}: largest difference, cluster against memory: {worst:.1e}")


if __name__ == "__main__":
    main()
