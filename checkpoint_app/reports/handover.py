"""The shift hand-over report (issue 7): PDF via ReportLab, XLSX via openpyxl.

:func:`build_handover` gathers everything the report shows through a
:class:`~checkpoint_app.services.review.ReviewService` -- totals, chart data, the
referrals, denials and overrides with their reasons, the unsynced events, the
integrity check and each device's chain head -- and records a ``shift_handed_over``
event carrying those chain heads, so a later edit of the laptop's log is detectable
against the printed report and the central API's copy. The writers only lay the
report out. Names are masked (``张*``) unless the supervisor unlocked the report.

Labels are Chinese first, English second ("交接报告 Hand-over report"). The PDF uses
ReportLab's built-in Chinese CID font (``STSong-Light``, as ``reports/manifest.py``)
and ``reportlab.graphics`` charts; hashes print in Courier so they can be read back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checkpoint_app.services.review import Counts, LogFilter, LogRow, ReviewService

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing

TITLE = "交接报告 Hand-over report"
FONT = "STSong-Light"
#: Totals in the order (and with the labels) the report lists them.
TOTAL_LABELS = (
    ("scans", "扫码 scans"),
    ("entered", "已入内 entered"),
    ("referred", "转复核 referred"),
    ("denied", "拒绝 denied"),
    ("provisional", "临时放行 provisional"),
    ("overrides", "人工改判 overrides"),
    ("fevers", "发热读数 fever readings"),
    ("temperatures", "体温读数 readings"),
    ("red", "红码 red codes"),
    ("forged_or_invalid", "伪造或无效 forged or invalid"),
    ("revoked", "已撤销 revoked"),
    ("flagged", "核验未通过 flagged"),
    ("handed_over", "已移交 handed over"),
    ("pending_sync", "待同步 pending sync"),
    ("rejected_sync", "同步被拒 rejected sync"),
    ("events", "事件 events"),
)
BREAK_LABELS = {
    "edited": "记录被改动 an event was edited",
    "deleted": "记录被删除 events are missing",
    "inserted_or_reordered": "记录被插入或重排 inserted or reordered",
    "pii_mismatch": "个人信息不符 personal data altered",
    "pii_orphan": "多余个人信息 stray personal data",
}


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One referral, denial or override as the report lists it."""

    occurred_at: str
    gate: str
    operator: str
    name: str  # masked unless the report is unlocked; "" when unknown
    traveller: str
    action: str  # the journey transition (refer, deny, override)
    target: str  # an override's target state, else ""
    reason: str
    event_id: str


@dataclass(frozen=True, slots=True)
class ExportLine:
    """One file written from the station's data during the shift (``data_exported``)."""

    occurred_at: str
    operator: str
    what: str  # log, manifest, backup
    format: str
    rows: int
    masked: bool
    roster_id: str


@dataclass(frozen=True, slots=True)
class IntegrityResult:
    ok: bool
    events: int
    checked_at: str
    break_device: str | None = None
    break_seq: int | None = None
    break_kind: str | None = None
    break_detail: str | None = None

    def text(self) -> str:
        if self.ok:
            return f"完整 intact: {self.events:,} 条事件 events, 哈希链无断点 no broken link"
        label = BREAK_LABELS.get(self.break_kind or "", self.break_kind or "")
        return (
            f"已损坏 BROKEN at device {self.break_device} seq {self.break_seq}: {label} "
            f"({self.break_detail})"
        )


@dataclass(frozen=True)
class HandoverReport:
    """Everything the hand-over report shows."""

    checkpoint: str
    gates: tuple[str, ...]
    since: str
    until: str
    generated_at: str
    counts: Counts
    referrals: list[ReportLine]
    denials: list[ReportLine]
    overrides: list[ReportLine]
    unsynced_in_shift: int  # pending + rejected events of the shift
    unsynced_total: int  # pending + rejected events in the whole store
    rejected_total: int
    integrity: IntegrityResult
    chain_heads: list[tuple[str, int, str]]  # (device, seq, hash) when handed over
    handed_over_by: str
    handed_over_to: str
    unlocked: bool
    handover_event: tuple[str, int, str]  # the shift_handed_over event: (id, seq, hash)
    list_ages: dict[str, int | None]
    exports: list[ExportLine]  # the shift's data_exported events, oldest first


