"""Running the API under uvicorn: in the foreground (``checkpoint-central serve``) or in
a background thread on an ephemeral port (the demo launcher and the tests).

Plain HTTP is served on loopback addresses only (``127.0.0.0/8``, ``::1``,
``localhost``); any other address needs TLS (``--tls-cert`` and ``--tls-key``),
DESIGN.md §6.
"""

from __future__ import annotations

import asyncio
import ipaddress
import signal
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn


class ServeError(Exception):
    """The server cannot start as asked; the message says what to do."""


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_tls(host: str, cert: str | None, key: str | None) -> None:
    if (cert is None) != (key is None):
        raise ServeError("give both --tls-cert and --tls-key (PEM files), or neither")
    for option, path in (("--tls-cert", cert), ("--tls-key", key)):
        if path is not None and not Path(path).is_file():
            raise ServeError(f"{option} {path}: no such file")
    if cert is None and not is_loopback(host):
        raise ServeError(
            f"refusing plain HTTP on {host}: it is not a loopback address. Serve other machines "
            "over HTTPS with --tls-cert CERT.pem --tls-key KEY.pem, or use --host 127.0.0.1"
        )


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (port 0: any free port), or :class:`ServeError`."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ServeError(f"cannot resolve --host {host}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise ServeError(
            f"cannot listen on {host}:{port} ({exc.strerror}): choose another --port"
        ) from None
    return sock


class _Server(uvicorn.Server):
    """uvicorn's server that, once its graceful shutdown is over, aborts the connections
    still open. A TLS client that left without a close_notify (most do) leaves its
    connection waiting for asyncio's 30 s SSL shutdown timeout, past the event loop."""

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await super().shutdown(sockets)
        for connection in list(self.server_state.connections):
            transport = getattr(connection, "transport", None)
            if transport is not None:
                transport.abort()
        for _ in range(3):  # let connection_lost run
            await asyncio.sleep(0)


def _config(app: Any, host: str, port: int, grace_s: int, **options: Any) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        lifespan="on",
        timeout_graceful_shutdown=grace_s,
        **options,
    )


def serve(
    app: Any,
    host: str,
    port: int,
    *,
    tls_cert: str | None = None,
    tls_key: str | None = None,
    log_level: str = "info",
) -> None:
    """Serve in the foreground until SIGTERM (then return) or SIGINT (KeyboardInterrupt)."""
    check_tls(host, tls_cert, tls_key)
    sock = bind(host, port)
    config = _config(
        app, host, port, 5, ssl_certfile=tls_cert, ssl_keyfile=tls_key, log_level=log_level
    )
    # uvicorn shuts down gracefully on SIGTERM, then raises it again for the handler it
    # found: make that one a no-op, so a stopped server exits normally (status 0)
    previous = signal.signal(signal.SIGTERM, lambda _sig, _frame: None)
    try:
        _Server(config).run(sockets=[sock])
    finally:
        signal.signal(signal.SIGTERM, previous)
        sock.close()


@dataclass
class ServerHandle:
    """A server running in a background thread; :meth:`stop` shuts it down."""

    url: str
    host: str
    port: int
    _server: uvicorn.Server
    _thread: threading.Thread
    _socket: socket.socket

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)
        self._socket.close()
        if self._thread.is_alive():
            raise RuntimeError(f"the server at {self.url} did not stop within {timeout} s")

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def run_in_thread(
    app: Any,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    tls_cert: str | None = None,
    tls_key: str | None = None,
    timeout: float = 30.0,
) -> ServerHandle:
    """Start uvicorn in a daemon thread (port 0: an ephemeral port) and wait until it
    answers; the handle has ``.url`` and ``.stop()``."""
    check_tls(host, tls_cert, tls_key)
    sock = bind(host, port)
    actual = int(sock.getsockname()[1])
    config = _config(
        app, host, actual, 1, ssl_certfile=tls_cert, ssl_keyfile=tls_key, log_level="warning"
    )
    server = _Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"central:{actual}", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive():
            sock.close()
            raise ServeError(f"the server on {host}:{actual} stopped while starting")
        if time.monotonic() > deadline:
            server.should_exit = True
            thread.join(5)
            sock.close()
            raise ServeError(f"the server on {host}:{actual} did not start within {timeout} s")
        time.sleep(0.01)
    scheme = "https" if tls_cert else "http"
    shown = f"[{host}]" if ":" in host else host
    return ServerHandle(f"{scheme}://{shown}:{actual}", host, actual, server, thread, sock)
