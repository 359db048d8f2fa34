"""Write the expected numbers of the auto-peers case from the oracle folder.

Run from the repository root when ``../shared/oracles/auto-peers-2021-03-31/`` is present:
``python tests/results/auto_peers/make_expected.py``. Only the numbers are kept, renamed to the
column names of ``StudyResult.aar`` / ``StudyResult.caars``.
"""

from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
ORACLE = HERE.parents[3] / "shared" / "oracles" / "auto-peers-2021-03-31"

DAILY = {
    "aar": "aar",
    "n_firms": "n",
    "n_pos": "n_pos",
    "cs_t": "csect_t",
    "bw85_t": "bw85",
    "patell_z": "patell",
    "bmp_t": "bmp",
    "kp_t": "kp",
    "corrado_rank_z": "rank",
    "gsign_z": "gsign",
    "sign_z": "sign",
    "wilcoxon_w_plus": "wilcoxon_w",
    "wilcoxon_z": "wilcoxon",
    "wilcoxon_p_exact": "wilcoxon_p",
}
EXTRA = {
    "adj_patell_z": "adj_patell",
    "adj_patell_p": "adj_patell_p",
    "grank_t": "grank_t",
    "grank_t_p": "grank_t_p",
    "grank_z": "grank_z",
    "grank_z_p": "grank_z_p",
    "skew_adj_t": "skew_adj_t",
    "skew_adj_p": "skew_adj_t_p",
}
CAAR = {
    "caar": "caar",
    "n_firms": "n",
    "n_pos_car": "n_pos",
    "cs_t": "csect_t",
    "bw85_t": "bw85",
    "patell_z": "patell",
    "bmp_t": "bmp",
    "kp_t": "kp",
    "corrado_rank_z": "rank",
    "corrado_rank_z_est_plus_window": "rank_car_days",
    "gsign_z": "gsign",
    "sign_z": "sign",
}


def main() -> None:
    daily = pd.read_csv(ORACLE / "daily_stats.csv").set_index("rel_day")
    extra = pd.read_csv(ORACLE / "extra-tests" / "daily_extra.csv").set_index("rel_day")
    out = pd.concat(
        [daily[list(DAILY)].rename(columns=DAILY), extra[list(EXTRA)].rename(columns=EXTRA)], axis=1
    )
    out.to_csv(HERE / "expected_daily.csv", float_format="%.17g")
    caar = pd.read_csv(ORACLE / "caar_stats.csv")
    cextra = pd.read_csv(ORACLE / "extra-tests" / "caar_extra.csv")
    keys = caar[["start_rel_day", "end_rel_day"]].rename(
        columns={"start_rel_day": "start", "end_rel_day": "end"}
    )
    out = pd.concat(
        [keys, caar[list(CAAR)].rename(columns=CAAR), cextra[list(EXTRA)].rename(columns=EXTRA)],
        axis=1,
    )
    out.to_csv(HERE / "expected_caar.csv", index=False, float_format="%.17g")
    scalars = pd.read_csv(ORACLE / "by_software" / "numpy_scalars.csv")
    scalars[["rbar", "s_bw85", "p_hat"]].to_csv(
        HERE / "expected_scalars.csv", index=False, float_format="%.17g"
    )


if __name__ == "__main__":
    main()
