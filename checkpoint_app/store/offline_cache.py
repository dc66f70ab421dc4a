"""The offline cache: trust material the station verifies against with no network.

Two places (DESIGN.md §7, layout in ``offline_cache/README.md``):

* the **seed** ``offline_cache/`` shipped with the app, read-only; its ``demo/``
  folder (demo issuer's trust list and revocations, a demo DCC signer) is loaded
  only in demo mode;
* the **runtime cache** ``<data dir>/cache/``, written by the sync when the
  central API hands out a newer list: one JSON envelope per list,
  ``{"format": "checkpoint-cache/1", "fetched_at": <epoch s>, "source": "...",
  "content": {...}}``, replaced atomically.

Every item remembers when it was fetched, so the UI can show its age.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from checkpoint_app.dcc_schemas import default_schema_dir, load_dcc_schemas
from checkpoint_app.domain.dcc import DccSigner, DccTrust, parse_dcc_certificate
from checkpoint_app.domain.trust import (
    Revocations,
    TrustList,
    TrustListError,
    merge_revocations,
    merge_trust_lists,
    parse_revocations,
    parse_trust_list,
)
from checkpoint_app.domain.verifier import Verifier
from checkpoint_app.paths import seed_dir

ENVELOPE_FORMAT = "checkpoint-cache/1"
TRUST_LIST = "phi1_trust_list"
REVOCATIONS = "phi1_revocations"
DCC_SIGNERS = "dcc_signers"
MAX_CACHE_FILE_BYTES = 64 * 1024 * 1024

T = TypeVar("T")


class CacheError(Exception):
    """A cache or trust file cannot be used; the message names the file and the problem."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True, slots=True)
class CacheItem:
    """One list in use, where it came from and when it was fetched (epoch s, None if unknown)."""

    name: str
    source: str
    fetched_at: int | None
    version: int | None = None
    entries: int = 0

    def age(self, now: int) -> int | None:
        return None if self.fetched_at is None else max(0, now - self.fetched_at)


@dataclass(frozen=True, slots=True)
class CacheSnapshot:
    """The trust material in force, ready to verify with, and what it is made of."""

    verifier: Verifier
    items: tuple[CacheItem, ...]
    demo: bool

    def item(self, name: str) -> CacheItem | None:
        return next((i for i in self.items if i.name == name), None)


def _read_bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_CACHE_FILE_BYTES + 1)
    except OSError as exc:
        raise CacheError(path, f"cannot read file ({exc.strerror or exc})") from None
    if len(data) > MAX_CACHE_FILE_BYTES:
        raise CacheError(path, f"file larger than {MAX_CACHE_FILE_BYTES} bytes")
    return data


def _read_json(path: Path) -> Any:
    data = _read_bytes(path)
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise CacheError(path, f"not valid JSON ({exc})") from None


def _unwrap(doc: Any) -> tuple[Any, int | None, str | None]:
    """Accept a cache envelope or the bare list document."""
    if isinstance(doc, dict) and doc.get("format") == ENVELOPE_FORMAT:
        fetched = doc.get("fetched_at")
        source = doc.get("source")
        return (
            doc.get("content"),
            fetched if type(fetched) is int else None,
            source if isinstance(source, str) else None,
        )
    return doc, None, None


def _parse(path: Path, parser: Callable[[Any], T]) -> tuple[T, int | None, str | None]:
    content, fetched_at, source = _unwrap(_read_json(path))
    try:
        return parser(content), fetched_at, source
    except TrustListError as exc:
        raise CacheError(path, str(exc)) from None


def read_trust_list_file(path: Path) -> TrustList:
    """A PHI1 trust list file (bare ``trust_list.json`` or a cache envelope)."""
    return _parse(path, parse_trust_list)[0]


def read_revocations_file(path: Path) -> Revocations:
    """A PHI1 revocation list file (bare ``revocations.json`` or a cache envelope)."""
    return _parse(path, parse_revocations)[0]


