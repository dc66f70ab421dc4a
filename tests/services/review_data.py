"""A small known shift for the review and hand-over tests: two gates, four travellers
with green, red and fever outcomes, a forged code, a supervisor override."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from phi1_factory import NOW, Issuer
from station_factory import Bench

from checkpoint_app.domain.journey import JourneyState
from checkpoint_app.services.gate import GateOutcome, GateService
from checkpoint_app.store.event_log import utc_timestamp
from checkpoint_app.store.supervisor import SupervisorPin

PIN = "482913"
GATE_A, GATE_B = "南门 1", "北门 2"
SINCE = "2026-09-21T14:00:00.000Z"  # NOW is 2026-09-21T14:13:20Z
UNTIL = "2026-09-22T02:00:00.000Z"  # a 12-hour shift


@dataclass
class Shift:
    bench: Bench
    entered: GateOutcome  # 郑爽, green, 36.6
    referred: tuple[GateOutcome, GateOutcome]  # 张三丰: 37.8 then 37.9
    typed: tuple[GateOutcome, GateOutcome]  # 王五: scanned, the reading typed after
    red: GateOutcome  # 李四, red code, later overridden to entered
    forged: GateOutcome  # a code signed by an unknown key
    override: GateOutcome


def at(offset_s: float) -> str:
    from datetime import UTC, datetime

    return utc_timestamp(datetime.fromtimestamp(NOW + offset_s, UTC))


def make_shift(bench: Bench) -> Shift:
    assert bench.clock.now == NOW
    SupervisorPin(bench.station.db, bench.clock).set_pin(PIN)
    a = GateService(bench.station, gate=GATE_A, operator="小王")
    entered = a.scan(bench.code(cid="p2aaaaaaaaaaaaaaaaaaaaaaaa", nam="郑爽"), temperature="36.6")
    bench.clock.advance(60)
    first = a.scan(
        bench.code(cid="p3aaaaaaaaaaaaaaaaaaaaaaaa", nam="张三丰", idm="110***********1234"),
        temperature="37.8",
    )
    bench.clock.advance(120)
    second = a.temperature(first, "37.9")
    bench.clock.advance(60)
    scanned = a.scan(
        bench.code(cid="p4aaaaaaaaaaaaaaaaaaaaaaaa", nam="王五", idm="310***********5678")
    )
    bench.clock.advance(6)
    typed = a.temperature(scanned, "36.5")
    bench.clock.advance(900)
    b = GateService(bench.station, gate=GATE_B, operator="小李")
    red = b.scan(
        bench.code(
            cid="p5aaaaaaaaaaaaaaaaaaaaaaaa", nam="李四", idm="420***********0007", sts="red"
        ),
        temperature="36.4",
    )
    bench.clock.advance(30)
    forged = b.scan(Issuer().issue(), temperature=None)
    bench.clock.advance(600)
    override = b.override(
        red.traveller, target=JourneyState.ENTERED, reason="health office corrected the colour",
        supervisor="李站长", pin=PIN,
    )  # fmt: skip
    return Shift(bench, entered, (first, second), (scanned, typed), red, forged, override)


def tamper_event(data_dir: Path, event_id: str, old: str, new: str) -> int:
    """Edit one event's payload in the file itself (``old`` → ``new``), dropping the
    trigger that forbids it: what only the integrity check can find. How many rows
    changed (1)."""
    conn = sqlite3.connect(str(data_dir / "checkpoint.sqlite3"))
    try:
        conn.execute("DROP TRIGGER events_no_update")
        changed = conn.execute(
            "UPDATE events SET payload = replace(payload, ?, ?) WHERE event_id = ?",
            [old, new, event_id],
        ).rowcount
        conn.commit()
    finally:
        conn.close()
    return int(changed)
