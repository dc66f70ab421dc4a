"""Make PHI1 codes for tests: a fresh issuer key, its trust list, and claim sets."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from checkpoint_app.domain.phi1 import encode_phi1
from checkpoint_app.domain.trust import TrustList, parse_trust_list

NOW = 1_790_000_000


def base_claims(**changes: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "v": 1,
        "iss": "420000",
        "cid": "t5aokqlaqrrbi22d7h3o42m3zq",
        "nam": "郑爽",
        "idt": "01",
        "idm": "420***********2651",
        "tel": "159****5410",
        "sts": "green",
        "sat": NOW - 3600,
        "iat": NOW - 60,
        "exp": NOW + 240,
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not ...}


@dataclass
class Issuer:
    iss: str = "420000"
    kid: bytes = field(default_factory=lambda: os.urandom(8))
    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    not_before: int = NOW - 86400 * 365
    not_after: int = NOW + 86400 * 365

    def trust_doc(self) -> dict[str, Any]:
        pub = self.key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return {
            "version": 1,
            "issued_at": NOW - 86400,
            "keys": [
                {
                    "kid": base64.b64encode(self.kid).decode(),
                    "iss": self.iss,
                    "alg": "EdDSA",
                    "pub": base64.b64encode(pub).decode(),
                    "not_before": self.not_before,
                    "not_after": self.not_after,
                }
            ],
        }

    def trust_list(self) -> TrustList:
        return parse_trust_list(self.trust_doc())

    def issue(self, claims: dict[str, Any] | None = None, **kwargs: Any) -> str:
        return encode_phi1(
            claims if claims is not None else base_claims(), self.kid, self.key, **kwargs
        )
