"""Disk full and read-only stores: a clear error, nothing half-written, nothing lost."""

from __future__ import annotations

import pytest
from station_factory import Bench

from checkpoint_app.services.gate import GateService
from checkpoint_app.store import projections
from checkpoint_app.store.database import StoreError
from checkpoint_app.store.event_log import verify_chain


def test_disk_full_fails_cleanly_and_recovers(bench: Bench) -> None:
    gate = GateService(bench.station)
    db = bench.station.db
    gate.scan(bench.code(), temperature="36.5")
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 2}")  # the disk is about to fill up
    committed = []
    with pytest.raises(StoreError, match="disk is full"):
        for i in range(500):
            code = bench.code(
                cid=f"{i:04d}".translate(str.maketrans("0123456789", "abcdefghij")) * 6 + "aa"
            )
            committed.append(gate.scan(code, temperature="36.5"))
            bench.clock.advance(5)
    assert not db.conn.in_transaction
    ids = {r[0] for r in db.execute("SELECT event_id FROM events")}
    assert all(e.event_id in ids for out in committed for e in out.events)
    assert verify_chain(db).ok
    stored = projections.snapshot(db)
    with bench.station.use_case():
        projections.rebuild(db)
    assert projections.snapshot(db) == stored  # the failed use case left no stray rows
    db.execute("PRAGMA max_page_count = 1073741823")  # space freed
    out = gate.scan(bench.code(cid="z" * 26), temperature="36.5")
    assert out.decision is not None and verify_chain(db).ok


def test_read_only_store_says_so_and_keeps_what_it_had(bench: Bench) -> None:
    gate = GateService(bench.station)
    gate.scan(bench.code(), temperature="36.5")
    db = bench.station.db
    before = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    db.execute("PRAGMA query_only = 1")  # what a write-protected stick looks like to SQLite
    with pytest.raises(StoreError, match="read-only"):
        gate.scan(bench.code(cid="y" * 26), temperature="36.5")
    db.execute("PRAGMA query_only = 0")
    assert db.execute("SELECT COUNT(*) FROM events").fetchone()[0] == before
    assert verify_chain(db).ok
