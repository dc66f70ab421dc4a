"""The server's keys: the Ed25519 root key that signs the documents, and issuer keys.

* The **root key** is made on the first start and kept in the database
  (``central_meta``); its public key is handed to each device at enrolment, which
  pins it. Every list a device downloads is a signed envelope
  ``{"content", "signature", "signed_at"}``: the signature is over the UTF-8 bytes of
  the canonical JSON of ``content``.
* **Issuer keys** sign PHI1 health codes (``admin demo-code``). The server makes one
  on the first start; others can be added (the demo issuer's). Their public halves
  are the trust list it serves (PHI1.md §4).
"""

from __future__ import annotations

import base64
import hashlib
import os
import time
from dataclasses import dataclass
from typing import Any, Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from central.wire import canonical_json

ROOT_KEY: Final = "root_private_key"
DEFAULT_ISSUER: Final = "110000"  # Beijing (GB/T 2260)
ISSUER_KEY_YEARS: Final = 2


def raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def raw_private(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def load_private(b64_text: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(b64_text))


@dataclass(frozen=True, slots=True)
class SignedDocument:
    """A signed envelope, serialised once; ``etag`` depends on the content only."""

    content: Any
    body: bytes  # the envelope as JSON
    etag: str


class RootKey:
    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        self.public_b64 = b64(raw_public(key))

    def sign(self, content: Any, now: int | None = None) -> SignedDocument:
        text = canonical_json(content)
        data = text.encode("utf-8")
        signature = b64(self._key.sign(data))
        signed_at = int(time.time()) if now is None else now
        body = f'{{"content":{text},"signature":"{signature}","signed_at":{signed_at}}}'
        etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
        return SignedDocument(content, body.encode("utf-8"), etag)


@dataclass(frozen=True, slots=True)
class NewIssuerKey:
    kid: str  # base64 of 8 bytes
    iss: str
    pub: str
    private_key: str
    not_before: int
    not_after: int


def new_issuer_key(iss: str = DEFAULT_ISSUER, now: int | None = None) -> NewIssuerKey:
    now = int(time.time()) if now is None else now
    key = Ed25519PrivateKey.generate()
    return NewIssuerKey(
        kid=b64(os.urandom(8)),
        iss=iss,
        pub=b64(raw_public(key)),
        private_key=b64(raw_private(key)),
        not_before=now - 86400,
        not_after=now + ISSUER_KEY_YEARS * 365 * 86400,
    )


def new_root_key() -> str:
    return b64(raw_private(Ed25519PrivateKey.generate()))
