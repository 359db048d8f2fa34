"""Write expected.json from the FAW Jiefang abnormal-volume oracle (run from the repository root).

Usage: python tests/results/faw_jiefang_volume/make_expected.py [ORACLE_DIR]

ORACLE_DIR defaults to ../shared/oracles/faw-jiefang-2021-09-13/abnormal-volume relative to
the repository. Only numbers are copied; they are rewritten as JSON keyed by spec, day and
window.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
DEFAULT = ROOT.parent / "shared" / "oracles" / "faw-jiefang-2021-09-13" / "abnormal-volume"


def _records(frame: pd.DataFrame, key: str) -> dict[str, dict[str, object]]:
    return {
        str(row[key]): {k: v for k, v in row.items() if k not in ("spec", key) and pd.notna(v)}
        for row in frame.to_dict(orient="records")
    }


def main() -> None:
    oracle = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    fits = pd.read_csv(oracle / "model_fit.csv")
    out = {
        "fits": _records(fits, "spec"),
        "daily": {
            s: _records(g, "rel_day") for s, g in pd.read_csv(oracle / "daily.csv").groupby("spec")
        },
        "car": {
            s: _records(g, "window") for s, g in pd.read_csv(oracle / "car.csv").groupby("spec")
        },
        "volatility": {
            s: _records(g, "rel_day")
            for s, g in pd.read_csv(oracle / "volatility.csv").groupby("spec")
        },
    }
    (HERE / "expected.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
