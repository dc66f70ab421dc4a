"""The decoding layers shared by PHI1 and EU DCC: Base45, bounded zlib, CBOR, COSE_Sign1.

Every function here takes untrusted bytes and either returns a value or raises
:class:`CodecError` with a result code (``MALFORMED`` or ``TOO_LARGE``): never
another exception, never unbounded memory.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

import base45
import cbor2

MALFORMED: Final = "MALFORMED"
TOO_LARGE: Final = "TOO_LARGE"

#: COSE_Sign1 is CBOR tag 18 (RFC 9052).
COSE_SIGN1_TAG: Final = 18
#: COSE header labels (RFC 9052 §3.1).
HEADER_ALG: Final = 1
HEADER_KID: Final = 4
#: Nesting depth allowed in any CBOR item we decode (claims are shallow; the DCC
#: payload nests about six levels).
MAX_CBOR_DEPTH: Final = 32


class CodecError(Exception):
    """A decoding layer failed; ``code`` is the verification result it maps to."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def _keep_tag(tag: int) -> Any:
    # cbor2 6.x calls a semantic decoder with the tag's content, already decoded, and
    # the "immutable" flag (not with the decoder, as 5.x hooks were).
    def decode(value: Any, _immutable: bool) -> cbor2.CBORTag:
        return cbor2.CBORTag(tag, value)

    return decode


# cbor2 turns these tags into Python values (bignums into int, dates into datetime,
# regular expressions compiled from the input, shared references, sets, IP addresses,
# ...); untrusted input must not be compiled or resolved, and a claim must be told
# apart from such a value, so every tag cbor2 knows stays a CBORTag object.
_SEMANTIC_AS_TAGS: Final = {
    tag: _keep_tag(tag)
    for tag in (
        0,
        1,
        2,
        3,
        4,
        5,
        25,
        28,
        29,
        30,
        35,
        36,
        37,
        52,
        54,
        100,
        256,
        258,
        260,
        261,
        270,
        1004,
        55799,
    )
}


_B45_ALPHABET: Final = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
#: Byte -> its Base45 digit, 0xFF for bytes outside the alphabet.
_B45_DIGITS: Final = bytes(_B45_ALPHABET.find(bytes([b])) & 0xFF for b in range(256))


_B45_MASKS: dict[int, tuple[int, int]] = {}


def _b45_masks(groups: int) -> tuple[int, int]:
    """``(low, high)``: the low byte, and the top byte, of each of ``groups`` 3-byte lanes.

    Remembered per length: a scanner sees few distinct lengths, and building them took
    0.7 us of the 5 a DCC's decoding took."""
    masks = _B45_MASKS.get(groups)
    if masks is None:
        masks = (
            int.from_bytes(b"\x00\x00\xff" * groups, "big"),
            int.from_bytes(b"\xff\x00\x00" * groups, "big"),
        )
        if groups <= 2048:  # never let odd lengths fill memory
            if len(_B45_MASKS) >= 64:
                _B45_MASKS.clear()
            _B45_MASKS[groups] = masks
    return masks


def b45decode(text: str) -> bytes:
    """RFC 9285 Base45 decoding; any invalid character or length is ``MALFORMED``.

    Accepts exactly what ``base45.b45decode`` accepts (trailing newlines are ignored)
    but runs in C loops: the digits, read as one big integer, hold each 3-digit group
    in a 3-byte lane, so ``d0 + 45*d1 + 2025*d2`` for every group at once takes a few
    shifts, masks and two multiplications (a lane holds at most 91124 < 2**24, so no
    carry crosses lanes; a non-zero top byte means the group exceeds 65535). The
    pure-Python package took 50-90 us per DCC, more than the signature check after it.
    """
    if not isinstance(text, str):
        raise CodecError(MALFORMED, f"base45: expected text, got {type(text).__name__}")
    try:
        raw = text.rstrip("\n").encode("ascii")
    except UnicodeEncodeError:
        raise CodecError(MALFORMED, "base45: non-ASCII character") from None
    digits = raw.translate(_B45_DIGITS)
    if b"\xff" in digits:
        raise CodecError(MALFORMED, "base45: character outside the Base45 alphabet")
    groups, rest = divmod(len(digits), 3)
    if rest == 1:
        raise CodecError(MALFORMED, "base45: length leaves a single trailing character")
    out = bytearray(2 * groups)
    if groups:
        # Group k is bytes d0 d1 d2 of ``every``; masking its shifts picks each digit.
        every = int.from_bytes(digits[: 3 * groups] if rest else digits, "big")
        low, high = _b45_masks(groups)
        total = (every >> 16 & low) + 45 * (every >> 8 & low) + 2025 * (every & low)
        if total & high:
            raise CodecError(MALFORMED, "base45: a 3-character group exceeds 65535")
        packed = total.to_bytes(3 * groups, "big")
        out[0::2] = packed[1::3]
        out[1::2] = packed[2::3]
    if rest == 2:
        last = digits[-2] + 45 * digits[-1]
        if last > 0xFF:
            raise CodecError(MALFORMED, "base45: the final 2-character group exceeds 255")
        out.append(last)
    return bytes(out)