def _now_iso(review: ReviewService) -> str:
    moment = datetime.fromtimestamp(review.station.now(), UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _lines(
    review: ReviewService, rows: list[tuple[LogRow, str]], unlocked: bool
) -> list[ReportLine]:
    names = _unmasked_names(review, {r.traveller for r, _ in rows}) if unlocked else {}
    out = []
    for row, reason in rows:
        target = ""
        if row.action == "override":
            payload = review.db.execute(
                "SELECT payload FROM events WHERE event_id = ?", [row.event_id]
            ).fetchone()
            target = str(json.loads(payload[0]).get("target") or "") if payload else ""
        out.append(
            ReportLine(
                row.occurred_at, row.gate, row.operator,
                names.get(row.traveller, row.masked_name), row.traveller, row.action, target,
                reason, row.event_id,
            )
        )  # fmt: skip
    return out


def _unmasked_names(review: ReviewService, travellers: set[str]) -> dict[str, str]:
    """The name in each traveller's earliest personal row (for an unlocked report)."""
    names: dict[str, str] = {}
    for traveller in sorted(t for t in travellers if t):
        found = review.db.execute(
            "SELECT l.event_id FROM p_log l JOIN event_pii p ON p.event_id = l.event_id "
            "WHERE l.traveller = ? ORDER BY l.occurred_at, l.device_id, l.seq",
            [traveller],
        ).fetchall()
        for (event_id,) in found:
            name = (review.station.log.pii(event_id) or {}).get("name")
            if isinstance(name, str) and name:
                names[traveller] = name
                break
    return names


def _exports(review: ReviewService, since: str, until: str) -> list[ExportLine]:
    rows = review.page(
        LogFilter(since=since, until=until, kinds=("data_exported",)), 0, MAX_EXPORTS
    )
    lines = []
    for row in reversed(rows):
        data = review.detail(row.event_id).payload
        rows_written = data.get("rows")
        lines.append(
            ExportLine(
                occurred_at=row.occurred_at,
                operator=row.operator,
                what=str(data.get("what", "")),
                format=str(data.get("format", "")),
                rows=rows_written if isinstance(rows_written, int) else 0,
                masked=bool(data.get("masked")),
                roster_id=str(data.get("roster_id") or ""),
            )
        )
    return lines


def build_handover(
    review: ReviewService,
    since: str,
    until: str,
    *,
    handed_over_by: str,
    handed_over_to: str,
    unlocked: bool = False,
) -> HandoverReport:
    """Gather the report for ``[since, until)``, run the integrity check, and record a
    ``shift_handed_over`` event with each device's chain head (as printed)."""
    by, to = handed_over_by.strip(), handed_over_to.strip()
    if not by or not to:
        raise ValueError("a hand-over names who hands over and who takes over")
    if not since < until:
        raise ValueError("the shift must end after it starts")
    counts = review.counts(since, until)
    referrals = _lines(review, review.journeys(since, until, ("refer",)), unlocked)
    denials = _lines(review, review.journeys(since, until, ("deny",)), unlocked)
    overrides = _lines(review, review.journeys(since, until, ("override",)), unlocked)
    exports = _exports(review, since, until)
    gates = tuple(sorted(g for g in counts.per_gate if g) or review.facets().gates)
    report = review.check_integrity()
    brk = report.first_break
    integrity = IntegrityResult(
        ok=report.ok,
        events=report.events,
        checked_at=_now_iso(review),
        break_device=brk.device_id if brk else None,
        break_seq=brk.seq if brk else None,
        break_kind=str(brk.kind) if brk else None,
        break_detail=brk.detail if brk else None,
    )
    heads = review.chain_heads()
    states = dict(
        review.db.execute(
            "SELECT sync_state, COUNT(*) FROM event_sync "
            "WHERE sync_state IN ('pending', 'rejected') GROUP BY 1"
        ).fetchall()
    )
    station = review.station
    with station.use_case() as rec:
        event = rec.record(
            "shift_handed_over",
            {
                "since": since,
                "until": until,
                "handed_over_by": by,
                "handed_over_to": to,
                "checkpoint": station.checkpoint,
                "chain_heads": [{"device_id": d, "seq": s, "hash": h} for d, s, h in heads],
                "integrity_ok": report.ok,
                "totals": {k: counts.totals.get(k, 0) for k, _ in TOTAL_LABELS},
            },
            operator=review.operator or by,
            at=station.now(),
        )
    return HandoverReport(
        checkpoint=station.checkpoint,
        gates=gates,
        since=since,
        until=until,
        generated_at=_now_iso(review),
        counts=counts,
        referrals=referrals,
        denials=denials,
        overrides=overrides,
        unsynced_in_shift=counts.totals["pending_sync"] + counts.totals["rejected_sync"],
        unsynced_total=int(states.get("pending", 0)) + int(states.get("rejected", 0)),
        rejected_total=int(states.get("rejected", 0)),
        integrity=integrity,
        chain_heads=heads,
        handed_over_by=by,
        handed_over_to=to,
        unlocked=unlocked,
        handover_event=(event.event_id, event.seq, event.hash),
        list_ages=review.list_ages(),
        exports=exports,
    )


# -- shared wording -------------------------------------------------------------------


def _short(iso: str) -> str:
    """``2026-11-25T08:31:05.123Z`` → ``2026-11-25 08:31`` (UTC)."""
    return iso[:16].replace("T", " ")


def _age(seconds: int | None) -> str:
    if seconds is None:
        return "从未获取 never fetched"
    if seconds < 3600:
        return f"{seconds // 60} 分钟 min"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} 小时 h"
    return f"{seconds / 86400:.1f} 天 days"


