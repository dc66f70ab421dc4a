"""EU Digital COVID Certificate (EU DCC, ``HC1:``) offline verification.

:func:`verify_dcc` runs these checks in this order and returns the first failing
result, or ``VALID``; every step is also a function of its own (named in brackets) so
tests can check each layer separately:

=========================  ===============================================================
``NOT_DCC``                the text does not start with ``HC1:`` [:func:`unprefix`]
``TOO_LARGE``              the text is over 4096 characters, or it inflates past 16384
                           bytes [:func:`unprefix`, :func:`inflate`]
``MALFORMED``              Base45, zlib, CBOR or COSE_Sign1 structure is broken, or the
                           payload is not a CBOR map [:func:`b45`, :func:`inflate`,
                           :func:`decode_cose`, :func:`decode_payload`]
``UNSUPPORTED_ALGORITHM``  ``alg`` (protected header, else unprotected) is not ES256 (-7)
                           or PS256 (-37) [:func:`header_algorithm`]
``UNKNOWN_KEY``            no ``kid`` (protected header, else unprotected), or no trusted
                           signing certificate has that kid [:func:`header_kid`]
``BAD_SIGNATURE``          no certificate with that kid (and a key matching ``alg``)
                           verifies the signature [:func:`verify_signature`]
``CLAIMS_INVALID``         CWT ``iss`` (1, text), ``iat`` (6) / ``exp`` (4) (NumericDate:
                           integer or finite float), ``hcert`` (-260, a map holding the
                           DCC map under 1) missing or of the wrong type, or the DCC not
                           representable as JSON [:func:`parse_claims`]
``UNSUPPORTED_VERSION``    no JSON schema for the DCC's ``ver`` (nor an earlier patch of
                           the same ``major.minor``): the app needs a schema update, the
                           certificate itself may be fine [:func:`schema_for`]
``SCHEMA_INVALID``         the DCC fails the JSON schema its ``ver`` names, or does not
                           hold exactly one of ``v``/``t``/``r`` with exactly one entry
                           [:func:`check_schema`]
``CERT_NOT_VALID``         the signing certificate's validity does not cover the
                           verification time [:func:`check_certificate_validity`]
``KEY_USAGE_MISMATCH``     the signing certificate has an extended key usage, and it does
                           not name this DCC type [:func:`check_key_usage`]
``EXPIRED``                the verification time is after the CWT ``exp``
                           [:func:`check_expiration`]
``VALID``                  every check passed
=========================  ===============================================================

Claims are returned only once the signature has verified and they parsed (results
``UNSUPPORTED_VERSION`` to ``VALID``), as JSON-ready values.

Notes on the rules, fixed by the EU test vectors (dgc-testdata):

- A DCC has no "issued in the future" check: ``iat`` is not compared with the clock.
  ``exp`` is inclusive: a DCC is still valid at the second of its ``exp``.
- ``alg`` and ``kid`` are read from the protected header and, only when the label is
  absent there, from the unprotected one (a wrong protected kid is not rescued by a
  right unprotected one). The CWT tag 61 around the COSE_Sign1 tag 18 is accepted.
- Key usage: a certificate without an extended-key-usage extension, or with an empty
  one, may sign every type. Once it names any usage, it must name the DCC type's OID
  (test ``1.3.6.1.4.1.1847.2021.1.1`` / ``...1.0.1847.2021.1.1``, vaccination ``.2``,
  recovery ``.3``); a document-signer certificate naming only other usages signs
  nothing.
- JSON schemas are passed in (``version -> schema``), validated with the draft the
  schema declares (2020-12 when it declares none), ``format`` as an annotation only,
  never fetching anything; value sets are not checked here. Each schema is compiled
  once: :mod:`fastschema` turns the keyword subset the DCC schemas use into a fast
  predicate that may only accept; ``jsonschema`` decides everything else and words
  the errors (it alone would cost three ES256 signature checks per DCC).
"""

from __future__ import annotations

import hashlib
import math
import re
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Final, TypeGuard, cast

import cbor2
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.hazmat.primitives.serialization import Encoding

from checkpoint_app.domain.codec import (
    COSE_SIGN1_TAG,
    HEADER_ALG,
    HEADER_KID,
    CodecError,
    CoseParts,
    CoseSign1,
    b45decode,
    b45encode,
    cbor_decode_one,
    cose_sign1_parts,
    inflate_bounded,
    sig_structure,
)
from checkpoint_app.domain.fastschema import compile_schema
from checkpoint_app.domain.results import CodeFormat, Verification

