"""The reference server under real uvicorn on 127.0.0.1: concurrency, TLS, headers."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from central_chain import Chain
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import func, select

from central import db as tables
from central.app import create_app
from central.server import ServeError, ServerHandle, run_in_thread
from central.store import Central

CHECKPOINT = "BJW-GATE"
CLIENTS = 20
EVENTS_PER_CLIENT = 600
BATCH = 200


@pytest.fixture
def server(central: Central, database_url: str) -> Iterator[ServerHandle]:
    central.create_checkpoint(CHECKPOINT, "北京西站 南门")
    handle = run_in_thread(create_app(database_url, central))
    yield handle
    handle.stop()


@pytest.fixture
def sessions() -> Iterator[list[requests.Session]]:
    opened: list[requests.Session] = []
    yield opened
    for session in opened:
        session.close()


def enrol(
    url: str, central: Central, chain: Chain, opened: list[requests.Session]
) -> requests.Session:
    code = central.new_enrolment_code(CHECKPOINT)["code"]
    reply = requests.post(
        f"{url}/v1/devices",
        json={"enrolment_code": code, "device_id": chain.device_id, "name": "gate"},
        timeout=10,
    )
    assert reply.status_code == 201, reply.text
    session = requests.Session()
    opened.append(session)
    session.headers["Authorization"] = f"Bearer {reply.json()['token']}"
    return session


def test_twenty_clients_at_once_store_every_event_exactly_once(
    server: ServerHandle, central: Central, database_url: str, sessions: list[requests.Session]
) -> None:
    chains = [Chain() for _ in range(CLIENTS)]
    for chain in chains:
        enrol(server.url, central, chain, sessions)
    planned = [chain.events(EVENTS_PER_CLIENT) for chain in chains]
    tally: Counter[str] = Counter()
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def client(index: int) -> None:
        session, events = sessions[index], planned[index]
        start.wait()
        for offset in range(0, len(events), BATCH):
            batch = events[offset : offset + BATCH]
            body = {
                "chain_head": {"seq": batch[-1]["seq"], "hash": batch[-1]["hash"]},
                "events": batch,
            }
            for _ in range(2 if offset == 0 else 1):  # the first batch is retried: duplicates
                reply = session.post(f"{server.url}/v1/events:batch", json=body, timeout=60)
                if reply.status_code != 200:
                    with lock:
                        errors.append(f"{reply.status_code} {reply.text[:200]}")
                    return
                with lock:
                    tally.update(r["status"] for r in reply.json()["results"])

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    seconds = time.perf_counter() - began
    assert not errors, errors[:3]
    total = CLIENTS * EVENTS_PER_CLIENT
    assert tally == {"accepted": total, "duplicate": CLIENTS * BATCH}
    with central.db.read() as conn:
        count, distinct = conn.execute(
            select(func.count(), func.count(tables.events.c.event_id.distinct()))
        ).one()
    assert count == distinct == total
    # the feed hands out each event once, every device's chain in its order
    seen: list[dict[str, Any]] = []
    after = None
    while True:
        params: dict[str, Any] = {"limit": 1000} | ({"after": after} if after else {})
        page = sessions[0].get(f"{server.url}/v1/events", params=params, timeout=30).json()
        seen += page["events"]
        after = page["next"]
        if not page["more"]:
            break
    assert len(seen) == len({e["event_id"] for e in seen}) == total
    for chain in chains:
        seqs = [e["seq"] for e in seen if e["device_id"] == chain.device_id]
        assert seqs == list(range(1, EVENTS_PER_CLIENT + 1))
    rate = total / seconds
    print(f"{total} events from {CLIENTS} clients in {seconds:.2f} s: {rate:,.0f} events/s")
    if database_url.startswith("sqlite"):
        assert rate >= 2000, f"{rate:.0f} events/s, the target is 2,000"


def test_one_batch_raced_by_many_connections_is_stored_once(
    server: ServerHandle, central: Central, sessions: list[requests.Session]
) -> None:
    chain = Chain()
    session = enrol(server.url, central, chain, sessions)
    body = chain.batch(chain.events(300))
    token = session.headers["Authorization"]
    replies: list[dict[str, Any]] = []
    start = threading.Barrier(12)

    def send() -> None:
        start.wait()
        reply = requests.post(
            f"{server.url}/v1/events:batch", json=body, headers={"Authorization": token}, timeout=60
        )
        assert reply.status_code == 200, reply.text
        replies.append(reply.json())

    threads = [threading.Thread(target=send) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(replies) == 12
    for index in range(300):
        outcome = Counter(reply["results"][index]["status"] for reply in replies)
        assert outcome == {"accepted": 1, "duplicate": 11}
    with central.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(tables.events)).scalar_one() == 300


def test_every_answer_has_a_date_header(server: ServerHandle) -> None:
    reply = requests.get(f"{server.url}/v1/trust-list", timeout=10)
    assert reply.status_code == 401
    assert reply.json()["error"] == "unauthorized"
    sent = dt.datetime.strptime(reply.headers["Date"], "%a, %d %b %Y %H:%M:%S GMT")
    assert abs(sent.replace(tzinfo=dt.UTC).timestamp() - time.time()) < 60


def _self_signed(folder: Path) -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    import ipaddress

    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path)


def test_tls_is_served_with_the_given_certificate(sqlite_url: str, tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    with run_in_thread(create_app(sqlite_url), tls_cert=cert, tls_key=key) as handle:
        assert handle.url.startswith("https://127.0.0.1:")
        reply = requests.get(f"{handle.url}/v1/rules", verify=cert, timeout=10)
        assert reply.status_code == 401
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(f"{handle.url}/v1/rules", timeout=10)  # not signed by a trusted CA


def test_plain_http_only_on_loopback(sqlite_url: str, tmp_path: Path) -> None:
    for host in ("0.0.0.0", "192.0.2.10", "example.com", "::"):
        with pytest.raises(ServeError, match="loopback"):
            run_in_thread(object(), host=host)
    with pytest.raises(ServeError, match="both --tls-cert and --tls-key"):
        run_in_thread(object(), tls_cert=str(tmp_path / "cert.pem"))
    with pytest.raises(ServeError, match="no such file"):
        run_in_thread(object(), tls_cert=str(tmp_path / "c.pem"), tls_key=str(tmp_path / "k.pem"))
    app = create_app(sqlite_url)
    with run_in_thread(app, host="::1") as handle:
        assert handle.url.startswith("http://[::1]:")
        assert requests.get(f"{handle.url}/v1/rules", timeout=10).status_code == 401
