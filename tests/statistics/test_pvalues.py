"""The reference distributions from scipy.special give scipy.stats' numbers."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from eventstudy.errors import InvalidInputError
from eventstudy.statistics.pvalues import f_upper, normal_pvalue, t_critical, t_pvalue, t_upper

# Statistics from 0 to far in the tails, both signs, and the values a test can produce
# when it cannot be computed (NaN, ±inf).
VALUES = np.array(
    [np.nan, -np.inf, -40.0, -8.5, -2.17, -1.0, -1e-12, 0.0, 1e-12, 0.5, 1.65, 1.96, 2.17,
     3.3, 5.0, 8.5, 38.0, np.inf]
)
# Degrees of freedom of a one-event fit down to a few days, of a cross-section, and large.
DF = np.array([1.0, 2.0, 3.0, 7.0, 10.0, 29.0, 238.0, 239.0, 1e4, 1e7])


def _grid() -> tuple[np.ndarray, np.ndarray]:
    x, df = np.meshgrid(VALUES, DF)
    return x, df


def test_t_pvalues_equal_scipy_stats() -> None:
    x, df = _grid()
    assert_allclose(t_pvalue(x, df), 2.0 * stats.t.sf(np.abs(x), df), rtol=1e-15, atol=0)
    assert_allclose(t_upper(x, df), stats.t.sf(x, df), rtol=1e-15, atol=0)


def test_normal_pvalues_equal_scipy_stats() -> None:
    assert_allclose(normal_pvalue(VALUES), 2.0 * stats.norm.sf(np.abs(VALUES)), rtol=1e-15, atol=0)


@pytest.mark.parametrize("level", [0.5, 0.8, 0.9, 0.95, 0.99, 0.999])
def test_t_critical_equals_scipy_stats(level: float) -> None:
    assert_allclose(t_critical(level, DF), stats.t.ppf(0.5 + level / 2.0, DF), rtol=1e-15)


def test_f_upper_equals_scipy_stats() -> None:
    u = np.array([np.nan, 0.0, 1e-10, 0.3, 1.0, 4.7, 25.0, 100.0, np.inf])
    x, dfd = np.meshgrid(u, DF)
    assert_allclose(f_upper(x, 1.0, dfd), stats.f.sf(x, 1.0, dfd), rtol=1e-15, atol=0)


@pytest.mark.parametrize("level", [0.0, 1.0, 95.0])
def test_t_critical_refuses_a_level_outside_0_1(level: float) -> None:
    with pytest.raises(InvalidInputError, match="between 0 and 1"):
        t_critical(level, 10.0)


def test_a_run_does_not_load_scipy_stats() -> None:
    """scipy.stats takes several times as long to load as scipy.special."""
    code = (
        "import sys, eventstudy\n"
        "eventstudy.run('000800.SZ', '2021-09-13', data='bundled').summary()\n"
        "print('scipy.stats' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