PREFIX: Final = "HC1:"
MAX_TEXT_CHARS: Final = 4096
#: DCCs inflate to under 2 kB; 16 kB leaves room and bounds a zip bomb.
MAX_INFLATED_BYTES: Final = 16384
MAX_CERTIFICATE_BYTES: Final = 65536
MIN_RSA_BITS: Final = 2048

CWT_TAG: Final = 61
ALG_ES256: Final = -7
ALG_PS256: Final = -37
CLAIM_ISS: Final = 1
CLAIM_EXP: Final = 4
CLAIM_IAT: Final = 6
CLAIM_HCERT: Final = -260
HCERT_EU_DCC_V1: Final = 1
KID_LENGTH: Final = 8

#: Extended key usage OIDs allowing a signing certificate to sign each DCC type (the
#: ``1.3.6.1.4.1.0.1847...`` spelling is the one many member states issued).
TYPE_KEY_USAGES: Final[Mapping[str, frozenset[str]]] = {
    "t": frozenset({"1.3.6.1.4.1.1847.2021.1.1", "1.3.6.1.4.1.0.1847.2021.1.1"}),
    "v": frozenset({"1.3.6.1.4.1.1847.2021.1.2", "1.3.6.1.4.1.0.1847.2021.1.2"}),
    "r": frozenset({"1.3.6.1.4.1.1847.2021.1.3", "1.3.6.1.4.1.0.1847.2021.1.3"}),
}
DCC_TYPES: Final = ("v", "t", "r")

_INT_MIN: Final = -(2**63)
_INT_MAX: Final = 2**63 - 1


class DccResult(StrEnum):
    """The results of :func:`verify_dcc`, in checking order."""

    NOT_DCC = "NOT_DCC"
    TOO_LARGE = "TOO_LARGE"
    MALFORMED = "MALFORMED"
    UNSUPPORTED_ALGORITHM = "UNSUPPORTED_ALGORITHM"
    UNKNOWN_KEY = "UNKNOWN_KEY"
    BAD_SIGNATURE = "BAD_SIGNATURE"
    CLAIMS_INVALID = "CLAIMS_INVALID"
    UNSUPPORTED_VERSION = "UNSUPPORTED_VERSION"
    SCHEMA_INVALID = "SCHEMA_INVALID"
    CERT_NOT_VALID = "CERT_NOT_VALID"
    KEY_USAGE_MISMATCH = "KEY_USAGE_MISMATCH"
    EXPIRED = "EXPIRED"
    VALID = "VALID"


class DccError(Exception):
    """A verification step failed; ``code`` is the result it maps to."""

    def __init__(self, code: DccResult, detail: str = "") -> None:
        super().__init__(detail or str(code))
        self.code = code
        self.detail = detail


class DccCertificateError(ValueError):
    """Bytes that are not a usable DCC signing certificate (PEM or DER X.509)."""


# --- signing certificates -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DccSigner:
    """A document signer certificate (DSC): its kid, validity, key usage and key."""

    kid: bytes
    subject: str
    not_before: int
    not_after: int
    #: The extended key usage OIDs; ``None`` when the certificate has no such extension.
    extended_key_usage: frozenset[str] | None
    #: The COSE algorithm the key can verify: ES256 for P-256, PS256 for RSA 2048+,
    #: ``None`` for other curves and sizes (such a certificate verifies nothing).
    algorithm: int | None
    public_key: ec.EllipticCurvePublicKey | rsa.RSAPublicKey = field(repr=False, compare=False)
    der: bytes = field(repr=False)


