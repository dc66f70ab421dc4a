"""PHI1 trust lists and revocation lists (PHI1.md §4), parsed from decoded JSON.

Parsing is strict: a list that cannot be trusted as a whole raises
:class:`TrustListError` with a message naming what is wrong, so the caller can
refuse the file (the CLI exits 2 naming it).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

KID_LENGTH = 8


class TrustListError(ValueError):
    """A trust list or revocation list is unusable as a whole."""


@dataclass(frozen=True, slots=True)
class TrustKey:
    """One issuer key: Ed25519, valid for codes issued within ``[not_before, not_after]``."""

    kid: bytes
    iss: str
    public_key: Ed25519PublicKey = field(repr=False, compare=False)
    public_bytes: bytes
    not_before: int
    not_after: int


@dataclass(frozen=True, slots=True)
class TrustList:
    """The verified content of a trust list; keys by kid."""

    version: int
    issued_at: int
    keys: Mapping[bytes, TrustKey]
    demo: bool = False

    @classmethod
    def empty(cls) -> TrustList:
        return cls(version=0, issued_at=0, keys={})

    def key(self, kid: bytes) -> TrustKey | None:
        return self.keys.get(kid)


@dataclass(frozen=True, slots=True)
class Revocations:
    """Revoked health-code ids (``cid``)."""

    version: int
    cids: frozenset[str]

    @classmethod
    def empty(cls) -> Revocations:
        return cls(version=0, cids=frozenset())


def _int(obj: Mapping[str, Any], name: str, where: str) -> int:
    value = obj.get(name)
    if type(value) is not int:
        raise TrustListError(f"{where}: '{name}' must be an integer")
    return value


def _b64(value: Any, name: str, where: str, length: int) -> bytes:
    if not isinstance(value, str):
        raise TrustListError(f"{where}: '{name}' must be a base64 string")
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise TrustListError(f"{where}: '{name}' is not valid base64") from None
    if len(raw) != length:
        raise TrustListError(f"{where}: '{name}' must decode to {length} bytes, not {len(raw)}")
    return raw


def parse_trust_list(doc: Any) -> TrustList:
    """Parse a ``trust_list.json`` document (already JSON-decoded).

    Keys whose ``alg`` is not ``EdDSA`` are ignored; two keys with one kid make the
    whole list invalid.
    """
    if not isinstance(doc, dict):
        raise TrustListError("the trust list must be a JSON object")
    version = _int(doc, "version", "trust list")
    issued_at = _int(doc, "issued_at", "trust list")
    raw_keys = doc.get("keys")
    if not isinstance(raw_keys, list):
        raise TrustListError("trust list: 'keys' must be a list")
    keys: dict[bytes, TrustKey] = {}
    seen: set[bytes] = set()
    for index, entry in enumerate(raw_keys):
        where = f"trust list key #{index}"
        if not isinstance(entry, dict):
            raise TrustListError(f"{where}: must be an object")
        kid = _b64(entry.get("kid"), "kid", where, KID_LENGTH)
        if kid in seen:
            raise TrustListError(f"{where}: duplicate kid {entry.get('kid')}")
        seen.add(kid)
        if entry.get("alg") != "EdDSA":
            continue
        iss = entry.get("iss")
        if not isinstance(iss, str) or len(iss) != 6 or not all("0" <= c <= "9" for c in iss):
            raise TrustListError(f"{where}: 'iss' must be six digits")
        pub = _b64(entry.get("pub"), "pub", where, 32)
        not_before = _int(entry, "not_before", where)
        not_after = _int(entry, "not_after", where)
        if not_after < not_before:
            raise TrustListError(f"{where}: 'not_after' is before 'not_before'")
        keys[kid] = TrustKey(
            kid=kid,
            iss=iss,
            public_key=Ed25519PublicKey.from_public_bytes(pub),
            public_bytes=pub,
            not_before=not_before,
            not_after=not_after,
        )
    return TrustList(version=version, issued_at=issued_at, keys=keys, demo=doc.get("demo") is True)


def parse_revocations(doc: Any) -> Revocations:
    """Parse a ``revocations.json`` document (already JSON-decoded)."""
    if not isinstance(doc, dict):
        raise TrustListError("the revocation list must be a JSON object")
    version = _int(doc, "version", "revocation list")
    cids = doc.get("cids")
    if not isinstance(cids, list) or not all(isinstance(c, str) for c in cids):
        raise TrustListError("revocation list: 'cids' must be a list of strings")
    return Revocations(version=version, cids=frozenset(cids))


def merge_trust_lists(lists: Iterable[TrustList]) -> TrustList:
    """Union of several trust lists (e.g. the enrolled list plus the demo list in demo mode)."""
    keys: dict[bytes, TrustKey] = {}
    version = issued_at = 0
    demo = False
    for tl in lists:
        keys.update(tl.keys)
        version = max(version, tl.version)
        issued_at = max(issued_at, tl.issued_at)
        demo = demo or tl.demo
    return TrustList(version=version, issued_at=issued_at, keys=keys, demo=demo)


def merge_revocations(lists: Iterable[Revocations]) -> Revocations:
    """Union of several revocation lists."""
    merged = list(lists)
    if not merged:
        return Revocations.empty()
    return Revocations(
        version=max(r.version for r in merged),
        cids=frozenset().union(*(r.cids for r in merged)),
    )
