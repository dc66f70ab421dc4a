"""Retention: personal data of synced events is deleted after a number of days.

Only ``event_pii`` rows go (and what the log index derived from them: the masked name
and search text of ``p_log``); the events, their ``pii_digest`` and the chain stay, so
counts and ``log verify`` keep working. Events not yet synced keep their personal
data whatever their age (the centre has not got them yet).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from checkpoint_app.store import projections
from checkpoint_app.store.database import transaction
from checkpoint_app.store.event_log import utc_timestamp

if TYPE_CHECKING:
    import sqlite_utils

DEFAULT_RETENTION_DAYS = 28


def purge_personal_data(
    db: sqlite_utils.Database, *, days: int = DEFAULT_RETENTION_DAYS, now: datetime | None = None
) -> int:
    """Delete the personal rows of synced events older than ``days``; return how many."""
    if days < 1:
        raise ValueError("retention must be at least one day")
    cutoff = utc_timestamp((now or datetime.now(UTC)) - timedelta(days=days))
    with transaction(db):
        cursor = db.execute(
            "DELETE FROM event_pii WHERE event_id IN ("
            " SELECT e.event_id FROM events e JOIN event_sync s ON s.event_id = e.event_id"
            " WHERE s.sync_state = 'synced' AND e.occurred_at < ?)",
            [cutoff],
        )
        deleted = int(cursor.rowcount)
        if deleted:
            projections.clear_personal(db)
        return deleted
