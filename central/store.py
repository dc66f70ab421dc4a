"""What the server keeps and hands out: checkpoints, enrolment, devices, the signed
lists, rosters and health codes. The HTTP API (:mod:`central.app`), the admin CLI and
the demo seeding all go through :class:`Central`; event batches and the feed are in
:mod:`central.ingest`.

Secrets are kept as SHA-256 hashes only: enrolment codes and device tokens.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, Table, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from central import db as t
from central.db import Database, DatabaseError
from central.keys import (
    DEFAULT_ISSUER,
    ROOT_KEY,
    RootKey,
    SignedDocument,
    b64,
    load_private,
    new_issuer_key,
    new_root_key,
    raw_private,
    raw_public,
)
from central.phi1 import STATUSES, ClaimsError, encode_phi1, is_cid, new_cid
from central.rosters import Roster
from central.rules import check_rules
from central.wire import canonical_json, decode_cursor, encode_cursor

ENROLMENT_CODE_TTL_S: Final = 7 * 86400
ENROLMENT_ALPHABET: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
DEMO_CODE_TTL_S: Final = 300

TRUST_VERSION: Final = "trust_list_version"
TRUST_ISSUED: Final = "trust_list_issued_at"
REVOCATIONS_VERSION: Final = "revocations_version"

_CHECKPOINT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")
_CODE_ID = re.compile(r"[A-Za-z0-9._~-]{1,128}\Z")


class CentralError(ValueError):
    """A request the server refuses; ``code`` is the wire error code."""

    code = "invalid_request"


class NotFound(CentralError):
    code = "not_found"


class AlreadyExists(CentralError):
    code = "already_exists"


class EnrolmentRefused(CentralError):
    code = "enrolment_code_invalid"


@dataclass(frozen=True, slots=True)
class Device:
    device_id: str
    checkpoint_id: str
    name: str


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]+", "", code).upper()


def is_code_id(value: str) -> bool:
    """A health-code id: a PHI1 cid, a UUID, or another opaque URL-safe id."""
    return _CODE_ID.match(value) is not None


def upsert(conn: Connection, table: Table, values: dict[str, Any], keys: tuple[str, ...]) -> None:
    """Insert a row, or update it where its key columns match (one statement on both backends)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**values)
    changes = {k: statement.excluded[k] for k in values if k not in keys}
    conn.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=changes))


