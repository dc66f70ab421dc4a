"""The demo issuer: fresh PHI1 codes for the fictitious demo people of the seed.

Its key is the DEMO-ONLY key in ``offline_cache/demo/`` (public by design); the
codes verify only where the demo trust list is trusted, i.e. in demo mode.
Used by ``checkpoint-app --demo``, ``checkpoint-app demo-codes``, the demo
central server and tests.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from checkpoint_app.domain.dcc import encode_dcc, parse_dcc_certificate
from checkpoint_app.domain.phi1 import encode_phi1
from checkpoint_app.paths import seed_dir

DEFAULT_TTL_SECONDS = 300  # issuers refresh dynamic codes every few minutes

#: The EU's own sample person and vaccination (as in the DCC specifications): the demo
#: DCC, and the sample the tests and benchmarks build DCCs from.
SAMPLE_VACCINATION: dict[str, Any] = {
    "ver": "1.3.0",
    "nam": {"fn": "Musterfrau", "fnt": "MUSTERFRAU", "gn": "Erika", "gnt": "ERIKA"},
    "dob": "1964-08-12",
    "v": [
        {
            "tg": "840539006",
            "vp": "1119349007",
            "mp": "EU/1/20/1528",
            "ma": "ORG-100030215",
            "dn": 2,
            "sd": 2,
            "dt": "2021-05-29",
            "co": "DE",
            "is": "Robert Koch-Institut",
            "ci": "URN:UVCI:01DE/IZ12345A/5CWLU12RNOB9RXSEOP6FG8#W",
        }
    ],
}


@dataclass(frozen=True, slots=True)
class DemoCode:
    """A labelled sample code: what it is meant to show, and its QR text."""

    label: str
    text: str
    #: The label in Chinese (the demo phone shows both, the chosen language first).
    zh: str = ""


class DemoIssuer:
    """Signs PHI1 codes with the demo issuer key."""

    def __init__(self, demo_dir: Path | None = None) -> None:
        demo_dir = demo_dir or seed_dir() / "demo"
        trust = json.loads((demo_dir / "phi1_trust_list.json").read_text(encoding="utf-8"))
        key_entry = trust["keys"][0]
        self.kid = base64.b64decode(key_entry["kid"])
        self.iss: str = key_entry["iss"]
        key = serialization.load_pem_private_key(
            (demo_dir / "phi1_issuer_key.pem").read_bytes(), None
        )
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the demo issuer key is not an Ed25519 key")
        self._key = key
        people = json.loads((demo_dir / "people.json").read_text(encoding="utf-8"))
        self.people: list[dict[str, Any]] = people["people"]
        self._dcc_signer = parse_dcc_certificate((demo_dir / "dcc_signer.pem").read_bytes())
        dcc_key = serialization.load_pem_private_key(
            (demo_dir / "dcc_signer_key.pem").read_bytes(), None
        )
        if not isinstance(dcc_key, ec.EllipticCurvePrivateKey):
            raise ValueError("the demo DCC signer key is not an EC key")
        self._dcc_key = dcc_key

    def claims_for(
        self, person: dict[str, Any], now: int, ttl: int = DEFAULT_TTL_SECONDS
    ) -> dict[str, Any]:
        claims: dict[str, Any] = {
            "v": 1,
            "iss": self.iss,
            "cid": person["cid"],
            "nam": person["nam"],
            "idt": person["idt"],
            "idm": person["idm"],
            "sts": person["sts"],
            "sat": now - 6 * 3600,
            "iat": now,
            "exp": now + ttl,
        }
        if "tel" in person:
            claims["tel"] = person["tel"]
        if "nat" in person:
            claims["nat"] = {"res": person["nat"], "at": now - 20 * 3600}
        return claims

    def issue(self, claims: dict[str, Any]) -> str:
        return encode_phi1(claims, self.kid, self._key)

    def issue_dcc_vaccination(self, now: int) -> str:
        """An EU DCC vaccination certificate for a fictitious traveller, valid for a year."""
        claims = {1: "DE", 6: now, 4: now + 365 * 86400, -260: {1: SAMPLE_VACCINATION}}
        return encode_dcc(claims, self._dcc_signer.kid, self._dcc_key)

    def sample_codes(self, now: int) -> list[DemoCode]:
        """One code per demo person, plus the cases a volunteer must recognise."""
        colours = {"green": "绿码", "yellow": "黄码", "red": "红码"}
        codes = [
            DemoCode(
                f"{p['sts']}{' revoked' if p.get('revoked') else ''}",
                self.issue(self.claims_for(p, now)),
                colours.get(p["sts"], p["sts"]) + ("（已撤销）" if p.get("revoked") else ""),
            )
            for p in self.people
        ]
        first = self.people[0]
        expired = self.issue(self.claims_for(first, now - 3600))
        codes.append(DemoCode("expired screenshot", expired, "过期截图"))
        forged = self.claims_for(self.people[3], now)  # the red one, turned green after signing
        genuine = self.issue(forged)
        codes.append(
            DemoCode("forged (edited after signing)", _tamper(genuine), "伪造（签名后篡改）")
        )
        codes.append(
            DemoCode("EU DCC vaccination", self.issue_dcc_vaccination(now), "欧盟数字证书（疫苗）")
        )
        codes.append(DemoCode("roster ticket", "TKT1:HD-BUS-3/HD3-0042", "乘车票"))
        codes.append(
            DemoCode(
                "online-only code", "https://health.example.invalid/c/8f2a77e1", "需联网核验的码"
            )
        )
        codes.append(DemoCode("not a health code", "hello, world", "不是健康码"))
        return codes


def _tamper(text: str) -> str:
    """Flip one signed claim (red → green) and re-pack without re-signing."""
    import zlib

    import cbor2

    from checkpoint_app.domain.codec import b45decode, b45encode

    cose = cbor2.loads(zlib.decompress(b45decode(text[5:])))
    body = list(cose.value)
    payload = cbor2.loads(body[2])
    payload = dict(payload)
    payload["sts"] = "green"
    body[2] = cbor2.dumps(payload)
    return "PHI1:" + b45encode(zlib.compress(cbor2.dumps(cbor2.CBORTag(18, body)), 9))
