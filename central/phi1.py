"""Issuing PHI1 health codes (``shared/formats/PHI1.md``).

``"PHI1:" + BASE45(ZLIB(COSE_Sign1))`` with the claims as a CBOR map, signed with
EdDSA (Ed25519) over the COSE ``Sig_structure``; the ``kid`` is in the protected
header. :func:`check_claims` refuses anything a verifier would call ``MALFORMED``.
"""

from __future__ import annotations

import base64
import os
import re
import zlib
from collections.abc import Mapping
from typing import Any, Final

import base45
import cbor2
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

PREFIX: Final = "PHI1:"
ALG_EDDSA: Final = -8
HEADER_ALG: Final = 1
HEADER_KID: Final = 4
COSE_SIGN1_TAG: Final = 18
STATUSES: Final = ("green", "yellow", "red")
MAX_TEXT_CHARS: Final = 4096

_CID = re.compile(r"[a-z2-7]{26}\Z")
_DIGITS6 = re.compile(r"[0-9]{6}\Z")
_DIGITS2 = re.compile(r"[0-9]{2}\Z")


class ClaimsError(ValueError):
    """Claims a verifier would refuse; the message names the claim."""


def new_cid() -> str:
    """A fresh health-code id: 26 lower-case base32 characters (128 random bits)."""
    return base64.b32encode(os.urandom(16)).decode("ascii").rstrip("=").lower()


def is_cid(value: object) -> bool:
    return isinstance(value, str) and _CID.match(value) is not None


def _int(claims: Mapping[str, Any], key: str) -> int:
    value = claims.get(key)
    if type(value) is not int or not -(2**63) <= value < 2**63:
        raise ClaimsError(f"claim {key!r} must be an integer")
    return value


def check_claims(claims: Mapping[str, Any]) -> None:
    """PHI1.md §3, as a verifier checks it."""
    if claims.get("v") != 1 or type(claims.get("v")) is not int:
        raise ClaimsError("claim 'v' must be 1")
    iss = claims.get("iss")
    if not isinstance(iss, str) or not _DIGITS6.match(iss):
        raise ClaimsError("claim 'iss' must be 6 digits (GB/T 2260 division code)")
    if not is_cid(claims.get("cid")):
        raise ClaimsError("claim 'cid' must be 26 lower-case base32 characters")
    nam = claims.get("nam")
    if not isinstance(nam, str) or not 1 <= len(nam) <= 64:
        raise ClaimsError("claim 'nam' must be 1 to 64 characters")
    idt = claims.get("idt")
    if not isinstance(idt, str) or not _DIGITS2.match(idt):
        raise ClaimsError("claim 'idt' must be 2 digits (01 ID card, 03 passport, ...)")
    if not isinstance(claims.get("idm"), str):
        raise ClaimsError("claim 'idm' must be text")
    if "tel" in claims and not isinstance(claims["tel"], str):
        raise ClaimsError("claim 'tel' must be text")
    if claims.get("sts") not in STATUSES:
        raise ClaimsError("claim 'sts' must be green, yellow or red")
    _int(claims, "sat")
    iat, exp = _int(claims, "iat"), _int(claims, "exp")
    if exp <= iat:
        raise ClaimsError("claim 'exp' must be after 'iat'")
    if "nat" in claims:
        nat = claims["nat"]
        if not isinstance(nat, Mapping) or nat.get("res") not in ("neg", "pos"):
            raise ClaimsError("claim 'nat' must be {'res': 'neg' or 'pos', 'at': time}")
        _int(nat, "at")


def sig_structure(protected: bytes, payload: bytes) -> bytes:
    """The bytes an Ed25519 COSE_Sign1 signature covers (RFC 9052 §4.4)."""
    return cbor2.dumps(["Signature1", protected, b"", payload])


def protected_header(kid: bytes) -> bytes:
    """The protected header: EdDSA and the 8-byte kid."""
    if len(kid) != 8:
        raise ValueError("a PHI1 kid is 8 bytes")
    return cbor2.dumps({HEADER_ALG: ALG_EDDSA, HEADER_KID: kid})


def pack(protected: bytes, payload: bytes, signature: bytes) -> str:
    """The QR text of a tagged COSE_Sign1 with an empty unprotected header."""
    cose = cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))
    text = PREFIX + bytes(base45.b45encode(zlib.compress(cose, 9))).decode("ascii")
    if len(text) > MAX_TEXT_CHARS:
        raise ClaimsError(f"the code would be {len(text)} characters, over {MAX_TEXT_CHARS}")
    return text


def encode_phi1(claims: Mapping[str, Any], kid: bytes, key: Ed25519PrivateKey) -> str:
    """The QR text of a signed PHI1 code."""
    check_claims(claims)
    protected = protected_header(kid)
    payload = cbor2.dumps(dict(claims))
    return pack(protected, payload, key.sign(sig_structure(protected, payload)))
