"""Test statistics of abnormal returns, computed for every event of a batch at once.

Modules
-------
:mod:`.single`
    One firm's tests: t, SAR, CAR, Corrado rank, SQ, Beaver's U.
:mod:`.parametric`
    Across events: cross-sectional t, Brown & Warner (1985), Patell, adjusted Patell, BMP,
    Kolari & Pynnönen, skewness-adjusted t, the mean residual correlation r̄.
:mod:`.nonparametric`
    Across events: sign, generalized sign, Wilcoxon, Corrado rank, generalized rank (GRANK).
:mod:`.ranks`
    The rank kernels the rank tests share (average ranks, rank sums, day sums).
:mod:`.conventions`
    The choices on which published implementations differ.
:mod:`.tables`
    Every test on each event-window day and window: the tables of a study.
:mod:`.pvalues`
    Reference distributions (two-sided p-values, critical values).

Notation
--------
Events i = 1..N with L_i estimation days s and event days t. e_is are the estimation
residuals, σ_i their standard deviation, AR_it the event abnormal returns, C_it the
prediction-error factor of :class:`eventstudy.models.Fit` and SAR_it = AR_it / (σ_i √C_it)
the standardised abnormal return of Patell (1976). For a window [a, b] of τ days,
CAR_i = Σ_t AR_it, S_CAR,i the exact standard deviation of a cumulated prediction error
(Mikkelson & Partch 1988; :meth:`eventstudy.models.Fit.car_variance`) and SCAR_i = CAR_i / S_CAR,i.
"""