class Central:
    """The server's state on one database (SQLite file or PostgreSQL)."""

    def __init__(self, database_url: str, *, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.db = Database(database_url)
        try:
            self.db.create_schema()
            self._init_keys()
        except (OperationalError, ProgrammingError) as exc:
            self.db.close()
            raise DatabaseError(f"cannot use the database: {_short(exc)}") from None
        except BaseException:
            self.db.close()
            raise
        with self.db.read() as conn:
            self.root = RootKey(load_private(self._meta(conn, ROOT_KEY) or ""))

    def close(self) -> None:
        self.db.close()

    def now(self) -> int:
        return int(self.clock())

    # -- setup -------------------------------------------------------------------------
    @staticmethod
    def _meta(conn: Connection, key: str, *, lock: bool = False) -> str | None:
        query = select(t.central_meta.c.value).where(t.central_meta.c.key == key)
        row = conn.execute(query.with_for_update() if lock else query).first()
        return None if row is None else str(row[0])

    @staticmethod
    def _set_meta(conn: Connection, key: str, value: object) -> None:
        upsert(conn, t.central_meta, {"key": key, "value": str(value)}, ("key",))

    def _bump(self, conn: Connection, key: str) -> int:
        version = int(self._meta(conn, key, lock=True) or 0) + 1
        self._set_meta(conn, key, version)
        return version

    def _init_keys(self) -> None:
        """The root key, a PHI1 issuer key and the list versions, made once."""
        for attempt in range(3):
            try:
                with self.db.write() as conn:
                    if self._meta(conn, ROOT_KEY) is None:
                        self._set_meta(conn, ROOT_KEY, new_root_key())
                    for key in (TRUST_VERSION, REVOCATIONS_VERSION):
                        if self._meta(conn, key) is None:
                            self._set_meta(conn, key, 1)
                    if self._meta(conn, TRUST_ISSUED) is None:
                        self._set_meta(conn, TRUST_ISSUED, self.now())
                    held = conn.execute(
                        select(func.count()).where(t.issuer_keys.c.private_key.is_not(None))
                    ).scalar_one()
                    if held == 0:
                        issuer = new_issuer_key(DEFAULT_ISSUER, self.now())
                        self._add_issuer_key(
                            conn, _issuer_row(issuer, "checkpoint-central", self.now())
                        )
                return
            except IntegrityError:  # another process initialised it at the same moment
                if attempt == 2:
                    raise

    # -- checkpoints -------------------------------------------------------------------
    def create_checkpoint(self, checkpoint_id: str, name: str) -> dict[str, Any]:
        if not _CHECKPOINT_ID.match(checkpoint_id):
            raise CentralError(
                f"{checkpoint_id!r} is not a checkpoint id: letters, digits and _ . -, up to 64"
            )
        name = name.strip()
        if not 1 <= len(name) <= 200:
            raise CentralError("a checkpoint name is 1 to 200 characters")
        try:
            with self.db.write() as conn:
                if self._checkpoint(conn, checkpoint_id) is not None:
                    raise AlreadyExists(f"checkpoint {checkpoint_id} already exists")
                conn.execute(
                    t.checkpoints.insert().values(
                        checkpoint_id=checkpoint_id,
                        name=name,
                        created_at=self.now(),
                        roster_serial=0,
                    )
                )
        except IntegrityError:
            raise AlreadyExists(f"checkpoint {checkpoint_id} already exists") from None
        return {"id": checkpoint_id, "name": name}

    @staticmethod
    def _checkpoint(conn: Connection, checkpoint_id: str) -> dict[str, Any] | None:
        row = conn.execute(
            select(t.checkpoints).where(t.checkpoints.c.checkpoint_id == checkpoint_id)
        ).first()
        return None if row is None else dict(row._mapping)

    def checkpoint(self, checkpoint_id: str) -> dict[str, Any]:
        with self.db.read() as conn:
            row = self._checkpoint(conn, checkpoint_id)
        if row is None:
            raise NotFound(f"no checkpoint {checkpoint_id!r}: create it with 'checkpoint create'")
        return row

    def list_checkpoints(self) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            rows = conn.execute(select(t.checkpoints).order_by(t.checkpoints.c.checkpoint_id))
            return [{"id": r.checkpoint_id, "name": r.name} for r in rows]

    # -- enrolment and devices -----------------------------------------------------------
    def new_enrolment_code(
        self, checkpoint_id: str, ttl_s: int = ENROLMENT_CODE_TTL_S
    ) -> dict[str, Any]:
        """A fresh one-time code for a device to enrol at the checkpoint."""
        if not 60 <= ttl_s <= 365 * 86400:
            raise CentralError("an enrolment code lives 1 minute to 365 days")
        raw = "".join(secrets.choice(ENROLMENT_ALPHABET) for _ in range(12))
        code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
        now = self.now()
        with self.db.write() as conn:
            if self._checkpoint(conn, checkpoint_id) is None:
                raise NotFound(
                    f"no checkpoint {checkpoint_id!r}: create it with 'checkpoint create'"
                )
            conn.execute(
                t.enrolment_codes.insert().values(
                    code_hash=sha256_hex(raw),
                    checkpoint_id=checkpoint_id,
                    created_at=now,
                    expires_at=now + ttl_s,
                )
            )
        return {"code": code, "checkpoint": checkpoint_id, "expires_at": now + ttl_s}

    def enrol(self, code: str, device_id: str, name: str) -> dict[str, Any]:
        """Use a one-time code: the device (new, or enrolled before) gets a new token."""
        token = secrets.token_urlsafe(32)
        now = self.now()
        code_hash = sha256_hex(normalise_code(code))
        for attempt in range(3):
            try:
                with self.db.write() as conn:
                    checkpoint = self._use_code(conn, code_hash, device_id, name, token, now)
                return {
                    "device_id": device_id,
                    "token": token,
                    "checkpoint": {"id": checkpoint["checkpoint_id"], "name": checkpoint["name"]},
                    "root_public_key": self.root.public_b64,
                }
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _use_code(
        self, conn: Connection, code_hash: str, device_id: str, name: str, token: str, now: int
    ) -> dict[str, Any]:
        row = conn.execute(
            select(t.enrolment_codes).where(t.enrolment_codes.c.code_hash == code_hash)
        ).first()
        if row is None or row.used_at is not None or row.expires_at <= now:
            raise EnrolmentRefused(
                "the enrolment code is unknown, used or expired: ask for a new one"
            )
        used = conn.execute(
            update(t.enrolment_codes)
            .where(t.enrolment_codes.c.code_hash == code_hash)
            .where(t.enrolment_codes.c.used_at.is_(None))
            .values(used_at=now, used_by=device_id)
        )
        if used.rowcount != 1:
            raise EnrolmentRefused("the enrolment code was used meanwhile: ask for a new one")
        values = {
            "device_id": device_id,
            "checkpoint_id": row.checkpoint_id,
            "name": name,
            "token_hash": sha256_hex(token),
            "enrolled_at": now,
            "revoked_at": None,
            "last_seen_at": now,
        }
        upsert(conn, t.devices, values, ("device_id",))
        checkpoint = self._checkpoint(conn, row.checkpoint_id)
        if checkpoint is None:
            raise NotFound(f"the code's checkpoint {row.checkpoint_id!r} is gone")
        return checkpoint

    def authenticate(self, token: str) -> Device | None:
        """The device of a bearer token; None for an unknown or revoked one."""
        with self.db.read() as conn:
            row = conn.execute(
                select(t.devices.c.device_id, t.devices.c.checkpoint_id, t.devices.c.name)
                .where(t.devices.c.token_hash == sha256_hex(token))
                .where(t.devices.c.revoked_at.is_(None))
            ).first()
        return None if row is None else Device(row.device_id, row.checkpoint_id, row.name)

    def list_devices(self) -> list[dict[str, Any]]:
        counts = (
            select(
                t.events.c.device_id,
                func.count().label("events"),
                func.max(t.events.c.seq).label("max_seq"),
            )
            .group_by(t.events.c.device_id)
            .subquery()
        )
        query = (
            select(t.devices, counts.c.events, counts.c.max_seq)
            .outerjoin(counts, counts.c.device_id == t.devices.c.device_id)
            .order_by(t.devices.c.checkpoint_id, t.devices.c.name, t.devices.c.device_id)
        )
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        return [
            {
                "device_id": r.device_id,
                "checkpoint": r.checkpoint_id,
                "name": r.name,
                "enrolled_at": r.enrolled_at,
                "revoked": r.revoked_at is not None,
                "revoked_at": r.revoked_at,
                "last_seen_at": r.last_seen_at,
                "events": r.events or 0,
                "max_seq": r.max_seq,
                "chain_head": None
                if r.head_seq is None
                else {"seq": r.head_seq, "hash": r.head_hash},
            }
            for r in rows
        ]

    def revoke_device(self, device_id: str) -> bool:
        """Revoke a device's token (its next call gets 401). False: it was revoked already."""
        with self.db.write() as conn:
            row = conn.execute(
                select(t.devices.c.revoked_at).where(t.devices.c.device_id == device_id)
            ).first()
            if row is None:
                raise NotFound(f"no device {device_id!r} (see 'device list')")
            if row.revoked_at is not None:
                return False
            conn.execute(
                update(t.devices)
                .where(t.devices.c.device_id == device_id)
                .values(revoked_at=self.now())
            )
        return True

    # -- signed lists ------------------------------------------------------------------------
    def _add_issuer_key(self, conn: Connection, row: dict[str, Any]) -> None:
        conn.execute(t.issuer_keys.insert().values(**row))
        self._bump(conn, TRUST_VERSION)
        self._set_meta(conn, TRUST_ISSUED, self.now())

    def add_issuer_key(
        self,
        private_key: Ed25519PrivateKey,
        kid: bytes,
        iss: str,
        not_before: int,
        not_after: int,
        label: str,
    ) -> bool:
        """Add a PHI1 issuer key (held, so it can sign) to the trust list; False if its kid
        is there already with the same public key."""
        if len(kid) != 8 or not re.fullmatch(r"[0-9]{6}", iss) or not_after < not_before:
            raise CentralError("an issuer key needs an 8-byte kid, a 6-digit iss and a validity")
        pub = b64(raw_public(private_key))
        with self.db.write() as conn:
            row = conn.execute(
                select(t.issuer_keys.c.pub).where(t.issuer_keys.c.kid == b64(kid))
            ).first()
            if row is not None:
                if row.pub != pub:
                    raise AlreadyExists(f"another key has the kid {b64(kid)}")
                return False
            self._add_issuer_key(
                conn,
                {
                    "kid": b64(kid),
                    "iss": iss,
                    "pub": pub,
                    "private_key": b64(raw_private(private_key)),
                    "not_before": not_before,
                    "not_after": not_after,
                    "label": label,
                    "added_at": self.now(),
                },
            )
        return True

    def trust_list(self) -> dict[str, Any]:
        """PHI1.md §4: ``{"version", "issued_at", "keys": [...]}``."""
        with self.db.read() as conn:
            version = int(self._meta(conn, TRUST_VERSION) or 1)
            issued_at = int(self._meta(conn, TRUST_ISSUED) or 0)
            rows = conn.execute(
                select(t.issuer_keys).order_by(t.issuer_keys.c.added_at, t.issuer_keys.c.kid)
            ).all()
        keys = [
            {
                "kid": r.kid,
                "iss": r.iss,
                "alg": "EdDSA",
                "pub": r.pub,
                "not_before": r.not_before,
                "not_after": r.not_after,
            }
            for r in rows
        ]
        return {"version": version, "issued_at": issued_at, "keys": keys}

    def revocations(self) -> dict[str, Any]:
        with self.db.read() as conn:
            version = int(self._meta(conn, REVOCATIONS_VERSION) or 1)
            cids = (
                conn.execute(select(t.revocations.c.cid).order_by(t.revocations.c.cid))
                .scalars()
                .all()
            )
        return {"version": version, "cids": list(cids)}

    def revoke(self, cid: str) -> bool:
        """Put a health-code id on the revocation list; False: it was on it already."""
        if not is_code_id(cid):
            raise CentralError(f"{cid[:40]!r} is not a health-code id")
        with self.db.write() as conn:
            self._meta(conn, REVOCATIONS_VERSION, lock=True)  # serialises the revokers
            if conn.execute(select(t.revocations.c.cid).where(t.revocations.c.cid == cid)).first():
                return False
            conn.execute(t.revocations.insert().values(cid=cid, revoked_at=self.now()))
            self._bump(conn, REVOCATIONS_VERSION)
        return True

    def rules(self, checkpoint_id: str) -> dict[str, Any]:
        with self.db.read() as conn:
            content = conn.execute(
                select(t.rules.c.content).where(t.rules.c.checkpoint_id == checkpoint_id)
            ).scalar()
        return {} if content is None else dict(json.loads(content))

    def set_rules(self, checkpoint_id: str, doc: Any) -> dict[str, Any]:
        rules = check_rules(doc)
        with self.db.write() as conn:
            if self._checkpoint(conn, checkpoint_id) is None:
                raise NotFound(f"no checkpoint {checkpoint_id!r}")
            upsert(
                conn,
                t.rules,
                {
                    "checkpoint_id": checkpoint_id,
                    "content": canonical_json(rules),
                    "updated_at": self.now(),
                },
                ("checkpoint_id",),
            )
        return rules

    def sign(self, content: Any) -> SignedDocument:
        return self.root.sign(content, self.now())

    # -- rosters -------------------------------------------------------------------------
    def import_rosters(
        self, checkpoint_id: str, rosters: list[Roster], source: str
    ) -> list[dict[str, Any]]:
        """Store the rosters (each replaces the stored one of its id: version + 1)."""
        now = self.now()
        out = []
        with self.db.write() as conn:
            if not self.db.lock_checkpoint(conn, checkpoint_id):
                raise NotFound(
                    f"no checkpoint {checkpoint_id!r}: create it with 'checkpoint create'"
                )
            serial = (
                int(
                    conn.execute(
                        select(t.checkpoints.c.roster_serial).where(
                            t.checkpoints.c.checkpoint_id == checkpoint_id
                        )
                    ).scalar_one()
                )
                + 1
            )
            conn.execute(
                update(t.checkpoints)
                .where(t.checkpoints.c.checkpoint_id == checkpoint_id)
                .values(roster_serial=serial)
            )
            for roster in rosters:
                old = conn.execute(
                    select(t.rosters.c.version)
                    .where(t.rosters.c.checkpoint_id == checkpoint_id)
                    .where(t.rosters.c.roster_id == roster.roster_id)
                ).scalar()
                version = 1 if old is None else int(old) + 1
                upsert(
                    conn,
                    t.rosters,
                    {
                        "checkpoint_id": checkpoint_id,
                        "roster_id": roster.roster_id,
                        "title": roster.title,
                        "version": version,
                        "serial": serial,
                        "entries": canonical_json(roster.entries),
                        "source": source[:200],
                        "updated_at": now,
                    },
                    ("checkpoint_id", "roster_id"),
                )
                out.append(
                    {
                        "roster_id": roster.roster_id,
                        "title": roster.title,
                        "version": version,
                        "entries": len(roster.entries),
                    }
                )
        return out

    def rosters_after(self, checkpoint_id: str, cursor: str | None) -> dict[str, Any]:
        """The checkpoint's rosters changed after the cursor, and the next cursor."""
        after = decode_cursor("r", checkpoint_id, cursor)
        with self.db.read() as conn:
            current = conn.execute(
                select(t.checkpoints.c.roster_serial).where(
                    t.checkpoints.c.checkpoint_id == checkpoint_id
                )
            ).scalar_one()
            rows = conn.execute(
                select(
                    t.rosters.c.roster_id,
                    t.rosters.c.title,
                    t.rosters.c.version,
                    t.rosters.c.entries,
                )
                .where(t.rosters.c.checkpoint_id == checkpoint_id)
                .where(t.rosters.c.serial > after)
                .order_by(t.rosters.c.serial, t.rosters.c.roster_id)
            ).all()
        rosters = [
            {
                "roster_id": r.roster_id,
                "title": r.title,
                "version": r.version,
                "entries": json.loads(r.entries),
            }
            for r in rows
        ]
        return {
            "rosters": rosters,
            "next": encode_cursor("r", checkpoint_id, max(after, int(current))),
        }

    # -- health codes --------------------------------------------------------------------
    def set_health_code(self, code_id: str, status: str, source: str = "online") -> None:
        if not is_code_id(code_id):
            raise CentralError(
                f"{code_id[:40]!r} is not a health-code id (letters, digits and . _ ~ -, up to 128)"
            )
        if status not in STATUSES:
            raise CentralError(f"status must be green, yellow or red, not {status!r}")
        with self.db.write() as conn:
            upsert(
                conn,
                t.health_codes,
                {"code_id": code_id, "status": status, "source": source, "updated_at": self.now()},
                ("code_id",),
            )

    def health_code(self, code_id: str) -> dict[str, Any] | None:
        with self.db.read() as conn:
            status = conn.execute(
                select(t.health_codes.c.status).where(t.health_codes.c.code_id == code_id)
            ).scalar()
            if status is None:
                return None
            revoked = conn.execute(
                select(t.revocations.c.cid).where(t.revocations.c.cid == code_id)
            ).first()
        return {
            "id": code_id,
            "status": status,
            "revoked": revoked is not None,
            "checked_at": self.now(),
        }

    def issue_code(
        self,
        *,
        name: str,
        id_masked: str,
        status: str,
        ttl_s: int = DEMO_CODE_TTL_S,
        cid: str | None = None,
        idt: str = "01",
        tel: str | None = None,
        nat: str | None = None,
        iss: str | None = None,
    ) -> dict[str, Any]:
        """Issue a PHI1 code with a held issuer key and register its status online."""
        if not 1 <= ttl_s <= 30 * 86400:
            raise CentralError("a code's lifetime (--ttl) is 1 s to 30 days")
        if cid is not None and not is_cid(cid):
            raise CentralError("a cid is 26 lower-case base32 characters (a-z, 2-7)")
        if not id_masked.strip():
            raise CentralError("the masked ID number (--id-masked) must not be empty")
        now = self.now()
        with self.db.read() as conn:
            query = (
                select(t.issuer_keys)
                .where(t.issuer_keys.c.private_key.is_not(None))
                .where(t.issuer_keys.c.not_before <= now)
                .where(t.issuer_keys.c.not_after >= now)
                .order_by(t.issuer_keys.c.added_at.desc())
            )
            if iss is not None:
                query = query.where(t.issuer_keys.c.iss == iss)
            key = conn.execute(query).first()
        if key is None:
            raise NotFound(
                "no issuer key held here is valid now" + (f" for iss {iss}" if iss else "")
            )
        claims: dict[str, Any] = {
            "v": 1,
            "iss": key.iss,
            "cid": cid or new_cid(),
            "nam": name.strip(),
            "idt": idt,
            "idm": id_masked.strip(),
            "sts": status,
            "sat": now,
            "iat": now,
            "exp": now + ttl_s,
        }
        if tel:
            claims["tel"] = tel
        if nat is not None:
            claims["nat"] = {"res": nat, "at": now - 3600}
        try:
            text = encode_phi1(claims, base64.b64decode(key.kid), load_private(key.private_key))
        except ClaimsError as exc:
            raise CentralError(str(exc)) from None
        self.set_health_code(claims["cid"], status, source="phi1")
        return {
            "code": text,
            "cid": claims["cid"],
            "iss": key.iss,
            "kid": key.kid,
            "exp": claims["exp"],
        }


def _issuer_row(key: Any, label: str, now: int) -> dict[str, Any]:
    return {
        "kid": key.kid,
        "iss": key.iss,
        "pub": key.pub,
        "private_key": key.private_key,
        "not_before": key.not_before,
        "not_after": key.not_after,
        "label": label,
        "added_at": now,
    }


def _short(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
