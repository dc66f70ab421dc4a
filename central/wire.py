"""The wire schema shared with the stations: canonical JSON, event hashes, cursors.

Pure functions, no I/O. An event on the wire is the row of the station's ``events``
table as it is (``docs/sync-protocol.md``); its hash is::

    hash = sha256((prev_hash + canonical_json(fields)).encode()).hexdigest()

with ``fields`` = ``event_id, device_id, seq, occurred_at, clock_offset_ms,
operator, kind, payload, pii_digest``. :func:`check_event` turns one decoded JSON
value into a clean event dict or says, in one sentence, which field is wrong.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

GENESIS: Final = "0" * 64
HASHED_FIELDS: Final = (
    "event_id",
    "device_id",
    "seq",
    "occurred_at",
    "clock_offset_ms",
    "operator",
    "kind",
    "payload",
    "pii_digest",
)
EVENT_FIELDS: Final = (*HASHED_FIELDS, "prev_hash", "hash")

MAX_BATCH: Final = 500
MAX_FEED_PAGE: Final = 1000
MAX_PAYLOAD_CHARS: Final = 64 * 1024
INT64_MAX: Final = 2**63 - 1

_HEX64 = re.compile(r"[0-9a-f]{64}\Z")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}\Z")
_DEVICE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
_KIND = re.compile(r"[a-z][a-z0-9_.-]{0,63}\Z")


def canonical_json(value: Any) -> str:
    """The one JSON spelling that is hashed and signed: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def event_hash(prev_hash: str, event: Mapping[str, Any]) -> str:
    fields = {name: event[name] for name in HASHED_FIELDS}
    return hashlib.sha256((prev_hash + canonical_json(fields)).encode("utf-8")).hexdigest()


def is_device_id(value: object) -> bool:
    return isinstance(value, str) and _DEVICE_ID.match(value) is not None


def is_hex64(value: object) -> bool:
    return isinstance(value, str) and _HEX64.match(value) is not None


class InvalidEvent(ValueError):
    """An uploaded event with a field of the wrong type or shape (reason ``invalid``)."""


def _int(value: Any, name: str, low: int, high: int = INT64_MAX) -> int:
    if type(value) is not int:
        raise InvalidEvent(f"{name} must be an integer, got {type(value).__name__}")
    if not low <= value <= high:
        raise InvalidEvent(f"{name} must be {low} to {high}, got {value}")
    return value


def _text(value: Any, name: str, max_chars: int, *, empty: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidEvent(f"{name} must be a string, got {type(value).__name__}")
    if not value and not empty:
        raise InvalidEvent(f"{name} must not be empty")
    if len(value) > max_chars:
        raise InvalidEvent(f"{name} is longer than {max_chars} characters")
    if "\x00" in value:
        raise InvalidEvent(f"{name} contains a NUL character")
    return value


def check_event(raw: Any) -> dict[str, Any]:
    """The event's 11 wire fields, checked; :class:`InvalidEvent` names the first bad one.

    Unknown extra keys are ignored (forward compatibility); they are neither hashed
    nor stored.
    """
    if not isinstance(raw, dict):
        raise InvalidEvent("an event must be a JSON object")
    missing = [name for name in EVENT_FIELDS if name not in raw]
    if missing:
        raise InvalidEvent(f"missing field(s): {', '.join(missing)}")
    event_id = _text(raw["event_id"], "event_id", 128)
    if not _ID.match(event_id):
        raise InvalidEvent("event_id must be letters, digits and . _ : - (a UUID)")
    device_id = _text(raw["device_id"], "device_id", 64)
    if not _DEVICE_ID.match(device_id):
        raise InvalidEvent("device_id must be letters, digits and . _ - (a UUID)")
    seq = _int(raw["seq"], "seq", 1)
    occurred_at = _text(raw["occurred_at"], "occurred_at", 40)
    try:
        moment = datetime.fromisoformat(occurred_at)
    except ValueError:
        raise InvalidEvent(f"occurred_at is not an ISO 8601 time: {occurred_at[:40]!r}") from None
    if moment.tzinfo is None:
        raise InvalidEvent("occurred_at must carry its UTC offset (e.g. ...Z)")
    offset = raw["clock_offset_ms"]
    if offset is not None:
        offset = _int(offset, "clock_offset_ms", -(2**53), 2**53)
    operator = _text(raw["operator"], "operator", 200, empty=True)
    kind = _text(raw["kind"], "kind", 64)
    if not _KIND.match(kind):
        raise InvalidEvent("kind must be lower-case letters, digits and _ . -")
    payload = _text(raw["payload"], "payload", MAX_PAYLOAD_CHARS)
    try:
        json.loads(payload)
    except ValueError:
        raise InvalidEvent("payload is not JSON text") from None
    pii = raw["pii_digest"]
    if pii is not None and not is_hex64(pii):
        raise InvalidEvent("pii_digest must be null or 64 lower-case hex digits")
    prev_hash, hash_ = raw["prev_hash"], raw["hash"]
    if not is_hex64(prev_hash):
        raise InvalidEvent("prev_hash must be 64 lower-case hex digits")
    if not is_hex64(hash_):
        raise InvalidEvent("hash must be 64 lower-case hex digits")
    return {
        "event_id": event_id,
        "device_id": device_id,
        "seq": seq,
        "occurred_at": occurred_at,
        "clock_offset_ms": offset,
        "operator": operator,
        "kind": kind,
        "payload": payload,
        "pii_digest": pii,
        "prev_hash": prev_hash,
        "hash": hash_,
    }


# -- cursors ---------------------------------------------------------------------------
class BadCursor(ValueError):
    pass


def encode_cursor(kind: str, scope: str, position: int) -> str:
    """An opaque cursor: its list (``e`` events, ``r`` rosters), the checkpoint it
    belongs to, and a position in that list."""
    return base64.urlsafe_b64encode(f"{kind}1.{position}.{scope}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, scope: str, cursor: str | None) -> int:
    """The position of a cursor made by :func:`encode_cursor` (0 for none)."""
    if cursor is None or cursor == "":
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8")
        prefix, number, owner = text.split(".", 2)
        position = int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadCursor(f"{cursor[:40]!r} is not a cursor this server gave") from None
    if prefix != f"{kind}1" or not 0 <= position <= INT64_MAX or str(position) != number:
        raise BadCursor(f"{cursor[:40]!r} is not a cursor of this list")
    if owner != scope:
        raise BadCursor(
            f"the cursor belongs to checkpoint {owner!r}, not {scope!r}: start again without one"
        )
    return position
