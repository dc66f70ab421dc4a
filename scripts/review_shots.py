"""The review screen's screenshots (used by ``scripts/screenshots.py``).

A day shift of realistic demo events — about 700 travellers through three gates from
08:00, green codes mostly, some yellow and red, fevers measured twice, two forged
codes, a supervisor override; older events synced, a few rejected by the centre — is
recorded through the real gate service, then the review tab is shot at 1366x768:

* ``review-log``: this shift's log, a referred traveller's decision selected, its
  detail (masked) and the traveller's other events;
* ``review-counts``: the shift's totals and charts;
* ``review-sync``: the rejected and pending events and the cached lists' ages;
* ``review-integrity``: the check on a store someone edited (a temperature changed
  with SQLite after dropping the trigger that forbids it): where the chain breaks.

The review reads the store through a second station whose clock stands at 19:40 of
the shift's day (the last shift that ended before now), so the shots show a full
shift whatever the hour they are made at.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

REVIEW_WIDTH, REVIEW_HEIGHT = 1366, 768
NAMES = (
    "review-log",
    "review-counts",
    "review-sync",
    "review-integrity",
    "review-unlock",
    "review-handover",
)
GATES = (("南门 1号闸机", "小王"), ("南门 2号闸机", "小李"), ("北门 1号闸机", "小张"))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰海燕晓东春梅文斌林鹏飞宇辉婷雪梅丹琳浩然子轩梓涵欣怡思远"
B32 = "abcdefghijklmnopqrstuvwxyz234567"


def shift_clock(now: float) -> float:
    """19:40 local of the last day shift that is over by ``now`` (today or yesterday)."""
    moment = datetime.fromtimestamp(now).astimezone()
    target = moment.replace(hour=19, minute=40, second=0, microsecond=0)
    if target.timestamp() > now:
        target -= timedelta(days=1)
    return target.timestamp()


def _person(rng: random.Random) -> dict[str, Any]:
    roll = rng.random()
    sts = "red" if roll < 0.015 else "yellow" if roll < 0.06 else "green"
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    region = rng.choice(("110", "420", "310", "440", "510"))
    return {
        "cid": "".join(rng.choice(B32) for _ in range(26)),
        "nam": name,
        "idt": "01",
        "idm": f"{region}***********{rng.randrange(10000):04d}",
        "sts": sts,
        "tel": f"1{rng.choice('3589')}{rng.randrange(10)}****{rng.randrange(10000):04d}",
        "nat": "neg",
    }


def fill_demo_shift(station: Any, issuer: Any, start: float, end: float, seed: int = 7) -> int:
    """Record a shift of gate traffic between ``start`` and ``end``; returns the scans."""
    from checkpoint_app.domain.journey import JourneyState
    from checkpoint_app.services.gate import GateService
    from checkpoint_app.store.supervisor import SupervisorPin

    rng = random.Random(seed)
    gates = [GateService(station, gate=g, operator=o) for g, o in GATES]
    scans = 0
    t = start
    # arrivals: a morning and an evening peak over a steady trickle
    while t < end:
        hour = datetime.fromtimestamp(t).astimezone().hour + 0.5
        rate = 0.6 + 2.2 * (abs(hour - 9) < 1.2) + 1.5 * (abs(hour - 17.5) < 1.2)  # per min
        t += rng.expovariate(rate) * 60
        if t >= end:
            break
        gate = rng.choices(gates, weights=(5, 4, 2))[0]
        person = _person(rng)
        code = issuer.issue(issuer.claims_for(person, int(t) - 30, ttl=3600))
        if rng.random() < 0.003:  # a forged code: edited after it was signed
            code = code[:-6] + ("A" if code[-6] != "A" else "B") + code[-5:]
        fever = rng.random() < 0.02
        celsius = rng.uniform(37.4, 38.6) if fever else rng.gauss(36.5, 0.25)
        outcome = gate.scan(code, temperature=f"{min(celsius, 41.5):.1f}", at=t)
        scans += 1
        if outcome.decision is not None and str(outcome.decision.action) == "remeasure":
            again = celsius + rng.uniform(-0.4, 0.2)
            gate.temperature(outcome, f"{again:.1f}", at=t + rng.uniform(90, 180))
    # a supervisor override of a red code the health office corrected
    pin = "482913"
    SupervisorPin(station.db, station.clock).set_pin(pin)
    red = station.db.execute(
        "SELECT traveller FROM p_travellers WHERE state = 'denied' LIMIT 1"
    ).fetchone()
    if red is not None:
        gates[1].override(
            red[0], target=JourneyState.ENTERED, reason="健康办确认赋码错误，已更正为绿码",
            supervisor="李站长", pin=pin, at=end - 1800,
        )  # fmt: skip
    # the centre has the older events; three were rejected, the last hour waits
    synced_before = datetime.fromtimestamp(end - 3600).astimezone()
    from checkpoint_app.store.event_log import utc_timestamp

    cutoff = utc_timestamp(synced_before)
    db = station.db
    db.execute("BEGIN IMMEDIATE")
    db.execute(
        "UPDATE event_sync SET sync_state = 'synced', attempts = 1, synced_at = ("
        "SELECT occurred_at FROM events e WHERE e.event_id = event_sync.event_id) "
        "WHERE event_id IN (SELECT event_id FROM events WHERE occurred_at < ?)",
        [cutoff],
    )
    rejected = [
        r[0]
        for r in db.execute(
            "SELECT event_id FROM events WHERE kind = 'temperature' AND occurred_at < ? "
            "ORDER BY occurred_at DESC LIMIT 3",
            [cutoff],
        )
    ]
    for event_id, reason in zip(
        rejected,
        (
            "422: gate 北门 1号闸机 is not registered for this checkpoint",
            "422: gate 北门 1号闸机 is not registered for this checkpoint",
            "409: chain head does not match the previous batch",
        ),
        strict=False,
    ):
        db.execute(
            "UPDATE event_sync SET sync_state = 'rejected', attempts = 3, last_error = ?, "
            "synced_at = NULL WHERE event_id = ?",
            [reason, event_id],
        )
    db.execute("COMMIT")
    return scans


def add_review_screen(shooter: Any) -> Any:
    """The review tab, reading the shooter's store through a station at 19:40 of a day
    shift filled with demo traffic."""
    from checkpoint_app.services.review import ReviewService
    from checkpoint_app.services.station import Station
    from checkpoint_app.ui.review_screen import ReviewScreen
    from checkpoint_app.ui.supervisor import SupervisorSession

    at = shift_clock(time.time())
    day = datetime.fromtimestamp(at).astimezone()
    start = day.replace(hour=8, minute=0).timestamp()
    station = Station(shooter.station.data_dir, demo=True, clock=lambda: at)
    if any(shooter.wanted(n) for n in NAMES):
        began = time.monotonic()
        scans = fill_demo_shift(station, shooter.issuer, start, at)
        print(f"screenshots: review store: {scans} demo scans in {time.monotonic() - began:.1f} s")
    review = ReviewService(station, operator="李站长")
    session = SupervisorSession(review)
    from checkpoint_app.domain.journey import JourneyState
    from checkpoint_app.services.gate import GateService

    gate = GateService(station, operator="李站长")

    def override(traveller: str, target: str, reason: str) -> object:  # as app.py does
        return gate.override(
            traveller, target=JourneyState(target), reason=reason, supervisor="李站长",
            pin=session.pin or "",
        )  # fmt: skip

    screen = ReviewScreen(review, session, override=override)
    screen.handover_tab.set_operator("李站长")
    shooter.window.add_screen(screen, screen.tab_title())
    shooter.review_parts = (station, review, session)
    return screen


def _wait(shooter: Any, done: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        shooter.settle(2)


def _reload(shooter: Any, tab: Any, attr: str, load: Callable[[], Any]) -> None:
    """Clear ``tab``'s ``attr``, ``load()`` it again (in the background) and wait until
    the result is in ``attr``."""
    setattr(tab, attr, None)
    load()
    _wait(shooter, lambda: getattr(tab, attr) is not None)


def review_shots(shooter: Any) -> None:
    screen = getattr(shooter, "review_screen", None)
    if screen is None or not any(shooter.wanted(n) for n in NAMES):
        return
    window = shooter.window
    size = window.size()
    window.resize(REVIEW_WIDTH, REVIEW_HEIGHT)
    window.tabs.setCurrentWidget(screen)
    shooter.settle()
    log = screen.log_tab
    log.set_range("shift")

    def select_referral() -> None:
        log.apply_filter()
        model = log.model
        for row in range(model.rowCount()):
            r = model.log_row(row)
            if r is not None and r.kind == "decision" and r.action == "refer":
                log.select_row(row)
                log.table.scrollTo(model.index(row, 0))
                return

    shooter.shoot("review-log", prepare=select_referral)

    counts = screen.counts_tab
    screen.tabs.setCurrentWidget(counts)
    shooter.shoot("review-counts", prepare=lambda: _reload(shooter, counts, "counts", counts.load))

    sync = screen.sync_tab
    screen.tabs.setCurrentWidget(sync)

    def load_sync() -> None:
        loaded: list[bool] = []
        sync.loaded.connect(lambda: loaded.append(True))
        sync.load()
        _wait(shooter, lambda: bool(loaded))
        sync.table.selectRow(0)

    shooter.shoot("review-sync", prepare=load_sync)

    if shooter.wanted("review-handover"):
        tab = screen.handover_tab
        screen.tabs.setCurrentWidget(tab)

        def fill_handover() -> None:
            tab.by.setText("小王")
            tab.to.setText("夜班 刘组长")
            tab.preview_counts = None
            tab.load_preview()
            _wait(shooter, lambda: tab.preview_counts is not None)

        shooter.shoot("review-handover", prepare=fill_handover)

    if shooter.wanted("review-unlock"):
        from checkpoint_app.store.supervisor import SupervisorPin
        from checkpoint_app.ui.supervisor import UnlockDialog

        station, _review, session = shooter.review_parts
        pin = SupervisorPin(station.db, station.clock)
        if not pin.is_set:
            pin.set_pin("246810")
        screen.tabs.setCurrentWidget(log)

        def unlock_dialog() -> Any:
            dialog = UnlockDialog(session.try_pin, window)
            dialog.pin.setText("1111")  # a wrong PIN: the dialog says so, and how many tries left
            dialog.submit()
            return dialog

        shooter.over_window("review-unlock", unlock_dialog)

    if shooter.wanted("review-integrity"):
        station = shooter.review_parts[0]
        tamper(station.data_dir / "checkpoint.sqlite3")
        tab = screen.integrity_tab
        screen.tabs.setCurrentWidget(tab)
        shooter.shoot(
            "review-integrity", prepare=lambda: _reload(shooter, tab, "report", tab.check)
        )
    screen.tabs.setCurrentWidget(log)
    window.resize(size)


def tamper(path: Path) -> None:
    """What someone might do to hide a fever: lower a reading in the file itself."""
    with sqlite3.connect(path) as db:
        db.execute("DROP TRIGGER IF EXISTS events_no_update")
        row = db.execute(
            "SELECT event_id FROM events WHERE kind = 'temperature' "
            "AND json_extract(payload, '$.fever') = 1 ORDER BY occurred_at LIMIT 1 OFFSET 2"
        ).fetchone()
        db.execute(
            "UPDATE events SET payload = json_set(payload, '$.celsius', 36.6, '$.fever', json('false')) "
            "WHERE event_id = ?",
            [row[0]],
        )


def close(shooter: Any) -> None:
    parts = getattr(shooter, "review_parts", None)
    screen = getattr(shooter, "review_screen", None)
    if screen is not None:
        screen.shutdown()
    if parts is not None:
        station, _review, session = parts
        session.close()
        station.close()
