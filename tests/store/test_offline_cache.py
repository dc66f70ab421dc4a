from __future__ import annotations

import json
from pathlib import Path

import pytest
from phi1_factory import NOW, Issuer

from checkpoint_app.paths import seed_dir
from checkpoint_app.store.offline_cache import (
    CacheError,
    load_cache,
    read_trust_list_file,
    write_cache_item,
)


def test_empty_station_trusts_nothing(tmp_path: Path) -> None:
    snapshot = load_cache(tmp_path)
    assert snapshot.items == ()
    assert snapshot.verifier.trust_list.keys == {}
    assert not snapshot.demo


def test_demo_mode_trusts_the_demo_seed_only_then(tmp_path: Path) -> None:
    snapshot = load_cache(tmp_path, demo=True)
    assert snapshot.demo and snapshot.verifier.trust_list.demo
    assert len(snapshot.verifier.trust_list.keys) == 1
    assert {i.source for i in snapshot.items} == {"seed (demo)"}
    assert len(snapshot.verifier.revocations.cids) == 1


def test_seed_trust_list_is_marked_demo() -> None:
    assert read_trust_list_file(seed_dir() / "demo" / "phi1_trust_list.json").demo


def test_cache_items_carry_their_fetch_time(tmp_path: Path) -> None:
    issuer = Issuer()
    write_cache_item(
        tmp_path, "phi1_trust_list", issuer.trust_doc(), fetched_at=NOW - 90, source="central"
    )
    write_cache_item(
        tmp_path,
        "phi1_revocations",
        {"version": 4, "cids": ["a" * 26]},
        fetched_at=NOW,
        source="central",
    )
    snapshot = load_cache(tmp_path)
    trust = snapshot.item("phi1_trust_list")
    assert (
        trust is not None
        and trust.fetched_at == NOW - 90
        and trust.age(NOW) == 90
        and trust.entries == 1
    )
    revocations = snapshot.item("phi1_revocations")
    assert revocations is not None and revocations.version == 4
    assert issuer.kid in snapshot.verifier.trust_list.keys


def test_write_is_atomic_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    for version in range(3):
        write_cache_item(
            tmp_path,
            "phi1_revocations",
            {"version": version, "cids": []},
            fetched_at=NOW,
            source="t",
        )
    files = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert files == ["phi1_revocations.json"]
    assert json.loads((tmp_path / "cache" / files[0]).read_text())["content"]["version"] == 2


def test_unusable_cache_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "cache").mkdir()
    bad = tmp_path / "cache" / "phi1_trust_list.json"
    bad.write_text('{"format": "checkpoint-cache/1", "fetched_at": 1, "content": {"version": 1}}')
    with pytest.raises(CacheError) as info:
        load_cache(tmp_path)
    assert info.value.path == bad and "issued_at" in info.value.problem


def test_dcc_signers_from_the_cache(tmp_path: Path) -> None:
    import base64

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    pem = (seed_dir() / "demo" / "dcc_signer.pem").read_bytes()
    der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    write_cache_item(
        tmp_path,
        "dcc_signers",
        {"certificates": [base64.b64encode(der).decode()]},
        fetched_at=NOW,
        source="t",
    )
    snapshot = load_cache(tmp_path)
    assert len(snapshot.verifier.dcc_trust) == 1
