"""Write expected.json from the FAW Jiefang oracle (run from the repository root).

Usage: python tests/results/faw_jiefang/make_expected.py [ORACLE_DIR]

ORACLE_DIR defaults to ../shared/oracles/faw-jiefang-2021-09-13 relative to the repository.
Only numbers are copied; they are rewritten as JSON keyed by spec, day and window.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent


def main() -> None:
    oracle = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else ROOT.parent / "shared" / "oracles" / "faw-jiefang-2021-09-13"
    )
    fits = pd.read_csv(oracle / "model_fit.csv")
    daily = pd.read_csv(oracle / "daily_all_models.csv")
    car = pd.read_csv(oracle / "car_all_models.csv")
    sq = pd.read_csv(oracle / "sq_test.csv", dtype={"market": str})
    out: dict[str, object] = {"fits": {}, "daily": {}, "car": {}, "sq": {}}
    for row in fits.to_dict(orient="records"):
        out["fits"][row["spec"]] = {  # type: ignore[index]
            k: row[k]
            for k in (
                "alpha",
                "beta",
                "sigma",
                "df",
                "r2",
                "L",
                "est_first_date",
                "est_last_date",
                "mean_r_m_est",
                "S_mm",
            )
            if pd.notna(row[k])
        }
    for spec, rows in daily.groupby("spec"):
        out["daily"][spec] = {  # type: ignore[index]
            str(r["rel_day"]): {
                k: r[k]
                for k in (
                    "date",
                    "r",
                    "r_m",
                    "AR",
                    "C",
                    "SAR",
                    "t",
                    "p_t",
                    "p_SAR",
                    "corrado",
                    "p_corrado_normal",
                )
            }
            for r in rows.to_dict(orient="records")
        }
    for spec, rows in car.groupby("spec"):
        out["car"][spec] = {  # type: ignore[index]
            r["window"]: {
                k: r[k]
                for k in (
                    "K",
                    "CAR",
                    "var_simple",
                    "t_simple",
                    "p_simple",
                    "var_exact",
                    "t_exact",
                    "p_exact",
                    "df",
                )
            }
            for r in rows.to_dict(orient="records")
        }
    for market, rows in sq.groupby("market"):
        out["sq"][market] = [  # type: ignore[index]
            {
                k: r[k]
                for k in (
                    "start",
                    "end",
                    "K",
                    "car",
                    "n_sums",
                    "n_le",
                    "n_ge",
                    "percentile",
                    "p_upper",
                    "p_lower",
                    "p_two_sided",
                )
            }
            for r in rows.to_dict(orient="records")
        ]
    (HERE / "expected.json").write_text(json.dumps(out, indent=1, default=float) + "\n")


if __name__ == "__main__":
    main()
