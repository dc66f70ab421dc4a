"""The review's charts (QtCharts) for one shift or day's :class:`Counts`.

* arrivals per 15 minutes — a bar per bucket, the hours labelled beneath;
* decisions by kind — one horizontal bar per decision, in the verdict's colour, the
  count in the label;
* temperature distribution — a bar per 0.1 °C, red from the fever threshold up, and
  the threshold itself as a vertical dashed line named in the legend;
* per-gate totals — stacked bars, one colour per decision.

Each chart is rebuilt from the counts (a few hundred points at most), so showing
another shift or switching language is one call to :meth:`CountsCharts.show_counts`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

from PySide6.QtCharts import (
    QAbstractAxis,
    QAbstractBarSeries,
    QAbstractSeries,
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGridLayout, QWidget

from checkpoint_app.services.review import Counts
from checkpoint_app.ui import theme
from checkpoint_app.ui.review_models import action_colour, action_text, local_time
from checkpoint_app.ui.screen import theme_font

#: Decisions in the order the charts list them (others follow, by count).
DECISION_ORDER = ("admit", "remeasure", "refer", "deny", "refresh", "not_a_code", "unsupported")
_FALLBACK_COLOURS = ("#6d4c41", "#00838f", "#7b1fa2", "#546e7a")


#: The theme's font (looked up once: finding the CJK family lists every font).
_font = lru_cache(maxsize=16)(theme_font)


def _colour(action: str, i: int) -> QColor:
    return QColor(action_colour(action) or _FALLBACK_COLOURS[i % len(_FALLBACK_COLOURS)])


def _ordered(actions: list[str], counts: dict[str, int] | None = None) -> list[str]:
    known = [a for a in DECISION_ORDER if a in actions]
    rest = sorted((a for a in actions if a not in DECISION_ORDER),
                  key=lambda a: -(counts or {}).get(a, 0))  # fmt: skip
    return known + rest


def _nice_max(value: float) -> float:
    """An axis top a little above ``value`` that gives round tick labels."""
    if value <= 4:
        return 4
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return float(step * (int(value // step) + 1))
    return float(value * 1.1)


def _paint(bars: QBarSet, colour: QColor) -> None:
    bars.setColor(colour)
    bars.setBorderColor(colour)


def _action_bars(
    series: QAbstractBarSeries, actions: list[str], values: Callable[[int, str], list[float]]
) -> None:
    """A bar set per decision (its words, its colour) with ``values(i, action)``."""
    for i, action in enumerate(actions):
        bars = QBarSet(action_text(action))
        bars.append(values(i, action))
        _paint(bars, _colour(action, i))
        series.append(bars)


def _slot_axis(labels: Iterable[tuple[str, float]], slots: int) -> QCategoryAxis:
    """An axis of ``slots`` bars (centred on 0, 1, …) labelled at the values given."""
    axis = QCategoryAxis()
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    axis.setStartValue(-0.5)
    axis.setLabelsFont(_font(9))
    for label, at in labels:
        axis.append(label, at)
    axis.setRange(-0.5, slots - 0.5)
    axis.setGridLineVisible(False)
    return axis


def _name_axis(names: list[str]) -> QBarCategoryAxis:
    """An axis naming each bar (bold)."""
    axis = QBarCategoryAxis()
    axis.append(names or [""])
    axis.setLabelsFont(_font(10, True))
    axis.setGridLineVisible(False)
    return axis


def _attach(
    chart: QChart, series: QAbstractSeries, *axes: tuple[QAbstractAxis, Qt.AlignmentFlag]
) -> None:
    """Add the axes to the chart (on the sides given), then attach the series to them."""
    for axis, side in axes:
        chart.addAxis(axis, side)
    for axis, _side in axes:
        series.attachAxis(axis)


class ChartBox(QChartView):
    """One chart with the review's look: title, small fonts, antialiased."""

    def __init__(self, parent: QWidget | None = None) -> None:
        chart = QChart()
        chart.setMargins(QMargins(4, 2, 4, 2))
        chart.setBackgroundRoundness(6)
        chart.setTitleFont(_font(12, True))
        chart.legend().setFont(_font(9))
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        super().__init__(chart, parent)
        # bars are axis-aligned: no antialiasing (half the painting), text stays smooth
        self.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self.setMinimumHeight(180)

    def reset(self, title: str) -> QChart:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
            axis.deleteLater()
        chart.setTitle(title)
        return chart