def header_lines(report: HandoverReport) -> list[str]:
    masked = "已解锁 unlocked (names in full)" if report.unlocked else "已遮蔽 masked"
    return [
        f"检查站 Checkpoint: {report.checkpoint}; 通道 Gates: {', '.join(report.gates) or '-'}",
        f"班次 Shift: {_short(report.since)} – {_short(report.until)} UTC; "
        f"生成 generated {_short(report.generated_at)} UTC; 个人信息 personal data: {masked}",
        f"交班人 Handed over by: {report.handed_over_by} → "
        f"接班人 Taken over by: {report.handed_over_to}",
    ]


def unsynced_text(report: HandoverReport) -> str:
    return (
        f"本班未同步 Unsynced in this shift: {report.unsynced_in_shift:,}; "
        f"全部未同步 in the whole log: {report.unsynced_total:,} "
        f"(其中被拒 of which rejected: {report.rejected_total:,})"
    )


LINE_HEADER = ("时间 time (UTC)", "通道 gate", "操作员 operator", "姓名 name", "原因 reason")
EXPORT_HEADER = (
    "时间 time (UTC)", "操作员 operator", "内容 what", "格式 format", "条数 rows", "个人信息 personal data",
)  # fmt: skip
EXPORT_WHAT = {"log": "日志 log", "manifest": "乘车名单 manifest", "backup": "完整备份 full backup"}
#: The exports a report lists (a shift has a handful; the log has them all).
MAX_EXPORTS = 500
OVERRIDE_HEADER = (
    "时间 time (UTC)", "通道 gate", "改判人 who", "姓名 name", "改为 to", "理由 why",
)  # fmt: skip


def by_reason(lines: list[ReportLine]) -> list[tuple[str, int]]:
    """How many referrals (or denials) each reason gave, the commonest first."""
    counted: dict[str, int] = {}
    for line in lines:
        counted[line.reason] = counted.get(line.reason, 0) + 1
    return sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))


def _clip(text: str, width_mm: float) -> str:
    """Cut a plain cell's text to about what fits its column at 8 pt (CJK counts 2)."""
    room = int((width_mm - 4) / 1.41)  # half-width glyphs of 4 pt (1.41 mm), less padding
    used, out = 0, list[str]()
    for char in text:
        used += 2 if ord(char) > 0x2E7F else 1
        if used > room:
            return "".join(out) + "…"
        out.append(char)
    return text


def _line_cells(line: ReportLine) -> list[str]:
    return [_short(line.occurred_at), line.gate, line.operator, line.name or "-", line.reason]


def _export_cells(line: ExportLine) -> list[str]:
    what = EXPORT_WHAT.get(line.what, line.what)
    return [
        _short(line.occurred_at), line.operator,
        f"{what} {line.roster_id}".strip(), line.format, f"{line.rows:,}",
        "已遮蔽 masked" if line.masked else "未遮蔽 UNMASKED",
    ]  # fmt: skip


