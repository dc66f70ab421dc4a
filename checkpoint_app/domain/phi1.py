"""PHI1 health-code verification, exactly as ``shared/formats/PHI1.md`` specifies.

:func:`verify_phi1` runs the checks of PHI1.md §5 in order and returns the first
failing result, or ``VALID``. Claims are returned only once the signature has
verified (results ``KEY_ISSUER_MISMATCH`` to ``VALID``).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from checkpoint_app.domain.codec import (
    HEADER_ALG,
    HEADER_KID,
    CodecError,
    b45decode,
    b45encode,
    cbor_decode_one,
    encode_cose_sign1,
    inflate_bounded,
    parse_cose_sign1,
)
from checkpoint_app.domain.results import CodeFormat, Phi1Result, Verification
from checkpoint_app.domain.trust import Revocations, TrustList

PREFIX: Final = "PHI1:"
MAX_TEXT_CHARS: Final = 4096
MAX_INFLATED_BYTES: Final = 8192
CLOCK_SKEW_SECONDS: Final = 300
ALG_EDDSA: Final = -8
KID_LENGTH: Final = 8

STATUSES: Final = ("green", "yellow", "red")
NAT_RESULTS: Final = ("neg", "pos")
_INT_MIN: Final = -(2**63)
_INT_MAX: Final = 2**63 - 1
_CID = re.compile(r"[a-z2-7]{26}\Z")
_DIGITS = frozenset("0123456789")


@dataclass(frozen=True, slots=True)
class Phi1Claims:
    """The v1 claims of PHI1.md §3, validated."""

    v: int
    iss: str
    cid: str
    nam: str
    idt: str
    idm: str
    sts: str
    sat: int
    iat: int
    exp: int
    tel: str | None = None
    nat_res: str | None = None
    nat_at: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "v": self.v,
            "iss": self.iss,
            "cid": self.cid,
            "nam": self.nam,
            "idt": self.idt,
            "idm": self.idm,
        }
        if self.tel is not None:
            out["tel"] = self.tel
        out["sts"] = self.sts
        out["sat"] = self.sat
        if self.nat_res is not None:
            out["nat"] = {"res": self.nat_res, "at": self.nat_at}
        out["iat"] = self.iat
        out["exp"] = self.exp
        return out


@dataclass(frozen=True, slots=True)
class Phi1Verification:
    """Result code plus, from ``KEY_ISSUER_MISMATCH`` on, the verified claims."""

    result: Phi1Result
    claims: Phi1Claims | None = None
    detail: str = ""

    def to_verification(self) -> Verification:
        claims = self.claims.to_json() if self.claims is not None else None
        return Verification(CodeFormat.PHI1, self.result, claims, self.detail)


class _ClaimError(Exception):
    pass


def _int_claim(claims: Mapping[Any, Any], key: str) -> int:
    """A CBOR integer (no bool, float, bignum or other tag) within the int64 range."""
    value = claims.get(key)
    if type(value) is not int or not _INT_MIN <= value <= _INT_MAX:
        raise _ClaimError(f"claim '{key}' must be an integer")
    return value


def _text_claim(claims: Mapping[Any, Any], key: str) -> str:
    value = claims.get(key)
    if type(value) is not str:
        raise _ClaimError(f"claim '{key}' must be a text string")
    return value


def _digits(value: str, count: int) -> bool:
    return len(value) == count and all(c in _DIGITS for c in value)


def _parse_claims(claims: Mapping[Any, Any]) -> Phi1Claims:
    iss = _text_claim(claims, "iss")
    if not _digits(iss, 6):
        raise _ClaimError("claim 'iss' must be six ASCII digits")
    cid = _text_claim(claims, "cid")
    if not _CID.match(cid):
        raise _ClaimError("claim 'cid' must be 26 lower-case base32 characters")
    nam = _text_claim(claims, "nam")
    if not 1 <= len(nam) <= 64:
        raise _ClaimError("claim 'nam' must be 1 to 64 characters")
    idt = _text_claim(claims, "idt")
    if not _digits(idt, 2):
        raise _ClaimError("claim 'idt' must be two ASCII digits")
    idm = _text_claim(claims, "idm")
    tel = None
    if "tel" in claims:
        tel = _text_claim(claims, "tel")
    sts = _text_claim(claims, "sts")
    if sts not in STATUSES:
        raise _ClaimError("claim 'sts' must be green, yellow or red")
    sat = _int_claim(claims, "sat")
    nat_res = nat_at = None
    if "nat" in claims:
        nat = claims["nat"]
        if not isinstance(nat, Mapping):
            raise _ClaimError("claim 'nat' must be a map")
        nat_res = _text_claim(nat, "res")
        if nat_res not in NAT_RESULTS:
            raise _ClaimError("claim 'nat.res' must be neg or pos")
        nat_at = _int_claim(nat, "at")
    iat = _int_claim(claims, "iat")
    exp = _int_claim(claims, "exp")
    if exp <= iat:
        raise _ClaimError("claim 'exp' must be after 'iat'")
    return Phi1Claims(
        v=1, iss=iss, cid=cid, nam=nam, idt=idt, idm=idm, sts=sts, sat=sat,
        iat=iat, exp=exp, tel=tel, nat_res=nat_res, nat_at=nat_at,
    )  # fmt: skip


def verify_phi1(
    text: str, trust: TrustList, revocations: Revocations, now: int
) -> Phi1Verification:
    """Verify one QR text against a trust list and revocations at time ``now`` (epoch s)."""
    if not text.startswith(PREFIX):
        return Phi1Verification(Phi1Result.NOT_PHI1)
    if len(text) > MAX_TEXT_CHARS:
        return Phi1Verification(
            Phi1Result.TOO_LARGE, detail=f"QR text over {MAX_TEXT_CHARS} characters"
        )
    try:
        compressed = b45decode(text[len(PREFIX) :])
        cose = parse_cose_sign1(cbor_decode_one(inflate_bounded(compressed, MAX_INFLATED_BYTES)))
        payload = cbor_decode_one(cose.payload)
    except CodecError as exc:
        return Phi1Verification(Phi1Result(exc.code), detail=exc.detail)
    if not isinstance(payload, Mapping):
        return Phi1Verification(Phi1Result.MALFORMED, detail="payload is not a CBOR map")

    alg = cose.protected.get(HEADER_ALG)
    if type(alg) is not int or alg != ALG_EDDSA:
        return Phi1Verification(
            Phi1Result.UNSUPPORTED_ALGORITHM, detail=f"alg {alg!r} is not EdDSA (-8)"
        )
    kid = cose.protected.get(HEADER_KID)
    key = trust.key(kid) if type(kid) is bytes and len(kid) == KID_LENGTH else None
    if key is None:
        return Phi1Verification(
            Phi1Result.UNKNOWN_KEY, detail="no trusted key for the protected kid"
        )
    try:
        key.public_key.verify(cose.signature, cose.sig_structure())
    except InvalidSignature:
        return Phi1Verification(Phi1Result.BAD_SIGNATURE)

    version = payload.get("v")
    if type(version) is not int or version != 1:
        return Phi1Verification(Phi1Result.UNSUPPORTED_VERSION, detail=f"version {version!r}")
    try:
        claims = _parse_claims(payload)
    except _ClaimError as exc:
        return Phi1Verification(Phi1Result.MALFORMED, detail=str(exc))

    if key.iss != claims.iss:
        return Phi1Verification(Phi1Result.KEY_ISSUER_MISMATCH, claims)
    if not key.not_before <= claims.iat <= key.not_after:
        return Phi1Verification(Phi1Result.KEY_NOT_VALID, claims)
    if claims.iat > now + CLOCK_SKEW_SECONDS:
        return Phi1Verification(Phi1Result.NOT_YET_VALID, claims)
    if now >= claims.exp:
        return Phi1Verification(Phi1Result.EXPIRED, claims)
    if claims.cid in revocations.cids:
        return Phi1Verification(Phi1Result.REVOKED, claims)
    return Phi1Verification(Phi1Result.VALID, claims)


def encode_phi1(
    claims: Mapping[str, Any],
    kid: bytes,
    private_key: Ed25519PrivateKey,
    *,
    tagged: bool = True,
) -> str:
    """Issue a PHI1 QR text (used by the demo issuer, the reference server and tests)."""
    payload = cbor2.dumps(dict(claims))
    cose = encode_cose_sign1(
        {HEADER_ALG: ALG_EDDSA, HEADER_KID: kid}, payload, private_key.sign, tagged=tagged
    )
    return PREFIX + b45encode(zlib.compress(cose, 9))
