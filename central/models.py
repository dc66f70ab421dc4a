"""The wire schema of central API v1 as pydantic models (``docs/sync-protocol.md``).

They validate the small request bodies and describe every body in the OpenAPI
document (``resources/openapi/central-v1.json``). The event batch is read by hand
(:mod:`central.ingest`) so that one bad event is rejected alone instead of failing
the whole batch; :class:`EventBatch` documents its shape.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

HEX64 = r"^[0-9a-f]{64}$"
DEVICE_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
CODE_ID = r"^[A-Za-z0-9._~-]{1,128}$"
Status = Literal["green", "yellow", "red"]
Reason = Literal["invalid", "device_mismatch", "hash_mismatch", "chain_mismatch", "conflict"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(_Model):
    error: str = Field(description="a stable code, e.g. enrolment_code_invalid, unauthorized")
    message: str = Field(description="what went wrong, as an English sentence")


class EnrolRequest(_Model):
    enrolment_code: str = Field(
        min_length=4, max_length=64, description="the one-time code, e.g. ABCD-EFGH-JKLM"
    )
    device_id: str = Field(pattern=DEVICE_ID, description="the station's device id (a UUID)")
    name: str = Field(min_length=1, max_length=200, description="e.g. 南门 laptop 2")


class CheckpointInfo(_Model):
    id: str
    name: str


class EnrolReply(_Model):
    device_id: str
    token: str = Field(description="the bearer token of every later call (32 random bytes)")
    checkpoint: CheckpointInfo
    root_public_key: str = Field(
        description="base64 raw Ed25519 public key that signs every downloaded list; pin it"
    )


class ChainHead(_Model):
    seq: int = Field(ge=0, description="the device's newest seq (0: no event yet)")
    hash: str = Field(pattern=HEX64)


class WireEvent(_Model):
    """One row of the station's ``events`` table, as it is."""

    event_id: str = Field(max_length=128, description="UUID; the idempotency key")
    device_id: str = Field(pattern=DEVICE_ID)
    seq: int = Field(ge=1, description="per device: 1, 2, ...")
    occurred_at: str = Field(max_length=40, examples=["2026-11-25T08:31:05.123Z"])
    clock_offset_ms: int | None = Field(description="server time − device time, when measured")
    operator: str = Field(max_length=200)
    kind: str = Field(max_length=64, examples=["scan"])
    payload: str = Field(description="the stored canonical JSON text (hashed as text)")
    pii_digest: str | None = Field(pattern=HEX64)
    prev_hash: str = Field(pattern=HEX64, description="the hash of seq − 1; 64 zeros for seq 1")
    hash: str = Field(
        pattern=HEX64,
        description="sha256(prev_hash + canonical_json(the nine fields above)), hex",
    )


class EventBatch(_Model):
    chain_head: ChainHead
    events: list[WireEvent] = Field(max_length=500, description="at most 500 (else 413)")


class EventResult(_Model):
    event_id: str | None
    status: Literal["accepted", "duplicate", "rejected"]
    reason: Reason | None = Field(default=None, description="only when rejected")
    message: str | None = Field(default=None, description="only when rejected")


class BatchReply(_Model):
    results: list[EventResult] = Field(description="one per event, in request order")
    chain_head: ChainHead = Field(description="the device's chain head the server keeps")


class FeedPage(_Model):
    events: list[WireEvent]
    next: str = Field(description="the cursor to pass as ?after= next time")
    more: bool = Field(description="true: call again at once for the next page")


class TrustKey(_Model):
    kid: str = Field(description="base64 of the 8-byte COSE kid")
    iss: str = Field(pattern=r"^[0-9]{6}$")
    alg: Literal["EdDSA"]
    pub: str = Field(description="base64 of the 32-byte Ed25519 public key")
    not_before: int
    not_after: int


class TrustList(_Model):
    version: int
    issued_at: int
    keys: list[TrustKey]


class Revocations(_Model):
    version: int
    cids: list[str]


class Rules(_Model):
    """A checkpoint's rules file (``docs/rules-file.md``); ``{}`` for the defaults."""

    fever_threshold_c: float | None = None
    remeasure_window_s: int | None = None
    temperature_unit: Literal["C", "F"] | None = None
    yellow: Literal["refer", "deny"] | None = None
    nat_positive: Literal["refer", "deny"] | None = None
    nat_required_within_h: int | None = None
    dcc: Literal["refer", "admit"] | None = None
    trust_warn_after_h: int | None = None
    trust_refer_after_h: int | None = None
    reentry: Literal["refuse", "allow"] | None = None
    provisional_admission: bool | None = None


class RosterEntry(_Model):
    booking: str
    name: str
    id_number: str | None
    phone: str | None
    cid: str | None
    seat: str | None


class Roster(_Model):
    roster_id: str
    title: str
    version: int = Field(description="1 on the first import, + 1 on each re-import")
    entries: list[RosterEntry]


class RosterChanges(_Model):
    rosters: list[Roster] = Field(description="the rosters changed after the cursor, whole")
    next: str


class _Envelope(_Model):
    signature: str = Field(description="base64 Ed25519 signature over canonical_json(content)")
    signed_at: int


class SignedTrustList(_Envelope):
    content: TrustList


class SignedRevocations(_Envelope):
    content: Revocations


class SignedRules(_Envelope):
    content: Rules


class SignedRosters(_Envelope):
    content: RosterChanges


class HealthCodeStatus(_Model):
    id: str
    status: Status
    revoked: bool
    checked_at: int
