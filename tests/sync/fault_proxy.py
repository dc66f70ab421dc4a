"""A fault-injecting HTTP proxy on 127.0.0.1, in front of the real central server.

The sync tests talk to the real reference server through this proxy, which forwards
every request unchanged unless a fault is queued for the next matching request:

* ``status`` — answer 500 (or 503 with ``Retry-After``) without forwarding;
* ``hang`` — wait past the client's timeout, then drop the connection;
* ``reset`` — forward, then send half of the server's answer and reset the connection;
* ``drop_reply`` — forward (the server commits the batch), then reset without
  answering: the client must retry, and the retry is a duplicate delivery.

Faults are queued per path prefix and consumed in order; ``random_faults`` injects
them with a probability for soak runs.
"""

from __future__ import annotations

import random
import socket
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


@dataclass
class Fault:
    kind: str  # status, hang, reset, drop_reply
    status: int = 500
    retry_after: int | None = None
    seconds: float = 0.0


@dataclass
class FaultPlan:
    queued: dict[str, deque[Fault]] = field(default_factory=dict)
    probability: float = 0.0
    rng: random.Random = field(default_factory=lambda: random.Random(1))
    kinds: tuple[str, ...] = ("status", "reset", "drop_reply")
    injected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, prefix: str, *faults: Fault) -> None:
        with self.lock:
            self.queued.setdefault(prefix, deque()).extend(faults)

    def take(self, path: str) -> Fault | None:
        with self.lock:
            for prefix, faults in self.queued.items():
                if path.startswith(prefix) and faults:
                    fault = faults.popleft()
                    self.injected.append(f"{fault.kind} {path}")
                    return fault
            if self.probability and self.rng.random() < self.probability:
                kind = self.rng.choice(self.kinds)
                self.injected.append(f"random {kind} {path}")
                status = self.rng.choice([500, 502, 503])
                return Fault(kind, status=status, retry_after=0 if status == 503 else None)
        return None


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.plan = FaultPlan()
        self.requests = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _handle(self) -> None:
                proxy.requests += 1
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                fault = proxy.plan.take(self.path)
                if fault is not None and fault.kind == "status":
                    payload = b'{"error":"injected","message":"injected fault"}'
                    self.send_response(fault.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    if fault.retry_after is not None:
                        self.send_header("Retry-After", str(fault.retry_after))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                if fault is not None and fault.kind == "hang":
                    time.sleep(fault.seconds)
                    self._reset()
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
                headers["Accept-Encoding"] = "identity"
                try:
                    upstream = requests.request(
                        self.command, proxy.upstream + self.path, data=body, headers=headers,
                        timeout=60, allow_redirects=False,
                    )  # fmt: skip
                except requests.RequestException:
                    self.send_response(502)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if fault is not None and fault.kind == "drop_reply":
                    self._reset()
                    return
                content = upstream.content
                self.send_response(upstream.status_code)
                for key, value in upstream.headers.items():
                    if key.lower() not in HOP_HEADERS and key.lower() != "content-encoding":
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                if fault is not None and fault.kind == "reset":
                    self.wfile.write(content[: len(content) // 2])
                    self.wfile.flush()
                    self._reset()
                    return
                self.wfile.write(content)

            def _reset(self) -> None:
                # SO_LINGER 0: close sends a TCP reset instead of a clean end.
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.close_connection = True
                self.connection.close()

            do_GET = _handle
            do_POST = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