def b45encode(data: bytes) -> str:
    """RFC 9285 Base45 encoding."""
    return str(base45.b45encode(data).decode("ascii"))


def inflate_bounded(data: bytes, limit: int) -> bytes:
    """Inflate exactly one RFC 1950 zlib stream, never producing more than ``limit`` bytes.

    Output past ``limit`` is ``TOO_LARGE`` (decompression stops there, so a zip bomb
    costs at most ``limit + 1`` bytes); a truncated stream, a bad Adler-32 or bytes
    after the end of the stream are ``MALFORMED``.
    """
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise CodecError(MALFORMED, f"zlib: {exc}") from None
    if len(out) > limit:
        raise CodecError(TOO_LARGE, f"zlib: inflates past {limit} bytes")
    if not inflater.eof:
        raise CodecError(MALFORMED, "zlib: incomplete stream")
    if inflater.unused_data:
        raise CodecError(MALFORMED, "zlib: bytes after the end of the stream")
    return out


def cbor_decode_one(data: bytes) -> Any:
    """Decode exactly one CBOR item; trailing bytes, nesting past the bound and
    duplicate map keys are ``MALFORMED``. Semantic tags stay :class:`cbor2.CBORTag`."""
    stream = io.BytesIO(data)
    try:
        decoder = cbor2.CBORDecoder(
            stream,
            semantic_decoders=_SEMANTIC_AS_TAGS,
            max_depth=MAX_CBOR_DEPTH,
            allow_duplicate_keys=False,
        )
        item = decoder.decode()
    except (
        cbor2.CBORError,
        ValueError,
        TypeError,
        OverflowError,
        RecursionError,
        MemoryError,
    ) as exc:
        raise CodecError(MALFORMED, f"cbor: {exc}") from None
    if stream.tell() != len(data):
        raise CodecError(MALFORMED, "cbor: trailing bytes after the item")
    return item


@dataclass(frozen=True, slots=True)
class CoseSign1:
    """The four parts of a COSE_Sign1 structure, headers decoded."""

    protected_bytes: bytes
    protected: Mapping[Any, Any]
    unprotected: Mapping[Any, Any]
    payload: bytes
    signature: bytes

    def sig_structure(self) -> bytes:
        """The ``Sig_structure`` the signature covers (RFC 9052 §4.4, no external AAD)."""
        return sig_structure(self.protected_bytes, self.payload)


def sig_structure(protected_bytes: bytes, payload: bytes) -> bytes:
    """The COSE_Sign1 ``Sig_structure``, the CBOR array ``["Signature1", protected_bytes,
    h'', payload]``, written directly: the bytes ``cbor2.dumps`` gives, in a third of the
    time."""
    return b"".join(
        (
            _SIG1_HEAD,
            _bstr_head(len(protected_bytes)),
            protected_bytes,
            b"\x40",
            _bstr_head(len(payload)),
            payload,
        )
    )


#: A 4-element array, then the text "Signature1".
_SIG1_HEAD: Final = b"\x84\x6aSignature1"