def _value_axis(top: float, orientation_font: int = 9) -> QValueAxis:
    axis = QValueAxis()
    axis.setRange(0, top)
    axis.setLabelFormat("%d")
    axis.setTickCount(5)
    axis.setLabelsFont(_font(orientation_font))
    return axis


class CountsCharts(QWidget):
    """The four charts of the Counts tab."""

    rendered = Signal()  # the four charts show the counts last given

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.arrivals = ChartBox()
        self.decisions = ChartBox()
        self.temperatures = ChartBox()
        self.gates = ChartBox()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)
        grid.addWidget(self.arrivals, 0, 0)
        grid.addWidget(self.decisions, 0, 1)
        grid.addWidget(self.temperatures, 1, 0)
        grid.addWidget(self.gates, 1, 1)
        self.counts: Counts | None = None
        self._generation = 0

    def show_counts(self, counts: Counts, *, at_once: bool = False) -> None:
        """Rebuild the charts from ``counts``: one chart per turn of the event loop (each
        painted before the next is built, so the GUI thread is never busy long), then
        :attr:`rendered`; ``at_once`` builds all four now."""
        self.counts = counts
        self._generation += 1
        steps = [self._arrivals, self._decisions, self._temperatures, self._gates]
        if at_once:
            for step in steps:
                step(counts)
            self.rendered.emit()
            return
        self._step(self._generation, counts, steps)

    def _step(self, generation: int, counts: Counts, steps: list[Callable[[Counts], None]]) -> None:
        if generation != self._generation:
            return  # newer counts arrived meanwhile: they are being shown instead
        steps[0](counts)
        if len(steps) > 1:
            QTimer.singleShot(0, self, lambda: self._step(generation, counts, steps[1:]))
        else:
            self.rendered.emit()

    # -- arrivals per 15 minutes ----------------------------------------------------------
    def _arrivals(self, counts: Counts) -> None:
        chart = self.arrivals.reset(
            self.tr("Arrivals per %1 minutes").replace("%1", str(counts.bucket_minutes))
        )
        chart.legend().hide()
        values = [n for _at, n in counts.arrivals]
        bars = QBarSet(self.tr("Arrivals"))
        bars.append([float(v) for v in values])
        _paint(bars, QColor(theme.BLUE))
        series = QStackedBarSeries()
        series.append(bars)
        series.setBarWidth(0.85)
        chart.addSeries(series)
        n = len(values)
        per_hour = max(1, 60 // max(1, counts.bucket_minutes))
        hours = n / per_hour
        step = per_hour * (1 if hours <= 12 else 2 if hours <= 24 else 4)
        x = _slot_axis(
            [(local_time(at, "%H:%M"), i - 0.5)
             for i, (at, _n) in enumerate(counts.arrivals) if i % step == 0 or i == 0],
            max(n, 1),
        )  # fmt: skip
        y = _value_axis(_nice_max(max(values, default=0)))
        _attach(chart, series, (x, Qt.AlignmentFlag.AlignBottom), (y, Qt.AlignmentFlag.AlignLeft))

    # -- decisions by kind ----------------------------------------------------------------
    def _decisions(self, counts: Counts) -> None:
        chart = self.decisions.reset(self.tr("Decisions"))
        chart.legend().hide()
        actions = _ordered([a for a, n in counts.decisions.items() if n], counts.decisions)
        series = QHorizontalStackedBarSeries()
        series.setBarWidth(0.7)
        # one set per decision (its colour), each with a value only in its own row;
        # rows bottom-up, so the first decision is at the top
        rows = list(reversed(actions))
        _action_bars(series, rows, lambda i, action: [
            float(counts.decisions[action]) if j == i else 0.0 for j in range(len(rows))
        ])  # fmt: skip
        chart.addSeries(series)
        y = _name_axis([f"{action_text(a)}  {counts.decisions[a]}" for a in rows])
        x = _value_axis(_nice_max(max(counts.decisions.values(), default=0)))
        _attach(chart, series, (y, Qt.AlignmentFlag.AlignLeft), (x, Qt.AlignmentFlag.AlignBottom))

    # -- temperature distribution ---------------------------------------------------------
    def temperature_bins(self, counts: Counts) -> list[float]:
        """The 0.1 °C bins the chart shows: every reading's bin and the threshold, with a
        margin, without gaps."""
        readings = [round(c, 1) for c, n in counts.temperatures if n]
        threshold = round(counts.fever_threshold, 1)
        low = min([*readings, 36.0, threshold - 1.0])
        high = max([*readings, threshold + 0.5])
        steps = round((high - low) * 10)
        return [round(low + i / 10, 1) for i in range(steps + 1)]

    def _temperatures(self, counts: Counts) -> None:
        chart = self.temperatures.reset(self.tr("Temperatures (°C)"))
        bins = self.temperature_bins(counts)
        by_bin: dict[float, int] = {}
        for celsius, n in counts.temperatures:
            key = round(celsius, 1)
            by_bin[key] = by_bin.get(key, 0) + n
        threshold = round(counts.fever_threshold, 1)
        n_fever = sum(n for b, n in by_bin.items() if b >= threshold)
        n_normal = sum(by_bin.values()) - n_fever
        normal = QBarSet(self.tr("Normal: %1").replace("%1", str(n_normal)))
        fever = QBarSet(self.tr("Fever: %1").replace("%1", str(n_fever)))
        normal.append([float(by_bin.get(b, 0)) if b < threshold else 0.0 for b in bins])
        fever.append([float(by_bin.get(b, 0)) if b >= threshold else 0.0 for b in bins])
        _paint(normal, QColor(theme.GREEN))
        _paint(fever, QColor(theme.RED))
        series = QStackedBarSeries()
        series.append(normal)
        series.append(fever)
        series.setBarWidth(0.9)
        chart.addSeries(series)
        x = _slot_axis(
            [(f"{b:.1f}", float(i)) for i, b in enumerate(bins) if round(b * 10) % 5 == 0],
            len(bins),
        )
        top = _nice_max(max(by_bin.values(), default=0))
        y = _value_axis(top)
        _attach(chart, series, (x, Qt.AlignmentFlag.AlignBottom), (y, Qt.AlignmentFlag.AlignLeft))
        # the threshold: a dashed line at the left edge of its bin
        position = bins.index(threshold) - 0.5 if threshold in bins else len(bins) - 0.5
        line = QLineSeries()
        line.setName(
            self.tr("Fever threshold %1 °C").replace("%1", f"{counts.fever_threshold:.1f}")
        )
        line.append(QPointF(position, 0))
        line.append(QPointF(position, top))
        pen = QPen(QColor(theme.RED))
        pen.setWidth(2)
        pen.setStyle(Qt.PenStyle.DashLine)
        line.setPen(pen)
        chart.addSeries(line)
        line.attachAxis(x)
        line.attachAxis(y)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        chart.legend().show()
        self.normal_bars, self.fever_bars, self.threshold_line = normal, fever, line

    # -- per-gate totals ------------------------------------------------------------------
    def _gates(self, counts: Counts) -> None:
        chart = self.gates.reset(self.tr("Per gate"))
        gates = sorted(counts.per_gate)
        totals: dict[str, int] = {}
        for per_action in counts.per_gate.values():
            for action, n in per_action.items():
                totals[action] = totals.get(action, 0) + n
        actions = _ordered([a for a, n in totals.items() if n], totals)
        series = QStackedBarSeries()
        series.setBarWidth(0.6)
        _action_bars(series, actions, lambda _i, action: [
            float(counts.per_gate[g].get(action, 0)) for g in gates
        ])  # fmt: skip
        chart.addSeries(series)
        x = _name_axis(gates)
        top = max((sum(counts.per_gate[g].values()) for g in gates), default=0)
        y = _value_axis(_nice_max(top))
        _attach(chart, series, (x, Qt.AlignmentFlag.AlignBottom), (y, Qt.AlignmentFlag.AlignLeft))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        chart.legend().setVisible(bool(actions))

    def retranslate(self) -> None:
        if self.counts is not None:
            self.show_counts(self.counts)


__all__ = ["ChartBox", "CountsCharts"]