def _override_cells(line: ReportLine) -> list[str]:
    return [
        _short(line.occurred_at), line.gate, line.operator, line.name or "-", line.target,
        line.reason,
    ]  # fmt: skip


# -- PDF ------------------------------------------------------------------------------


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _integer_axis(axis: Any, values: list[int]) -> None:
    """Whole-number ticks (counts), about five of them."""
    axis.valueMin = 0
    top = max(values, default=0)
    step = 1
    while step * 5 < top:  # 1, 2, 5, 10, 20, 50, ...
        step = step * 5 // 2 if str(step)[0] == "2" else step * 2
    axis.valueStep = step
    axis.valueMax = max(step, -(-top // step) * step)
    axis.labels.fontSize = 7


def _arrivals_chart(counts: Counts, width: float) -> Drawing:
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    drawing = Drawing(width, 150)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 30, width - 45, 100
    values = [n for _, n in counts.arrivals] or [0]
    chart.data = [values]
    step = max(1, len(values) // 12)
    chart.categoryAxis.categoryNames = [
        (label[11:16] if i % step == 0 else "") for i, (label, _) in enumerate(counts.arrivals)
    ] or [""]
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 6
    _integer_axis(chart.valueAxis, values)
    chart.bars[0].fillColor = colors.HexColor("#4a7bd0")
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    drawing.add(
        String(30, 138, "每15分钟到达 Arrivals per 15 min (UTC)", fontName=FONT, fontSize=9)
    )
    return drawing


def _decisions_chart(counts: Counts, width: float) -> Drawing:
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    items = sorted(counts.decisions.items(), key=lambda kv: -kv[1]) or [("-", 0)]
    height = 40 + 16 * len(items)
    drawing = Drawing(width, height + 15)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 70, 10, width - 90, height - 20
    chart.data = [[n for _, n in items]]
    chart.categoryAxis.categoryNames = [k for k, _ in items]
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 8
    _integer_axis(chart.valueAxis, [n for _, n in items])
    chart.barLabelFormat = "%d"
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 8
    chart.bars[0].fillColor = colors.HexColor("#5a9e6f")
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    drawing.add(String(10, height, "决定 Decisions (final)", fontName=FONT, fontSize=9))
    return drawing


def temperature_bins(counts: Counts) -> list[tuple[float, int]]:
    """Every 0.1 °C bin from the lowest reading to the highest (zeros included), the
    threshold within range."""
    if not counts.temperatures:
        return []
    have = {round(c, 1): n for c, n in counts.temperatures}
    low = min(min(have), counts.fever_threshold - 0.3)
    high = max(max(have), counts.fever_threshold + 0.3)
    steps = round((high - low) * 10)
    return [(round(low + k / 10, 1), have.get(round(low + k / 10, 1), 0)) for k in range(steps + 1)]


def _temperature_chart(counts: Counts, width: float) -> Drawing:
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing, Line, String
    from reportlab.lib import colors

    bins = temperature_bins(counts) or [(counts.fever_threshold, 0)]
    drawing = Drawing(width, 150)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 30, width - 45, 100
    chart.data = [[n for _, n in bins]]
    step = max(1, len(bins) // 15)
    chart.categoryAxis.categoryNames = [
        (f"{c:.1f}" if i % step == 0 else "") for i, (c, _) in enumerate(bins)
    ]
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 6
    _integer_axis(chart.valueAxis, [n for _, n in bins])
    chart.bars.strokeColor = None
    for i, (c, _) in enumerate(bins):
        fever = c >= counts.fever_threshold - 1e-9
        chart.bars[(0, i)].fillColor = colors.HexColor("#d9534f" if fever else "#8fb3e8")
    drawing.add(chart)
    first_fever = next(
        (i for i, (c, _) in enumerate(bins) if c >= counts.fever_threshold - 1e-9), len(bins)
    )
    x = chart.x + chart.width * first_fever / len(bins)
    drawing.add(
        Line(x, chart.y, x, chart.y + chart.height + 5, strokeColor=colors.red,
             strokeWidth=1.2, strokeDashArray=[3, 2])
    )  # fmt: skip
    drawing.add(
        String(x + 3, chart.y + chart.height - 2, f"{counts.fever_threshold:.1f} °C",
               fontName="Helvetica", fontSize=7, fillColor=colors.red)
    )  # fmt: skip
    drawing.add(
        String(30, 138, "体温分布 Temperatures (0.1 °C), 发热阈值 fever threshold",
               fontName=FONT, fontSize=9)
    )  # fmt: skip
    return drawing


def write_handover_pdf(report: HandoverReport, path: Path) -> None:
    """The report as an A4 PDF (a new file; an existing one is not overwritten)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import (
        KeepTogether,
        LongTable,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    title = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=21)
    heading = ParagraphStyle("heading", fontName=FONT, fontSize=11.5, leading=16, spaceBefore=6)
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12.5)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10)
    mono = ParagraphStyle("mono", fontName="Courier", fontSize=7.5, leading=9.5)
    grid = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    width = A4[0] - 24 * mm

    def table(
        header: tuple[str, ...],
        rows: list[list[str]],
        widths: Sequence[float],
        *,
        wrap: bool = True,
    ) -> LongTable:
        """A table with a repeated header; ``wrap=False`` sets plain text cells (one line
        each, clipped to the column: the long lists of a busy shift, fast to lay out)."""
        data: list[list[Any]] = [[Paragraph(_escape(h), cell) for h in header]]
        if wrap:
            data += [[Paragraph(_escape(v), cell) for v in row] for row in rows]
        else:
            data += [[_clip(v, w) for v, w in zip(row, widths, strict=True)] for row in rows]
        t = LongTable(data, colWidths=[w * mm for w in widths], repeatRows=1)
        t.setStyle(
            TableStyle(
                [*grid, ("FONTNAME", (0, 1), (-1, -1), FONT), ("FONTSIZE", (0, 1), (-1, -1), 8)]
            )
        )
        return t

    story: list[Any] = [Paragraph(TITLE, title)]
    story += [Paragraph(_escape(line), body) for line in header_lines(report)]
    story.append(Spacer(1, 3 * mm))

    totals = report.counts.totals
    pairs = [(label, f"{totals.get(key, 0):,}") for key, label in TOTAL_LABELS]
    half = (len(pairs) + 1) // 2
    rows = []
    for i in range(half):
        left = pairs[i]
        right = pairs[i + half] if i + half < len(pairs) else ("", "")
        rows.append([Paragraph(_escape(left[0]), cell), left[1],
                     Paragraph(_escape(right[0]), cell), right[1]])  # fmt: skip
    totals_table = Table(rows, colWidths=[52 * mm, 24 * mm, 52 * mm, 24 * mm])
    totals_table.setStyle(
        TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("ALIGN", (3, 0), (3, -1), "RIGHT"),
                    ("FONTNAME", (0, 0), (-1, -1), "Helvetica"), ("FONTSIZE", (0, 0), (-1, -1), 8.5)])
    )  # fmt: skip
    story += [Paragraph("合计 Totals", heading), totals_table]
    story.append(Paragraph(_escape(unsynced_text(report)), body))
    integrity_style = ParagraphStyle(
        "integrity", parent=body, textColor=colors.black if report.integrity.ok else colors.red
    )
    story += [
        Paragraph("完整性 Integrity", heading),
        Paragraph(
            _escape(f"{report.integrity.text()} (检查于 checked {_short(report.integrity.checked_at)} UTC)"),
            integrity_style,
        ),
    ]  # fmt: skip

    story.append(Paragraph("图表 Charts", heading))
    story.append(_arrivals_chart(report.counts, width))
    story.append(KeepTogether([_decisions_chart(report.counts, width)]))
    story.append(_temperature_chart(report.counts, width))
    if report.counts.per_gate:
        actions = sorted({a for by in report.counts.per_gate.values() for a in by})
        gate_rows = [
            [g, *[str(by.get(a, 0)) for a in actions]]
            for g, by in sorted(report.counts.per_gate.items())
        ]
        story += [
            Paragraph("各通道决定 Decisions per gate", heading),
            table(("通道 gate", *actions), gate_rows,
                  [40] + [max(14, 146 / max(1, len(actions)))] * len(actions)),
        ]  # fmt: skip

    line_widths = [30, 26, 26, 24, 80]
    for label, lines in (("转复核 Referrals", report.referrals), ("拒绝 Denials", report.denials)):
        story.append(Paragraph(f"{label} ({len(lines)})", heading))
        if not lines:
            story.append(Paragraph("无 none", body))
            continue
        story.append(
            table(("原因 reason", "次数 count"), [[r, f"{n:,}"] for r, n in by_reason(lines)],
                  [120, 30], wrap=False)
        )  # fmt: skip
        story.append(Spacer(1, 2 * mm))
        story.append(table(LINE_HEADER, [_line_cells(x) for x in lines], line_widths, wrap=False))
    story += [Paragraph(f"人工改判 Overrides ({len(report.overrides)})", heading)]
    story.append(
        table(OVERRIDE_HEADER, [_override_cells(x) for x in report.overrides],
              [26, 22, 24, 20, 18, 76])
        if report.overrides
        else Paragraph("无 none", body)
    )  # fmt: skip
    story += [Paragraph(f"数据导出 Exports ({len(report.exports)})", heading)]
    story.append(
        table(EXPORT_HEADER, [_export_cells(x) for x in report.exports], [30, 34, 52, 18, 18, 34])
        if report.exports
        else Paragraph("无 none", body)
    )

    story.append(Paragraph("设备链头 Chain head of each device", heading))
    story.append(
        Paragraph(
            "交接时每台设备最后一条记录的序号和哈希；日后与中心的副本比对即可发现改动。 "
            "Each device's newest event when handed over: compare with the central copy "
            "to detect a later edit.",
            body,
        )
    )
    head_rows = [
        [Paragraph(d, mono), str(seq), Paragraph(h, mono)] for d, seq, h in report.chain_heads
    ]
    heads = Table(
        [[Paragraph("设备 device", cell), Paragraph("序号 seq", cell),
          Paragraph("哈希 hash (SHA-256)", cell)], *head_rows],
        colWidths=[62 * mm, 16 * mm, 108 * mm],
    )  # fmt: skip
    heads.setStyle(TableStyle(grid))
    story.append(heads)
    event_id, seq, digest = report.handover_event
    story.append(Spacer(1, 2 * mm))
    story.append(Paragraph(f"交接事件 Hand-over event: seq {seq}, id {event_id}", body))
    story.append(Paragraph(digest, mono))

    story.append(Paragraph("缓存清单 Cached lists (age)", heading))
    story.append(
        Paragraph(_escape("; ".join(f"{k}: {_age(v)}" for k, v in report.list_ages.items())), body)
    )
    story.append(Spacer(1, 10 * mm))
    story.append(
        Paragraph(
            _escape(
                f"交班人签字 Handed over by ({report.handed_over_by}): ________________    "
                f"接班人签字 Taken over by ({report.handed_over_to}): ________________"
            ),
            body,
        )
    )
    doc = SimpleDocTemplate(
        str(path), pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
        bottomMargin=12 * mm, title=f"Hand-over {report.checkpoint} {_short(report.since)}",
    )  # fmt: skip
    if path.exists():
        raise FileExistsError(path)
    doc.build(story)


# -- XLSX -----------------------------------------------------------------------------


def write_handover_xlsx(report: HandoverReport, path: Path) -> None:
    """The report as a workbook: a summary sheet, one sheet per table, with charts."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    book = Workbook()
    bold = Font(bold=True)
    summary = book.active
    assert summary is not None
    summary.title = "汇总 Summary"
    summary.append([TITLE])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(["检查站 Checkpoint", report.checkpoint])
    summary.append(["通道 Gates", ", ".join(report.gates)])
    summary.append(["班次开始 Shift from (UTC)", report.since])
    summary.append(["班次结束 Shift until (UTC)", report.until])
    summary.append(["生成 Generated (UTC)", report.generated_at])
    summary.append(["交班人 Handed over by", report.handed_over_by])
    summary.append(["接班人 Taken over by", report.handed_over_to])
    summary.append(["个人信息 Personal data", "unlocked" if report.unlocked else "masked"])
    summary.append([])
    summary.append(["合计 Totals"])
    summary.cell(summary.max_row, 1).font = bold
    for key, label in TOTAL_LABELS:
        summary.append([label, report.counts.totals.get(key, 0)])
    summary.append(["本班未同步 Unsynced in this shift", report.unsynced_in_shift])
    summary.append(["全部未同步 Unsynced in the whole log", report.unsynced_total])
    summary.append(["其中被拒 of which rejected", report.rejected_total])
    summary.append([])
    summary.append(["完整性 Integrity", "OK" if report.integrity.ok else "BROKEN"])
    summary.append(["", report.integrity.text()])
    summary.append(["检查于 Checked (UTC)", report.integrity.checked_at])
    summary.append([])
    summary.append(["设备 Device", "序号 Seq", "哈希 Hash (SHA-256)"])
    for col in range(1, 4):
        summary.cell(summary.max_row, col).font = bold
    for device, seq, digest in report.chain_heads:
        summary.append([device, seq, digest])
    event_id, seq, digest = report.handover_event
    summary.append(["交接事件 Hand-over event", seq, digest])
    summary.append(["", event_id])
    summary.append([])
    summary.append(["缓存清单 Cached list", "时长 Age (s)"])
    for name, age in report.list_ages.items():
        summary.append([name, age])
    summary.column_dimensions["A"].width = 38
    summary.column_dimensions["B"].width = 40
    summary.column_dimensions["C"].width = 70

    def sheet(title: str, header: list[str], rows: list[list[Any]]) -> Any:
        ws = book.create_sheet(title)
        ws.append(header)
        for col in range(1, len(header) + 1):
            ws.cell(1, col).font = bold
        for row in rows:
            ws.append(row)
        return ws

    def bar(ws: Any, title: str, n: int, anchor: str, horizontal: bool = False) -> None:
        if n == 0:
            return
        chart = BarChart()
        chart.type = "bar" if horizontal else "col"
        chart.title = title
        chart.legend = None
        chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=n + 1), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n + 1))
        chart.width, chart.height = 24, 9
        ws.add_chart(chart, anchor)

    counts = report.counts
    ws = sheet("到达 Arrivals", ["时段 15 min from (UTC)", "扫码 scans"],
               [[t, n] for t, n in counts.arrivals])  # fmt: skip
    bar(ws, "每15分钟到达 Arrivals per 15 min", len(counts.arrivals), "D2")
    decisions = sorted(counts.decisions.items(), key=lambda kv: -kv[1])
    ws = sheet("决定 Decisions", ["决定 decision", "次数 count"], [list(d) for d in decisions])
    bar(ws, "决定 Decisions", len(decisions), "D2", horizontal=True)
    bins = temperature_bins(counts)
    ws = sheet(
        "体温 Temperatures", ["体温 °C", "读数 readings", "发热 fever"],
        [[c, n, "yes" if c >= counts.fever_threshold - 1e-9 else ""] for c, n in bins],
    )  # fmt: skip
    ws["E1"] = "发热阈值 Fever threshold °C"
    ws["F1"] = counts.fever_threshold
    bar(ws, f"体温分布 Temperatures (threshold {counts.fever_threshold:.1f} °C)", len(bins), "E3")
    actions = sorted({a for by in counts.per_gate.values() for a in by})
    sheet("各通道 Per gate", ["通道 gate", *actions],
          [[g, *[by.get(a, 0) for a in actions]] for g, by in sorted(counts.per_gate.items())])  # fmt: skip
    sheet(
        "原因 Reasons", ["类别 list", "原因 reason", "次数 count"],
        [["referral", r, n] for r, n in by_reason(report.referrals)]
        + [["denial", r, n] for r, n in by_reason(report.denials)],
    )  # fmt: skip
    sheet("转复核 Referrals", list(LINE_HEADER), [_line_cells(x) for x in report.referrals])
    sheet("拒绝 Denials", list(LINE_HEADER), [_line_cells(x) for x in report.denials])
    sheet("改判 Overrides", list(OVERRIDE_HEADER), [_override_cells(x) for x in report.overrides])
    sheet("导出 Exports", list(EXPORT_HEADER), [_export_cells(x) for x in report.exports])
    if path.exists():
        raise FileExistsError(path)
    partial = path.with_name(path.name + ".partial")
    try:
        book.save(partial)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


__all__ = [
    "ExportLine",
    "HandoverReport",
    "IntegrityResult",
    "ReportLine",
    "build_handover",
    "write_handover_pdf",
    "write_handover_xlsx",
]