def _der_element(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """``(tag, content start, content end)`` of the DER element at ``pos``."""
    if pos + 2 > end:
        raise ValueError("truncated DER element")
    tag, first = data[pos], data[pos + 1]
    pos += 2
    if tag & 0x1F == 0x1F:
        raise ValueError("multi-byte DER tag")
    length = first
    if first & 0x80:
        count = first & 0x7F
        if not 1 <= count <= 3 or pos + count > end:
            raise ValueError("bad DER length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > end:
        raise ValueError("DER element runs past its parent")
    return tag, pos, pos + length


def _der_oid(content: bytes) -> str:
    if not content or content[-1] & 0x80:
        raise ValueError("truncated OID")
    arcs: list[int] = []
    value = 0
    starting = True
    for byte in content:
        if starting and byte == 0x80:
            raise ValueError("non-minimal OID arc")
        value = (value << 7) | (byte & 0x7F)
        starting = not byte & 0x80
        if starting:
            arcs.append(value)
            value = 0
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(str(arc) for arc in head + arcs[1:])


_EKU_OID_CONTENT: Final = bytes.fromhex("551d25")  # 2.5.29.37 extKeyUsage


def _extended_key_usage(tbs: bytes) -> frozenset[str] | None:
    """The extKeyUsage OIDs of a DER TBSCertificate, read without the other extensions.

    cryptography refuses a certificate's whole extension list when any extension
    deviates from DER, e.g. an explicit default ``cA FALSE`` in BasicConstraints (the
    Finnish test DSCs) or an empty extKeyUsage sequence (dgc-testdata CO15), so the one
    extension needed here is read directly; the rest of the certificate was parsed by
    cryptography already.
    """
    tag, pos, end = _der_element(tbs, 0, len(tbs))
    if tag != 0x30:
        raise ValueError("TBSCertificate is not a SEQUENCE")
    while pos < end:
        tag, start, pos = _der_element(tbs, pos, end)
        if tag != 0xA3:  # [3] EXPLICIT Extensions
            continue
        tag, ext_pos, ext_end = _der_element(tbs, start, pos)
        if tag != 0x30:
            raise ValueError("Extensions is not a SEQUENCE")
        while ext_pos < ext_end:
            tag, item, ext_pos = _der_element(tbs, ext_pos, ext_end)
            if tag != 0x30:
                raise ValueError("Extension is not a SEQUENCE")
            tag, oid_start, oid_end = _der_element(tbs, item, ext_pos)
            if tag != 0x06:
                raise ValueError("Extension without an OID")
            if tbs[oid_start:oid_end] != _EKU_OID_CONTENT:
                continue
            tag, value, value_end = _der_element(tbs, oid_end, ext_pos)
            if tag == 0x01:  # critical BOOLEAN
                tag, value, value_end = _der_element(tbs, value_end, ext_pos)
            if tag != 0x04 or value_end != ext_pos:
                raise ValueError("extKeyUsage value is not an OCTET STRING")
            tag, oid_pos, oids_end = _der_element(tbs, value, value_end)
            if tag != 0x30 or oids_end != value_end:
                raise ValueError("extKeyUsage is not a SEQUENCE")
            oids: set[str] = set()
            while oid_pos < oids_end:
                tag, oid_start, oid_pos = _der_element(tbs, oid_pos, oids_end)
                if tag != 0x06:
                    raise ValueError("extKeyUsage holds a non-OID")
                oids.add(_der_oid(tbs[oid_start:oid_pos]))
            return frozenset(oids)
        return None
    return None


def parse_dcc_certificate(data: bytes | bytearray | memoryview) -> DccSigner:
    """Read a DSC from PEM or DER X.509 bytes; raise :class:`DccCertificateError` if unusable.

    The kid is the first 8 bytes of the SHA-256 of the DER certificate. EC and RSA keys
    are accepted (a trust list may carry odd certificates); only P-256 keys verify ES256
    and RSA keys of 2048 bits or more verify PS256 (:func:`verify_signature`).
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise DccCertificateError(f"expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if not data:
        raise DccCertificateError("empty certificate")
    if len(data) > MAX_CERTIFICATE_BYTES:
        raise DccCertificateError(f"certificate over {MAX_CERTIFICATE_BYTES} bytes")
    try:
        if b"-----BEGIN" in data[:1024]:
            cert = x509.load_pem_x509_certificate(data)
        else:
            cert = x509.load_der_x509_certificate(data)
        der = cert.public_bytes(Encoding.DER)
        key = cert.public_key()
        not_before = int(cert.not_valid_before_utc.timestamp())
        not_after = int(cert.not_valid_after_utc.timestamp())
        eku = _extended_key_usage(cert.tbs_certificate_bytes)
    except (ValueError, UnsupportedAlgorithm) as exc:
        # cryptography reports unparsable DER/PEM as ValueError, a key type it does not
        # know (DSA variants, GOST, ...) as UnsupportedAlgorithm.
        raise DccCertificateError(f"not a usable X.509 certificate: {exc}") from None
    if isinstance(key, ec.EllipticCurvePublicKey):
        algorithm = ALG_ES256 if isinstance(key.curve, ec.SECP256R1) else None
    elif isinstance(key, rsa.RSAPublicKey):
        algorithm = ALG_PS256 if key.key_size >= MIN_RSA_BITS else None
    else:
        raise DccCertificateError(f"{type(key).__name__} keys cannot sign DCCs")
    try:
        subject = cert.subject.rfc4514_string()
    except ValueError:
        subject = "?"
    return DccSigner(
        kid=hashlib.sha256(der).digest()[:KID_LENGTH],
        subject=subject,
        not_before=not_before,
        not_after=not_after,
        extended_key_usage=eku,
        algorithm=algorithm,
        public_key=key,
        der=der,
    )


@dataclass(frozen=True, slots=True)
class DccTrust:
    """Trusted signing certificates by kid (several certificates may share a kid).

    ``DccTrust()`` trusts nothing; build one with :meth:`of`.
    """

    signers: Mapping[bytes, tuple[DccSigner, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, signers: Iterable[DccSigner]) -> DccTrust:
        by_kid: dict[bytes, tuple[DccSigner, ...]] = {}
        for signer in signers:
            known = by_kid.get(signer.kid, ())
            if all(other.der != signer.der for other in known):
                by_kid[signer.kid] = (*known, signer)
        return cls(by_kid)

    @classmethod
    def empty(cls) -> DccTrust:
        return cls({})

    def candidates(self, kid: bytes) -> tuple[DccSigner, ...]:
        return self.signers.get(kid, ())

    def __len__(self) -> int:
        return sum(len(signers) for signers in self.signers.values())


# --- decoding layers ------------------------------------------------------------------


def _is_map(value: Any) -> TypeGuard[Mapping[Any, Any]]:
    # cbor2 gives dict (frozendict inside tags); the exact test skips the ABC machinery.
    return type(value) is dict or isinstance(value, Mapping)


def _codec(exc: CodecError) -> DccError:
    return DccError(DccResult(exc.code), exc.detail)


def unprefix(text: str) -> str:
    """The Base45 text after ``HC1:``; ``NOT_DCC`` without the prefix, ``TOO_LARGE`` if long."""
    if not isinstance(text, str) or not text.startswith(PREFIX):
        raise DccError(DccResult.NOT_DCC, "no HC1: prefix")
    if len(text) > MAX_TEXT_CHARS:
        raise DccError(DccResult.TOO_LARGE, f"QR text over {MAX_TEXT_CHARS} characters")
    return text[len(PREFIX) :]


def b45(body: str) -> bytes:
    """Base45-decode the text after the prefix (``MALFORMED`` on any invalid input)."""
    try:
        return b45decode(body)
    except CodecError as exc:
        raise _codec(exc) from None


def inflate(data: bytes) -> bytes:
    """Inflate the zlib stream (``TOO_LARGE`` past 16384 bytes, ``MALFORMED`` if broken)."""
    try:
        return inflate_bounded(data, MAX_INFLATED_BYTES)
    except CodecError as exc:
        raise _codec(exc) from None


def decode_cose(data: bytes) -> CoseSign1:
    """Decode a COSE_Sign1 (tag 18, untagged, or inside the CWT tag 61)."""
    try:
        return CoseSign1(*_decode_cose(data))
    except CodecError as exc:
        raise _codec(exc) from None


def _decode_cose(data: bytes) -> CoseParts:
    """:func:`decode_cose` as a tuple of the parts, letting a :class:`CodecError` through."""
    item = cbor_decode_one(data)
    if type(item) is cbor2.CBORTag and item.tag == CWT_TAG:
        item = item.value
        if type(item) is cbor2.CBORTag and item.tag != COSE_SIGN1_TAG:
            raise DccError(DccResult.MALFORMED, f"cose: tag {item.tag} inside the CWT tag")
    return cose_sign1_parts(item)


def decode_payload(cose: CoseSign1) -> Mapping[Any, Any]:
    """The CWT claims map carried as the COSE payload."""
    return _decode_payload(cose.payload)


def _decode_payload(data: bytes) -> Mapping[Any, Any]:
    try:
        payload = cbor_decode_one(data)
    except CodecError as exc:
        raise _codec(exc) from None
    if not _is_map(payload):
        raise DccError(DccResult.MALFORMED, "payload is not a CBOR map")
    return payload


def _int_labels(items: Mapping[Any, Any]) -> dict[int, Any]:
    """The entries with integer keys; ``True`` or ``1.0`` keys are not the label ``1``."""
    return {key: value for key, value in items.items() if type(key) is int}


def _label(header: Mapping[Any, Any], label: int) -> tuple[bool, Any]:
    """``(present, value)`` of an integer label; ``True`` or ``1.0`` keys are not ``1``."""
    for key, value in header.items():
        if type(key) is int and key == label:
            return True, value
    return False, None


def _header(cose: CoseSign1, label: int) -> Any:
    present, value = _label(cose.protected, label)
    if present:
        return value
    return _label(cose.unprotected, label)[1]


def header_algorithm(cose: CoseSign1) -> int:
    """``alg`` from the protected header, else the unprotected one: ES256 or PS256."""
    alg = _header(cose, HEADER_ALG)
    if type(alg) is not int or alg not in (ALG_ES256, ALG_PS256):
        raise DccError(DccResult.UNSUPPORTED_ALGORITHM, f"alg {alg!r} is not ES256 or PS256")
    return alg


def header_kid(cose: CoseSign1) -> bytes | None:
    """``kid`` from the protected header, else the unprotected one; ``None`` if unusable."""
    kid = _header(cose, HEADER_KID)
    return kid if type(kid) is bytes else None


_ABSENT: Final = object()


def _algorithm_and_kid(
    protected: Mapping[Any, Any], unprotected: Mapping[Any, Any]
) -> tuple[int, bytes | None]:
    """:func:`header_algorithm` and :func:`header_kid` in one pass over each header."""
    alg = kid = _ABSENT
    for header in (protected, unprotected):
        for key, value in header.items():
            if type(key) is int:
                if key == HEADER_ALG:
                    alg = value if alg is _ABSENT else alg
                elif key == HEADER_KID:
                    kid = value if kid is _ABSENT else kid
        if alg is not _ABSENT and kid is not _ABSENT:
            break
    if type(alg) is not int or alg not in (ALG_ES256, ALG_PS256):
        shown = None if alg is _ABSENT else alg
        raise DccError(DccResult.UNSUPPORTED_ALGORITHM, f"alg {shown!r} is not ES256 or PS256")
    return alg, kid if type(kid) is bytes else None


_SHA256: Final = hashes.SHA256()
_ECDSA_SHA256: Final = ec.ECDSA(_SHA256)
_PSS_SHA256: Final = padding.PSS(mgf=padding.MGF1(_SHA256), salt_length=32)


def verify_signature(cose: CoseSign1, signer: DccSigner, alg: int | None = None) -> bool:
    """Whether ``signer``'s key verifies the COSE signature under ``alg`` (default: header).

    ES256 is ECDSA on P-256 with SHA-256, the signature the raw 64-byte ``r || s`` of
    COSE; PS256 is RSASSA-PSS (RSA 2048+) with SHA-256, MGF1-SHA-256 and a 32-byte salt.
    A key of another type, curve or size never verifies.
    """
    if alg is None:
        alg = header_algorithm(cose)
    return _verify(signer, alg, cose.signature, cose.sig_structure())


def _verify(signer: DccSigner, alg: int, signature: bytes, message: bytes) -> bool:
    """:func:`verify_signature` of ``signature`` over the Sig_structure ``message``."""
    if signer.algorithm is None or signer.algorithm != alg:
        return False
    try:
        if alg == ALG_ES256:
            if len(signature) != 64:
                return False
            der = utils.encode_dss_signature(
                int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            )
            cast(ec.EllipticCurvePublicKey, signer.public_key).verify(der, message, _ECDSA_SHA256)
        else:
            cast(rsa.RSAPublicKey, signer.public_key).verify(
                signature, message, _PSS_SHA256, _SHA256
            )
    except (InvalidSignature, ValueError):
        # cryptography reports a wrong signature as InvalidSignature; ValueError covers
        # out-of-range r/s values it refuses before checking.
        return False
    return True


# --- claims ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DccClaims:
    """The CWT claims of a DCC, with the DCC itself (``hcert[1]``) as JSON-ready values."""

    iss: str
    iat: int | float
    exp: int | float
    hcert: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"iss": self.iss, "iat": self.iat, "exp": self.exp, "hcert": self.hcert}


def _claims_error(detail: str) -> DccError:
    return DccError(DccResult.CLAIMS_INVALID, detail)


def _numeric_date(claims: Mapping[int, Any], label: int, name: str) -> int | float:
    if label not in claims:
        raise _claims_error(f"claim '{name}' ({label}) missing")
    value = claims[label]
    if type(value) is int and _INT_MIN <= value <= _INT_MAX:
        return value
    if type(value) is float and math.isfinite(value) and _INT_MIN <= value <= _INT_MAX:
        return value
    raise _claims_error(f"claim '{name}' ({label}) is not a NumericDate")


class _NotJson(Exception):
    """A value without a JSON form; ``trail`` is filled in on the way out (innermost last)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.trail: list[str] = []


_SCALARS: Final = frozenset({str, int, bool, type(None)})


def _json(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict or (kind is not list and isinstance(value, Mapping)):
        # A plain dict whose values need no conversion is returned as it is (the usual
        # DCC); anything converted below it, or a frozendict, makes a new dict.
        changed: dict[str, Any] | None = None if kind is dict else {}
        for key, item in value.items():
            if type(key) is not str:
                raise _NotJson(f"map key {key!r} is not text")
            if type(item) in _SCALARS:  # the common case, without a call
                continue
            try:
                converted = _json(item)
            except _NotJson as exc:
                exc.trail.append(f".{key}")
                raise
            if converted is not item:
                changed = {} if changed is None else changed
                changed[key] = converted
        if changed is None:
            return value
        return {key: changed.get(key, item) for key, item in value.items()}
    if kind is list or kind is tuple:
        replaced: dict[int, Any] | None = None if kind is list else {}
        for index, item in enumerate(value):
            if type(item) in _SCALARS:
                continue
            try:
                converted = _json(item)
            except _NotJson as exc:
                exc.trail.append(f"[{index}]")
                raise
            if converted is not item:
                replaced = {} if replaced is None else replaced
                replaced[index] = converted
        if replaced is None:
            return value
        return [replaced.get(i, item) for i, item in enumerate(value)]
    if kind is float:
        if not math.isfinite(value):
            raise _NotJson("non-finite number")
        return value
    if kind is cbor2.CBORTag:
        if value.tag == 0 and type(value.value) is str:
            return value.value
        if value.tag == 1 and type(value.value) in (int, float):
            try:
                moment = datetime.fromtimestamp(value.value, UTC)
            except (OverflowError, ValueError, OSError):
                raise _NotJson("epoch date out of range") from None
            return moment.isoformat().replace("+00:00", "Z")
        raise _NotJson(f"CBOR tag {value.tag} has no JSON form")
    if kind is date:  # tags 100 and 1004 (RFC 8943)
        return value.isoformat()
    raise _NotJson(f"{kind.__name__} has no JSON form")


def json_value(value: Any, path: str = "$") -> Any:
    """A decoded CBOR value as JSON: maps with text keys, arrays, text, numbers, booleans,
    null; tag 0 date-time text and tag 1 epoch times as ISO text, RFC 8943 dates as
    ``YYYY-MM-DD``. Anything else (byte strings, other tags, non-text keys, NaN) is
    ``CLAIMS_INVALID``, naming where: a DCC is JSON.
    """
    try:
        return _json(value)
    except _NotJson as exc:
        where = path + "".join(reversed(exc.trail))
        raise _claims_error(f"{where}: {exc.reason}") from None


def parse_claims(payload: Mapping[Any, Any]) -> DccClaims:
    """Check the CWT claims iss, iat, exp and hcert; ``CLAIMS_INVALID`` when wrong."""
    return DccClaims(*_parse_claims(payload))


def _parse_claims(payload: Mapping[Any, Any]) -> tuple[str, int | float, int | float, Any]:
    """:func:`parse_claims` as the tuple ``(iss, iat, exp, hcert)``."""
    claims = _int_labels(payload)
    if CLAIM_ISS not in claims:
        raise _claims_error("claim 'iss' (1) missing")
    iss = claims[CLAIM_ISS]
    if type(iss) is not str:
        raise _claims_error("claim 'iss' (1) is not text")
    iat = _numeric_date(claims, CLAIM_IAT, "iat")
    exp = _numeric_date(claims, CLAIM_EXP, "exp")
    if CLAIM_HCERT not in claims:
        raise _claims_error("claim 'hcert' (-260) missing")
    hcert = claims[CLAIM_HCERT]
    if not _is_map(hcert):
        raise _claims_error("claim 'hcert' (-260) is not a map")
    present, dcc = _label(hcert, HCERT_EU_DCC_V1)
    if not present:
        raise _claims_error("hcert has no EU DCC (key 1)")
    if not _is_map(dcc):
        raise _claims_error("hcert[1] is not a map")
    return iss, iat, exp, json_value(dcc, "hcert")


# --- schema, certificate, key usage and time checks ---------------------------------


@dataclass(frozen=True, slots=True)
class _CompiledSchema:
    schema: Any
    #: ``jsonschema``'s validator: the reference, and the source of error messages.
    validator: Any
    #: :mod:`fastschema`'s predicate (``None`` if the schema is beyond its subset):
    #: only ever used to accept, so a wrong "invalid" would cost time, not correctness.
    is_valid: Callable[[Any], bool] | None


_COMPILED: dict[int, _CompiledSchema] = {}
_MAX_COMPILED: Final = 64


def _compiled(schema: Any) -> _CompiledSchema:
    """The compiled forms of ``schema``, cached (by identity) while it is in use."""
    cached = _COMPILED.get(id(schema))
    if cached is not None and cached.schema is schema:
        return cached
    import jsonschema  # imported on first use: a third of a PHI1-only command's start-up

    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    cls.check_schema(schema)
    # No format_checker: "format" stays an annotation, as draft 2020-12 specifies.
    compiled = _CompiledSchema(schema, cls(schema), compile_schema(schema))
    if len(_COMPILED) >= _MAX_COMPILED:
        _COMPILED.clear()
    _COMPILED[id(schema)] = compiled
    return compiled


def _path(error: Any) -> str:
    return "/".join(str(part) for part in error.absolute_path) or "(root)"


def certificate_type(hcert: Mapping[str, Any]) -> str:
    """``v``, ``t`` or ``r``: the one group the DCC holds, with exactly one entry."""
    has_v, has_t, has_r = "v" in hcert, "t" in hcert, "r" in hcert
    if has_v + has_t + has_r != 1:
        present = [key for key in DCC_TYPES if key in hcert]
        raise DccError(
            DccResult.SCHEMA_INVALID,
            f"holds {len(present)} of v/t/r ({', '.join(present) or 'none'}), not exactly one",
        )
    kind = "v" if has_v else "t" if has_t else "r"
    entries = hcert[kind]
    if not (type(entries) is list or isinstance(entries, list | tuple)) or len(entries) != 1:
        raise DccError(DccResult.SCHEMA_INVALID, f"'{kind}' does not hold exactly one entry")
    return kind


def validate_schema(hcert: Mapping[str, Any], schema: Any) -> None:
    """Validate a DCC (JSON form) against one schema, then the one-group-one-entry rule.

    ``SCHEMA_INVALID`` names the failing path and keyword, never the value (it may be
    personal data); ``UNSUPPORTED_VERSION`` if the schema itself is unusable (invalid, or
    referring outside itself: nothing is fetched), which is not the certificate's fault.
    """
    _validate_schema(hcert, schema)


def _validate_schema(hcert: Mapping[str, Any], schema: Any) -> str:
    """:func:`validate_schema`, returning the DCC's type (:func:`certificate_type`)."""
    compiled = _COMPILED.get(id(schema))
    if compiled is None or compiled.schema is not schema or compiled.is_valid is None:
        return _validate_schema_slowly(hcert, schema)
    if not compiled.is_valid(hcert):
        return _validate_schema_slowly(hcert, schema)
    return certificate_type(hcert)


def _validate_schema_slowly(hcert: Mapping[str, Any], schema: Any) -> str:
    import jsonschema
    import referencing.exceptions

    try:
        compiled = _compiled(schema)
        if compiled.is_valid is not None and compiled.is_valid(hcert):
            error = None
        else:
            error = jsonschema.exceptions.best_match(compiled.validator.iter_errors(hcert))
    except (jsonschema.exceptions.SchemaError, referencing.exceptions.Unresolvable) as exc:
        raise DccError(
            DccResult.UNSUPPORTED_VERSION, f"schema unusable: {type(exc).__name__}"
        ) from None
    if error is not None:
        raise DccError(DccResult.SCHEMA_INVALID, f"{_path(error)}: fails '{error.validator}'")
    return certificate_type(hcert)


_SEMVER: Final = re.compile(r"(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})\Z")


def schema_for(version: str, schemas: Mapping[str, Any]) -> Any | None:
    """The schema for ``version``: the one of that name, else the newest given schema of
    the same ``major.minor`` with a lower patch number (patch releases never change the
    structure; Ireland issued ``1.0.4`` DCCs, which no schema release is named after),
    else ``None``. A newer minor version is never guessed: that needs an app update.
    """
    exact = schemas.get(version)
    if exact is not None:
        return exact
    wanted = _SEMVER.match(version)
    if wanted is None:
        return None
    best: tuple[int, Any] | None = None
    for name, schema in schemas.items():
        given = _SEMVER.match(name) if isinstance(name, str) else None
        if given is None or given.group(1, 2) != wanted.group(1, 2):
            continue
        patch = int(given.group(3))
        if patch < int(wanted.group(3)) and (best is None or patch > best[0]):
            best = (patch, schema)
    return best[1] if best is not None else None


def check_schema(hcert: Mapping[str, Any], schemas: Mapping[str, Any]) -> None:
    """Validate the DCC against the schema its ``ver`` names (:func:`schema_for`,
    :func:`validate_schema`); ``UNSUPPORTED_VERSION`` when there is none.
    """
    _check_schema(hcert, schemas)


def _check_schema(hcert: Mapping[str, Any], schemas: Mapping[str, Any]) -> str:
    """:func:`check_schema`, returning the DCC's type (:func:`certificate_type`)."""
    version = hcert.get("ver")
    if type(version) is not str:
        raise DccError(DccResult.SCHEMA_INVALID, "'ver' missing or not text")
    schema = schema_for(version, schemas)
    if schema is None:
        raise DccError(DccResult.UNSUPPORTED_VERSION, f"no schema for ver {version[:20]!r}")
    return _validate_schema(hcert, schema)


def check_certificate_validity(signer: DccSigner, now: int) -> None:
    """``CERT_NOT_VALID`` unless ``not_before <= now <= not_after``."""
    if not signer.not_before <= now <= signer.not_after:
        raise DccError(DccResult.CERT_NOT_VALID, "signing certificate not valid at this time")


def check_key_usage(signer: DccSigner, hcert: Mapping[str, Any]) -> None:
    """``KEY_USAGE_MISMATCH`` when the certificate's extended key usage excludes this type."""
    _check_key_usage(signer, certificate_type(hcert))


def _check_key_usage(signer: DccSigner, kind: str) -> None:
    usage = signer.extended_key_usage
    if usage and not usage & TYPE_KEY_USAGES[kind]:
        raise DccError(
            DccResult.KEY_USAGE_MISMATCH, f"signing certificate may not sign type '{kind}'"
        )


def check_expiration(claims: DccClaims, now: int) -> None:
    """``EXPIRED`` when ``now`` is after ``exp`` (the ``exp`` second itself is valid)."""
    _check_expiration(claims.exp, now)


def _check_expiration(exp: int | float, now: int) -> None:
    if now > exp:
        raise DccError(DccResult.EXPIRED, "past the CWT exp")


# --- the verifier ---------------------------------------------------------------------


def verify_dcc(text: str, trust: DccTrust, schemas: Mapping[str, Any], now: int) -> Verification:
    """Verify one QR text at ``now`` (epoch seconds); never raises for any text."""
    # The step functions above, in their order, without the wrappers that only turn a
    # CodecError into a DccError (done once, around the decoding) or look the type up twice.
    claims: dict[str, Any] | None = None
    try:
        body = unprefix(text)
        try:
            cose = _decode_cose(inflate_bounded(b45decode(body), MAX_INFLATED_BYTES))
        except CodecError as exc:
            raise _codec(exc) from None
        protected_bytes, protected, unprotected, payload_bytes, signature = cose
        payload = _decode_payload(payload_bytes)
        alg, kid = _algorithm_and_kid(protected, unprotected)
        candidates = trust.candidates(kid) if kid is not None else ()
        if not candidates:
            raise DccError(DccResult.UNKNOWN_KEY, "no trusted signing certificate for the kid")
        message = sig_structure(protected_bytes, payload_bytes)
        for signer in candidates:
            if _verify(signer, alg, signature, message):
                break
        else:
            raise DccError(DccResult.BAD_SIGNATURE, "no certificate with that kid verifies it")
        iss, iat, exp, hcert = _parse_claims(payload)
        claims = {"iss": iss, "iat": iat, "exp": exp, "hcert": hcert}  # DccClaims.to_json()
        kind = _check_schema(hcert, schemas)
        check_certificate_validity(signer, now)
        _check_key_usage(signer, kind)
        _check_expiration(exp, now)
        return Verification(CodeFormat.DCC, DccResult.VALID, claims)
    except DccError as exc:
        return Verification(CodeFormat.DCC, exc.code, claims, exc.detail)


# --- issuing (demo issuer and tests) ----------------------------------------------------


def encode_dcc(
    claims: Mapping[Any, Any],
    kid: bytes,
    private_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
    *,
    protected: Mapping[Any, Any] | None = None,
    unprotected: Mapping[Any, Any] | None = None,
    tagged: bool = True,
) -> str:
    """Issue an ``HC1:`` text whose payload is the CBOR of ``claims``.

    The algorithm follows the key (ES256 for P-256, PS256 for RSA 2048+; other keys are
    a :class:`ValueError`); by default ``alg`` and ``kid`` go in the protected header.
    ``protected``/``unprotected`` replace the headers as given (tests use them to move
    or break the kid).
    """
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        if not isinstance(private_key.curve, ec.SECP256R1):
            raise ValueError("ES256 needs a P-256 key")
        alg = ALG_ES256
    elif isinstance(private_key, rsa.RSAPrivateKey) and private_key.key_size >= MIN_RSA_BITS:
        alg = ALG_PS256
    else:
        raise ValueError("DCCs are signed with P-256 (ES256) or RSA 2048+ (PS256) keys")
    prot = dict(protected) if protected is not None else {HEADER_ALG: alg, HEADER_KID: kid}
    protected_bytes = cbor2.dumps(prot) if prot else b""
    payload = cbor2.dumps(dict(claims))
    unsigned = CoseSign1(protected_bytes, prot, dict(unprotected or {}), payload, b"")
    to_sign = unsigned.sig_structure()
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        r, s = utils.decode_dss_signature(private_key.sign(to_sign, _ECDSA_SHA256))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    else:
        signature = private_key.sign(to_sign, _PSS_SHA256, _SHA256)
    body = [protected_bytes, dict(unprotected or {}), payload, signature]
    cose = cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, body) if tagged else body)
    return PREFIX + b45encode(zlib.compress(cose, 9))
