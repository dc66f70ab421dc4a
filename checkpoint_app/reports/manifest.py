"""A bus's passenger manifest as CSV (for spreadsheets) or PDF (to print and sign).

The rows come from :meth:`checkpoint_app.services.bus.BusService.entries`: names, ID
numbers and phones are masked unless the supervisor unlocked them. The PDF is laid
out by ReportLab with its built-in Chinese CID font (``STSong-Light``), so Chinese
names print on any machine without a font file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from checkpoint_app.services.bus import EntryView, RosterSummary

STATE_LABELS = {
    "present": "已上车 present",
    "expected": "未到 missing",
    "absent": "缺席 absent",
    "moved": "已转车 moved",
}
METHOD_LABELS = {"scan": "扫码 scan", "name": "手动 by hand", "walk_in": "临时加入 walk-in"}
HEADER = (
    "#", "座位 seat", "预约号 booking", "姓名 name", "证件号 ID", "电话 phone",
    "状态 state", "时间 time (UTC)", "方式 how", "原因 reason",
)  # fmt: skip


def _when(epoch: int | None) -> str:
    return "" if epoch is None else datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M")


def manifest_rows(entries: Sequence[EntryView]) -> list[list[str]]:
    rows = []
    for i, e in enumerate(entries, 1):
        s = e.status
        reason = s.reason or ""
        if s.to_roster:
            reason = f"→ {s.to_roster}: {reason}"
        rows.append(
            [
                str(i), e.seat, e.booking_id, e.name, e.id_number, e.phone,
                STATE_LABELS[str(s.state)], _when(s.since),
                METHOD_LABELS.get(str(s.method), "") if s.method else "", reason,
            ]
        )  # fmt: skip
    return rows


def _title_lines(summary: RosterSummary, generated_at: int) -> list[str]:
    p = summary.progress
    lines = [
        f"乘车名单 Passenger manifest — {summary.roster_id} {summary.title}".rstrip(),
        f"已到 present {p.present}/{p.expected}; 缺席 absent {p.absent}; "
        f"未到 missing {p.missing - p.absent}; 转出 moved out {p.moved}",
        f"生成 generated {_when(generated_at)} UTC"
        + (f"; 发车 departed {_when(summary.departed_at)} UTC" if summary.departed_at else ""),
    ]
    return lines


def write_manifest_csv(
    path: Path, summary: RosterSummary, entries: Sequence[EntryView], generated_at: int
) -> None:
    """UTF-8 with a BOM, so Excel in China opens the Chinese headers correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for line in _title_lines(summary, generated_at):
        writer.writerow([line])
    writer.writerow(HEADER)
    writer.writerows(manifest_rows(entries))
    with path.open("x", encoding="utf-8-sig", newline="") as out:
        out.write(buffer.getvalue())


def write_manifest_pdf(
    path: Path, summary: RosterSummary, entries: Sequence[EntryView], generated_at: int
) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    title = ParagraphStyle("title", fontName=font, fontSize=15, leading=20)
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13)
    cell = ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=10.5)
    lines = _title_lines(summary, generated_at)
    story: list[object] = [Paragraph(lines[0], title)]
    story += [Paragraph(line, body) for line in lines[1:]]
    story.append(Spacer(1, 4 * mm))
    data = [[Paragraph(h, cell) for h in HEADER]]
    data += [[Paragraph(_escape(v), cell) for v in row] for row in manifest_rows(entries)]
    widths = [9, 14, 26, 26, 36, 24, 24, 26, 22, 60]
    table = LongTable(data, colWidths=[w * mm for w in widths], repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for i, entry in enumerate(entries, 1):
        if str(entry.status.state) in ("expected", "absent"):
            style.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor("#fdecea")))
    table.setStyle(TableStyle(style))
    story += [table, Spacer(1, 8 * mm)]
    story.append(
        Paragraph(
            "押运员签字 Marshal: ____________________    司机 Driver: ____________________", body
        )
    )
    doc = SimpleDocTemplate(
        str(path),
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=10 * mm,
        bottomMargin=10 * mm,
        title=f"Manifest {summary.roster_id}",
    )
    if path.exists():
        raise FileExistsError(path)
    doc.build(story)  # type: ignore[arg-type]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
