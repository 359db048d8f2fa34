"""Time ``eventstudy.study`` on one event per firm, side by side with a plain numpy pass.

Workload (one announcement per company, the usual case): N firms and a market index on 300
business days from 2020-01-01; market returns m ~ N(0.0003, 0.01), firm returns
r = beta m + e with beta ~ U(0.5, 1.5) and e ~ N(0, 0.02), seeded; each firm's event on day
index 280; market model on relative days [-250, -11] (240 days), event window [-10, +10].
The long price table (``ticker, date, close, preclose``: close the cumulative product of 1 + r,
preclose the previous close) is built untimed, as is a five-event warm-up. Timed, in a fresh
process per run: ``eventstudy.study`` from that table to every statistic, and reading
``aar`` and ``caar(-10, 10)``; the time splits into preparing (loading, aligning, fitting:
the ``study`` call) and the statistics (the two tables).

When the side-by-side harness lies beside the checkout (``../shared/bench``), the same returns
are written in its file format and its plain numpy reference (``ref_numpy.py``: gathers,
batch OLS, AR/CAR, cross-sectional t, Patell, BMP, Corrado rank and generalized sign) runs on
them in its own process, in turn with ours (ours, reference, ours, ...): the ratio is taken
run by run and its median printed, with both peak memories (``ru_maxrss`` of each process,
its input table included). Both must give the same mean CAR[-10, +10].

Usage::

    python benchmarks/bench_firms.py                    # 1,000 / 10,000 / 100,000 firms
    python benchmarks/bench_firms.py --sizes 10000 --runs 5
    python benchmarks/bench_firms.py --million          # and 1,000,000 firms, ours only

At 1,000,000 firms the table has 300 million rows; its ticker column is categorical there
(the strings alone would take about 5 GB), and the run needs about 20 GB of memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

DAYS = 300
EVENT_DAY = 280
SEED = 20240601
SHARED = Path(__file__).resolve().parents[2] / "shared" / "bench"
#: Firms generated and written per step (keeps the generator's memory small).
CHUNK = 50_000


def write_workload(n_firms: int, folder: Path) -> None:
    """Write the workload's returns in the harness's format: ``ret_N.f64`` (float64, the
    market's 300 returns, then each firm's), ``dates.txt`` and ``meta.json``."""
    dates = pd.bdate_range("2020-01-01", periods=DAYS)
    market = np.random.default_rng([SEED, 0]).normal(0.0003, 0.01, DAYS)
    beta = np.random.default_rng([SEED, 1]).uniform(0.5, 1.5, n_firms)
    noise = np.random.default_rng([SEED, 2])
    with open(folder / f"ret_{n_firms}.f64", "wb") as out:
        market.astype("<f8").tofile(out)
        for first in range(0, n_firms, CHUNK):
            part = beta[first : first + CHUNK]
            returns = part[:, None] * market[None, :] + noise.normal(0.0, 0.02, (len(part), DAYS))
            returns.astype("<f8").tofile(out)
    (folder / "dates.txt").write_text("\n".join(f"{d:%Y-%m-%d}" for d in dates) + "\n")
    (folder / "meta.json").write_text(json.dumps({"T": DAYS, "event_idx": EVENT_DAY}))


def long_table(n_firms: int, folder: Path, categorical: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The long price table and one event per firm, from the written returns."""
    returns = np.fromfile(folder / f"ret_{n_firms}.f64", dtype="<f8").reshape(n_firms + 1, DAYS)
    close = np.cumprod(1.0 + returns, axis=1)
    del returns
    preclose = np.empty_like(close)
    preclose[:, 0] = 1.0
    preclose[:, 1:] = close[:, :-1]
    names = np.array(["MKT"] + [f"F{i:07d}" for i in range(1, n_firms + 1)], dtype=object)
    dates = pd.DatetimeIndex(pd.read_csv(folder / "dates.txt", header=None)[0])
    if categorical:  # the lean form: ticker codes and nanosecond dates (read without a copy)
        dates = dates.as_unit("ns")
        ticker: Any = pd.Categorical.from_codes(
            np.repeat(np.arange(n_firms + 1, dtype=np.int32), DAYS), categories=pd.Index(names)
        )
    else:
        ticker = np.repeat(names, DAYS)
    table = pd.DataFrame({
        "ticker": ticker,
        "date": np.tile(dates.to_numpy(), n_firms + 1),
        "close": close.ravel(),
        "preclose": preclose.ravel(),
    })
    events = pd.DataFrame({"ticker": names[1:], "date": dates[EVENT_DAY]})
    return table, events