def _bstr_head(length: int) -> bytes:
    """The shortest CBOR head of a byte string of ``length`` bytes (RFC 8949 §3)."""
    if length < 24:
        return bytes((0x40 + length,))
    if length < 0x100:
        return bytes((0x58, length))
    if length < 0x10000:
        return b"\x59" + length.to_bytes(2, "big")
    if length < 0x100000000:
        return b"\x5a" + length.to_bytes(4, "big")
    return b"\x5b" + length.to_bytes(8, "big")


_HEADER_CACHE: dict[bytes, Mapping[Any, Any]] = {}
_HEADER_CACHE_SIZE: Final = 256
_EMPTY_HEADER: Final[Mapping[Any, Any]] = MappingProxyType({})


def _protected_header(data: bytes) -> Mapping[Any, Any]:
    """The decoded protected header, read-only; every code of one signer carries the same
    bytes, so the few distinct headers in use are decoded once and remembered."""
    if not data:
        return _EMPTY_HEADER
    cached = _HEADER_CACHE.get(data)
    if cached is not None:
        return cached
    decoded = cbor_decode_one(data)
    if not isinstance(decoded, Mapping):
        raise CodecError(MALFORMED, "cose: protected header is not a map")
    header: Mapping[Any, Any] = decoded
    if len(data) <= 64:  # real headers are ~15 bytes; never let odd ones fill memory
        if len(_HEADER_CACHE) >= _HEADER_CACHE_SIZE:
            _HEADER_CACHE.clear()
        header = _HEADER_CACHE[data] = MappingProxyType(dict(header))
    return header


#: What cbor2 (6.x) gives for a map inside a tag: tested by type before the ABC check,
#: which takes longer for it than the rest of :func:`cose_sign1_parts` together.
_FROZEN_MAP: Final[type] = getattr(cbor2, "frozendict", dict)

CoseParts = tuple[bytes, Mapping[Any, Any], Mapping[Any, Any], bytes, bytes]


def cose_sign1_parts(item: Any) -> CoseParts:
    """:func:`parse_cose_sign1` as the tuple of the :class:`CoseSign1` fields (for a
    verifier that needs no object: a frozen dataclass takes 0.6 us to build)."""
    # The exact type tests first: they are what cbor2 gives, and skip the ABC machinery.
    if type(item) is cbor2.CBORTag:  # a final class
        if item.tag != COSE_SIGN1_TAG:
            raise CodecError(MALFORMED, f"cose: outer tag {item.tag} is not 18")
        item = item.value
    kind = type(item)
    if not (kind is tuple or kind is list or isinstance(item, list | tuple)) or len(item) != 4:
        raise CodecError(MALFORMED, "cose: not a 4-element COSE_Sign1 array")
    protected_bytes, unprotected, payload, signature = item
    if not isinstance(protected_bytes, bytes):
        raise CodecError(MALFORMED, "cose: protected header is not a byte string")
    protected = _protected_header(protected_bytes)
    kind = type(unprotected)
    if not (kind is _FROZEN_MAP or kind is dict or isinstance(unprotected, Mapping)):
        raise CodecError(MALFORMED, "cose: unprotected header is not a map")
    if not isinstance(payload, bytes):
        raise CodecError(MALFORMED, "cose: payload is not a byte string")
    if not isinstance(signature, bytes):
        raise CodecError(MALFORMED, "cose: signature is not a byte string")
    return protected_bytes, protected, unprotected, payload, signature


def parse_cose_sign1(item: Any) -> CoseSign1:
    """Check the COSE_Sign1 shape: tag 18 or untagged, four elements, typed parts."""
    return CoseSign1(*cose_sign1_parts(item))


def encode_cose_sign1(
    protected: dict[Any, Any], payload: bytes, sign: Any, *, tagged: bool = True
) -> bytes:
    """Build a COSE_Sign1 whose signature is ``sign(sig_structure_bytes)`` (for issuers and tests)."""
    protected_bytes = cbor2.dumps(protected) if protected else b""
    unsigned = CoseSign1(protected_bytes, protected, {}, payload, b"")
    signature = sign(unsigned.sig_structure())
    body = [protected_bytes, {}, payload, signature]
    return cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, body) if tagged else body)
