"""Time ``eventstudy.study`` on synthetic events, side by side with a peer package.

Workload: N events (market model, estimation window [−250, −11] = 240 days, event window
[−10, +10] = 21 days, every daily and CAAR statistic), drawn on ``N / 20`` synthetic firms with
10 years of daily prices held in memory as one long tidy DataFrame. The timed call is the
whole path from that DataFrame to every statistic::

    res = eventstudy.study(events, market="MKT", estimation=(-250, -11), window=(-10, 10),
                           data=prices)
    res.aar, res.caars

Each size runs in its own process, so the peak memory (``ru_maxrss``, including the price
table) belongs to that size alone. The same workload then runs through the PyPI package
``eventstudy==0.1a12`` (market model, 240 estimation days, no gap, the same window) in its own
virtual environment, because its import name is also ``eventstudy``::

    python -m venv /tmp/peer-venv && /tmp/peer-venv/bin/pip install eventstudy==0.1a12

The peer part is skipped with a message when that environment is missing.

Usage::

    python benchmarks/bench_study.py                      # 1,000 / 10,000 / 100,000 events
    python benchmarks/bench_study.py --sizes 1000 --peer-sizes 1000
    python benchmarks/bench_study.py --sizes 10000 --measure volume      # or volatility
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

PEER_PYTHON = Path("/tmp/peer-venv/bin/python")
EVENTS_PER_FIRM = 20
HISTORY_DAYS = 2_500

PEER_DRIVER = """
import json, sys, time
import numpy as np
import eventstudy as es
path, events_path = sys.argv[1], sys.argv[2]
events = json.load(open(events_path))
start = time.perf_counter()
es.Single.import_returns(path, is_price=True, log_return=False)
sample = [
    {"security_ticker": t, "market_ticker": "MKT", "event_date": np.datetime64(d)}
    for t, d in events
]
agg = es.Multiple.from_list(
    sample, es.Single.market_model, event_window=(-10, 10), estimation_size=240,
    buffer_size=0, ignore_errors=True,
)
agg.results()
print(json.dumps({"seconds": time.perf_counter() - start, "studied": len(agg.sample)}))
"""


def synthetic(n_events: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A long tidy price table (``ticker, date, close, preclose``) and N events on it."""
    rng = np.random.default_rng(seed)
    n_firms = max(1, n_events // EVENTS_PER_FIRM)
    dates = pd.bdate_range("2010-01-04", periods=HISTORY_DAYS)
    market = 0.01 * rng.standard_normal(HISTORY_DAYS)
    beta = rng.uniform(0.5, 1.5, (n_firms, 1))
    returns = 0.0002 + beta * market + 0.02 * rng.standard_normal((n_firms, HISTORY_DAYS))
    close = 100.0 * np.cumprod(1.0 + returns, axis=1)
    tickers = np.array([f"F{i:05d}" for i in range(n_firms)])
    market_close = 1000.0 * np.cumprod(1.0 + market)
    # Shares traded, log-normal around a firm's own level (for measure="volume").
    volume = np.round(np.exp(rng.normal(15.0, 0.5, (n_firms, HISTORY_DAYS))))
    market_volume = np.round(np.exp(rng.normal(22.0, 0.3, HISTORY_DAYS)))
    prices = pd.concat(
        [
            pd.DataFrame(
                {
                    "ticker": np.repeat(tickers, HISTORY_DAYS),
                    "date": np.tile(dates, n_firms),
                    "close": close.ravel(),
                    "preclose": (close / (1.0 + returns)).ravel(),
                    "volume": volume.ravel(),
                }
            ),
            pd.DataFrame(
                {"ticker": "MKT", "date": dates, "close": market_close,
                 "preclose": market_close / (1.0 + market), "volume": market_volume}
            ),
        ],
        ignore_index=True,
    )
    events = pd.DataFrame(
        {
            "ticker": tickers[rng.integers(0, n_firms, n_events)],
            "date": dates[rng.integers(260, HISTORY_DAYS - 15, n_events)],
        }
    )
    return prices, events


def run_ours(n_events: int, measure: str = "returns") -> dict[str, float]:
    """Time the whole call for one size (in this process).

    The modules the call uses (scipy.special among them) are imported first: importing is a
    once-per-process cost, not part of a study.
    """
    import scipy.special  # noqa: F401 - the p-values' module, imported on first use

    import eventstudy
    import eventstudy.results.study

    prices, events = synthetic(n_events)
    start = time.perf_counter()
    res = eventstudy.study(
        events, market="MKT", estimation=(-250, -11), window=(-10, 10), data=prices,
        measure=measure,  # type: ignore[arg-type]
        # Across events, volatility is the variance ratio (Beaver's U is single-event).
        model="constant_mean" if measure == "volatility" else "market",
    )
    fitted = time.perf_counter()
    _ = res.aar, res.caars
    done = time.perf_counter()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "events": n_events,
        "studied": res.n_events,
        "seconds": done - start,
        "prepare_seconds": fitted - start,
        "statistics_seconds": done - fitted,
        "peak_mib": peak_kib / 1024.0,
    }


def run_peer(n_events: int) -> dict[str, float] | None:
    """Time the peer on the same workload; None when its environment is missing."""
    if not PEER_PYTHON.exists():
        return None
    prices, events = synthetic(n_events)
    wide = prices.pivot(index="date", columns="ticker", values="close")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "prices.csv"
        wide.index = wide.index.strftime("%Y-%m-%d")
        wide.rename_axis("date").reset_index().to_csv(path, index=False)
        events_path = Path(tmp) / "events.json"
        pairs = [[t, d.strftime("%Y-%m-%d")] for t, d in zip(events["ticker"], events["date"],
                                                              strict=True)]
        events_path.write_text(json.dumps(pairs))
        driver = Path(tmp) / "driver.py"
        driver.write_text(PEER_DRIVER)
        out = subprocess.run(
            [str(PEER_PYTHON), str(driver), str(path), str(events_path)],
            capture_output=True, text=True, check=True, cwd=tmp,
        )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument("--peer-sizes", type=int, nargs="*", default=[1_000, 10_000])
    parser.add_argument(
        "--measure", default="returns", choices=["returns", "volume", "volatility"],
        help="what the events are studied on (same engine, same statistics)",
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_ours(args.one, args.measure)))
        return
    print(f"measure: {args.measure}")
    print(f"{'events':>8} {'studied':>8} {'seconds':>8} {'prepare':>8} {'stats':>8} "
          f"{'events/s':>10} {'peak MiB':>9} {'peer s':>8} {'peer ev/s':>10} {'speed-up':>9}")
    for n in args.sizes:
        proc = subprocess.run(
            [sys.executable, __file__, "--one", str(n), "--measure", args.measure],
            capture_output=True, text=True,
            check=True,
        )
        ours = json.loads(proc.stdout.strip().splitlines()[-1])
        peer = run_peer(n) if n in args.peer_sizes and args.measure == "returns" else None
        line = (f"{n:>8} {ours['studied']:>8} {ours['seconds']:>8.2f} "
                f"{ours['prepare_seconds']:>8.2f} {ours['statistics_seconds']:>8.2f} "
                f"{n / ours['seconds']:>10.0f} {ours['peak_mib']:>9.0f}")
        if peer is not None:
            line += (f" {peer['seconds']:>8.2f} {n / peer['seconds']:>10.0f} "
                     f"{peer['seconds'] / ours['seconds']:>8.1f}x")
        print(line, flush=True)
    if not PEER_PYTHON.exists():
        print(f"peer skipped: {PEER_PYTHON} not found (see the module docstring).")


if __name__ == "__main__":
    main()