def run_ours(n_firms: int, folder: Path) -> dict[str, Any]:
    """One timed study in this process (after an untimed five-event warm-up)."""
    import eventstudy

    def study(events: pd.DataFrame, data: pd.DataFrame) -> eventstudy.StudyResult:
        return eventstudy.study(
            events, market="MKT", estimation=(-250, -11), window=(-10, 10), data=data
        )

    table, events = long_table(n_firms, folder, categorical=n_firms >= 1_000_000)
    warnings.simplefilter("ignore")  # the same for every run; none is expected
    warm = study(events[:5], table[table["ticker"].isin(["MKT", *events["ticker"][:5]])])
    _ = warm.aar, warm.caar(-10, 10)
    loaded_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    start = time.perf_counter()
    result = study(events, table)
    prepared = time.perf_counter()
    aar, caar = result.aar, result.caar(-10, 10)
    done = time.perf_counter()
    assert len(aar) == 21 and result.n_events == n_firms
    return {
        "seconds": done - start,
        "prepare_seconds": prepared - start,
        "statistics_seconds": done - prepared,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "loaded_mib": loaded_mib,
        "caar_end": float(caar["caar"]),
    }


def run_reference(n_firms: int, folder: Path, run: int) -> dict[str, Any] | None:
    """The harness's numpy reference on the same returns, in its own process."""
    script = SHARED / "ref_numpy.py"
    if not script.exists():
        return None
    out = subprocess.run(
        [sys.executable, str(script), str(n_firms), str(folder), str(run)],
        capture_output=True, text=True, check=True, cwd=SHARED,
    )
    line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT "))
    found: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    return {"seconds": found["seconds"], "peak_mib": found["peak_rss_mb"],
            "caar_end": found["check_caar_end"]}


def in_process(n_firms: int, folder: Path) -> dict[str, Any]:
    """:func:`run_ours` in a fresh process."""
    out = subprocess.run(
        [sys.executable, __file__, "--one", str(n_firms), "--folder", str(folder)],
        capture_output=True, text=True, check=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3, help="runs of each tool per size")
    parser.add_argument("--million", action="store_true", help="also 1,000,000 firms (ours)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_ours(args.one, args.folder)))
        return
    print(f"one event per firm, 300 days, market model [-250, -11], window [-10, +10]; "
          f"medians of {args.runs} runs")
    print(f"{'firms':>9} {'ours s':>8} {'prepare':>8} {'stats':>8} {'peak MiB':>9} "
          f"{'ref s':>8} {'ref MiB':>8} {'time ratio':>10} {'memory ratio':>12}")
    for n in [*args.sizes, *([1_000_000] if args.million else [])]:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            write_workload(n, folder)
            ours, refs = [], []
            for run in range(1, args.runs + 1):
                ours.append(in_process(n, folder))
                if n < 1_000_000:  # the reference holds every window at once: ~30 GB at 10^6
                    refs.append(run_reference(n, folder, run))
        line = (
            f"{n:>9,} {_median(ours, 'seconds'):>8.3f} {_median(ours, 'prepare_seconds'):>8.3f} "
            f"{_median(ours, 'statistics_seconds'):>8.3f} {_median(ours, 'peak_mib'):>9.0f}"
        )
        found = [r for r in refs if r is not None]
        if found:
            ratios = [a["seconds"] / b["seconds"] for a, b in zip(ours, found, strict=True)]
            memory = _median(ours, "peak_mib") / _median(found, "peak_mib")
            line += (f" {_median(found, 'seconds'):>8.3f} {_median(found, 'peak_mib'):>8.0f} "
                     f"{statistics.median(ratios):>9.2f}x {memory:>11.2f}x")
            agree = abs(ours[0]["caar_end"] - found[0]["caar_end"])
            assert agree < 1e-12, f"mean CAR[-10, +10] differs by {agree:g}"
        print(line, flush=True)
    if not (SHARED / "ref_numpy.py").exists():
        print(f"reference skipped: {SHARED} not found (the harness beside the checkout).")


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in runs))


if __name__ == "__main__":
    main()