def read_dcc_cert_file(path: Path) -> list[DccSigner]:
    """An X.509 document signer certificate, PEM (one or more) or DER."""
    data = _read_bytes(path)
    try:
        if b"-----BEGIN" in data:
            blocks = data.split(b"-----END CERTIFICATE-----")
            pems = [b + b"-----END CERTIFICATE-----\n" for b in blocks if b"-----BEGIN" in b]
            return [parse_dcc_certificate(pem) for pem in pems]
        return [parse_dcc_certificate(data)]
    except ValueError as exc:
        raise CacheError(path, f"not an X.509 certificate ({exc})") from None


def _parse_dcc_signers(content: Any) -> list[DccSigner]:
    if not isinstance(content, dict) or not isinstance(content.get("certificates"), list):
        raise TrustListError("'certificates' must be a list of base64 DER certificates")
    signers = []
    for index, item in enumerate(content["certificates"]):
        try:
            signers.append(parse_dcc_certificate(base64.b64decode(item, validate=True)))
        except (TypeError, ValueError, binascii.Error) as exc:
            raise TrustListError(f"certificate #{index}: {exc}") from None
    return signers


def cache_dir(data_dir: Path) -> Path:
    return data_dir / "cache"


def write_cache_item(
    data_dir: Path, name: str, content: Any, *, fetched_at: int, source: str
) -> Path:
    """Replace one runtime cache list atomically (write, fsync, rename)."""
    folder = cache_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.json"
    envelope = {
        "format": ENVELOPE_FORMAT,
        "fetched_at": fetched_at,
        "source": source,
        "content": content,
    }
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(envelope, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _mtime(path: Path) -> int | None:
    try:
        return int(path.stat().st_mtime)
    except OSError:
        return None


def _cache_item(name: str, source: str, fetched_at: int | None, value: Any) -> CacheItem:
    if isinstance(value, TrustList):
        return CacheItem(name, source, fetched_at, value.version, len(value.keys))
    if isinstance(value, Revocations):
        return CacheItem(name, source, fetched_at, value.version, len(value.cids))
    return CacheItem(name, source, fetched_at, None, len(value))  # DCC signers


def load_cache(
    data_dir: Path | None,
    *,
    demo: bool = False,
    seed: Path | None = None,
    schema_dir: Path | None = None,
) -> CacheSnapshot:
    """Load the trust material in force: the runtime cache, plus the demo seed in demo mode.

    Raises :class:`CacheError` naming the file when a present file is unusable.
    """
    seed = seed or seed_dir()
    loaded: dict[str, list[Any]] = {TRUST_LIST: [], REVOCATIONS: [], DCC_SIGNERS: []}
    items: list[CacheItem] = []

    if data_dir is not None:
        parsers: dict[str, Callable[[Any], Any]] = {
            TRUST_LIST: parse_trust_list,
            REVOCATIONS: parse_revocations,
            DCC_SIGNERS: _parse_dcc_signers,
        }
        for name, parser in parsers.items():
            path = cache_dir(data_dir) / f"{name}.json"
            if path.is_file():
                value, fetched, source = _parse(path, parser)
                loaded[name].append(value)
                items.append(_cache_item(name, source or "cache", fetched, value))

    if demo:
        demo_dir = seed / "demo"
        readers: dict[str, tuple[Path, Callable[[Path], Any]]] = {
            TRUST_LIST: (demo_dir / f"{TRUST_LIST}.json", read_trust_list_file),
            REVOCATIONS: (demo_dir / f"{REVOCATIONS}.json", read_revocations_file),
            DCC_SIGNERS: (demo_dir / "dcc_signer.pem", read_dcc_cert_file),
        }
        for name, (path, reader) in readers.items():
            value = reader(path)
            if name == TRUST_LIST and not value.demo:
                raise CacheError(path, "the seed trust list is not marked demo-only")
            loaded[name].append(value)
            items.append(_cache_item(f"{name} (demo)", "seed (demo)", _mtime(path), value))

    verifier = Verifier(
        trust_list=merge_trust_lists(loaded[TRUST_LIST])
        if loaded[TRUST_LIST]
        else TrustList.empty(),
        revocations=merge_revocations(loaded[REVOCATIONS]),
        dcc_trust=DccTrust.of(signer for found in loaded[DCC_SIGNERS] for signer in found),
        dcc_schemas=load_dcc_schemas(schema_dir or default_schema_dir()),
    )
    return CacheSnapshot(verifier=verifier, items=tuple(items), demo=demo)
