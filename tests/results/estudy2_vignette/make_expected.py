"""Write the expected numbers of the estudy2 vignette case from the oracle folder.

Run from the repository root when ``../shared/oracles/estudy2-vignette/`` is present:
``python tests/results/estudy2_vignette/make_expected.py``. Only the numbers are kept, renamed to
the column names of ``StudyResult.aar`` / ``StudyResult.caars``.
"""

from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
ORACLE = HERE.parents[3] / "shared" / "oracles" / "estudy2-vignette"

PARAMETRIC = {
    "mean": "aar",
    "bw_1985_stat": "bw85",
    "t_test_stat": "csect_t",
    "pt_stat": "patell",
    "bh_stat": "bmp",
}
NONPARAMETRIC = {
    "sign_stat": "sign",
    "gsign_stat": "gsign",
    "rank_stat": "rank",
    "wlcx_stat": "wilcoxon_w",
}


def main() -> None:
    par = pd.read_csv(ORACLE / "expected_parametric_tests.csv").set_index("date")
    non = pd.read_csv(ORACLE / "expected_nonparametric_tests.csv").set_index("date")
    daily = pd.concat(
        [
            par[list(PARAMETRIC)].rename(columns=PARAMETRIC),
            non[list(NONPARAMETRIC)].rename(columns=NONPARAMETRIC),
        ],
        axis=1,
    )
    daily.insert(0, "rel_day", range(len(daily)))
    daily.to_csv(HERE / "expected_daily.csv", float_format="%.17g")
    car = pd.read_csv(ORACLE / "expected_car_tests.csv").set_index("name")
    pd.DataFrame(
        {
            "start": [0],
            "end": [4],
            "caar": [car.at["car_brown_warner_1985", "car_mean"] * 5],
            "bw85": [car.at["car_brown_warner_1985", "statistic"]],
            "rank": [car.at["car_rank_test", "statistic"]],
        }
    ).to_csv(HERE / "expected_car.csv", index=False, float_format="%.17g")
    firm = pd.read_csv(ORACLE / "expected_firm_model.csv")
    firm = firm.rename(
        columns={
            "estimation_length": "nobs",
            "sd_residuals_L1": "sigma_nobs_1",
            "sigma_L2": "sigma",
        }
    )
    firm[["ticker", "alpha", "beta", "nobs", "est_first_date", "sigma", "sigma_nobs_1"]].to_csv(
        HERE / "expected_firm_model.csv", index=False, float_format="%.17g"
    )
    ar = pd.read_csv(ORACLE / "expected_ar.csv")
    ar.pivot(index="date", columns="ticker", values="ar").to_csv(
        HERE / "expected_ar.csv", float_format="%.17g"
    )


if __name__ == "__main__":
    main()
