"""Time ``eventstudy.claims.extract`` on large texts of several kinds.

Usage: python benchmarks/bench_extract.py [--sizes 250000 1000000] [--repeat 3]

Texts (each cut to the size in characters, built deterministically):

- ``news``: English and Chinese news sentences with claims in them, repeated;
- ``one sentence``: clauses with direction words and figures and no sentence end;
- ``numbers table``: a pasted table of prices, eight numbers a line, no sentence end;
- ``decimal commas``: numbers written ``12,78`` separated by spaces;
- ``digits``: one run of digits.

Prints the best of ``--repeat`` processor times (``time.process_time``, which leaves out the
time other processes take on a busy machine) for each kind and size, and the ratio of the
time on the largest size to the time on the smallest, against the ratio of the sizes (a
linear extractor gives about the same ratio).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def news(size: int) -> str:
    unit = (
        "Shares of Acme Motors soared 10% to 12.78 yuan ($1.98) on Monday. "
        "该股今日大涨10%，收于12.11元（约合1.88美元）。 The index fell 0.45% from 14,771.87. "
    )
    return _repeat(unit, size)


def one_sentence(size: int) -> str:
    return _repeat("shares rose 3% and then fell 2% to 12.11 yuan, from 11.62 yuan ", size)


def numbers_table(size: int) -> str:
    rng = random.Random(0)
    lines: list[str] = []
    total = 0
    while total < size:
        line = " ".join(f"{rng.uniform(1, 999):.2f}" for _ in range(8)) + "\n"
        lines.append(line)
        total += len(line)
    return "".join(lines)[:size]


def decimal_commas(size: int) -> str:
    return _repeat("to 12,78 yuan 3,5% ", size)


def digits(size: int) -> str:
    return "7" * size


KINDS: dict[str, Callable[[int], str]] = {
    "news": news,
    "one sentence": one_sentence,
    "numbers table": numbers_table,
    "decimal commas": decimal_commas,
    "digits": digits,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[250_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--kinds", nargs="+", default=list(KINDS), choices=list(KINDS))
    args = parser.parse_args()

    from eventstudy.claims import extract

    for kind in args.kinds:
        times = []
        for size in args.sizes:
            text = KINDS[kind](size)
            best = float("inf")
            for _ in range(args.repeat):
                start = time.process_time()
                found = extract(text)
                best = min(best, time.process_time() - start)
            times.append(best)
            print(f"{kind:15s} {size:>9,d} chars  {best * 1e3:9.1f} ms  {len(found):6d} claims")
        if len(args.sizes) > 1:
            print(
                f"{kind:15s} time ratio {times[-1] / times[0]:.1f} for a size ratio "
                f"{args.sizes[-1] / args.sizes[0]:.1f}"
            )


if __name__ == "__main__":
    main()
