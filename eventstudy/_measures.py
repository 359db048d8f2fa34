"""What each measure of a study is called: the columns of a result's daily table and the words
of summaries and charts, written once for every output."""

from __future__ import annotations

from dataclasses import dataclass

from eventstudy._typing import Measure


@dataclass(frozen=True)
class MeasureNames:
    """The names of one measure (:data:`MEASURES`).

    Attributes
    ----------
    own, market : str
        The columns of the stock's and the market's measure in
        :attr:`eventstudy.EventStudyResult.abnormal`.
    title : str
        The abnormal values in a summary's title (``"abnormal returns"``).
    quantity : str
        One abnormal value in words (``"abnormal return"``).
    short, cumulative : str
        Short names of a day's abnormal value and of their sum (``"AR"``, ``"CAR"``).
    axis, abnormal_axis : str
        Axis labels of the measure and of its abnormal values.
    scale : float
        From the stored values to the axis unit (100: a fraction drawn in percent).
    modelled : str
        What the normal-return model is fitted to, in a chart's source line.
    """

    own: str
    market: str
    title: str
    quantity: str
    short: str
    cumulative: str
    axis: str
    abnormal_axis: str
    scale: float
    modelled: str


#: The names of every measure of a study (``StudySpec.measure``).
MEASURES: dict[Measure, MeasureNames] = {
    "returns": MeasureNames(
        own="ret",
        market="market_ret",
        title="abnormal returns",
        quantity="abnormal return",
        short="AR",
        cumulative="CAR",
        axis="return (%)",
        abnormal_axis="abnormal return (%)",
        scale=100.0,
        modelled="returns",
    ),
    "volume": MeasureNames(
        own="log_volume",
        market="market_log_volume",
        title="abnormal log volume",
        quantity="abnormal log volume",
        short="AV",
        cumulative="CAV",
        axis="log volume, ln(1 + shares)",
        abnormal_axis="abnormal log volume (log points)",
        scale=1.0,
        modelled="log volume",
    ),
    "raw_volume": MeasureNames(
        own="volume",
        market="market_volume",
        title="abnormal volume (shares)",
        quantity="abnormal volume",
        short="AV",
        cumulative="CAV",
        axis="shares traded",
        abnormal_axis="abnormal volume (shares)",
        scale=1.0,
        modelled="shares traded",
    ),
    "volatility": MeasureNames(
        own="ret",
        market="market_ret",
        title="abnormal volatility",
        quantity="abnormal volatility",
        short="AVR",
        cumulative="cumulative AVR",
        axis="variance ratio",
        abnormal_axis="abnormal variance ratio",
        scale=1.0,
        modelled="returns",
    ),
}
