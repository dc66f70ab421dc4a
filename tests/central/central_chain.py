"""Events as a station makes them, for the reference server's tests.

The hashes come from the app's own event log code (``chain_hash``), so every test
also checks that the server recomputes exactly what the stations compute.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checkpoint_app.store.event_log import GENESIS, canonical_json, chain_hash

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Chain:
    """One device's hash chain."""

    device_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    seq: int = 0
    head: str = GENESIS

    def event(self, kind: str = "scan", **payload: Any) -> dict[str, Any]:
        """The next event of this device (and the chain moves on)."""
        fields = {
            "event_id": str(uuid.uuid4()),
            "device_id": self.device_id,
            "seq": self.seq + 1,
            "occurred_at": "2026-11-25T08:31:05.123Z",
            "clock_offset_ms": -120,
            "operator": "小王",
            "kind": kind,
            "payload": canonical_json(payload or {"gate": "南门", "n": self.seq + 1}),
            "pii_digest": None,
        }
        event = {**fields, "prev_hash": self.head, "hash": chain_hash(self.head, fields)}
        self.seq, self.head = event["seq"], event["hash"]
        return event

    def events(self, count: int) -> list[dict[str, Any]]:
        return [self.event(n=self.seq + 1) for _ in range(count)]

    def batch(self, events: list[dict[str, Any]]) -> dict[str, Any]:
        return {"chain_head": {"seq": self.seq, "hash": self.head}, "events": events}


def rehash(event: dict[str, Any]) -> dict[str, Any]:
    """The event with its hash recomputed from its (changed) fields."""
    fields = {k: event[k] for k in event if k not in ("prev_hash", "hash")}
    return {**event, "hash": chain_hash(event["prev_hash"], fields)}
