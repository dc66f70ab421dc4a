"""The real reference server as a separate process on 127.0.0.1, and its admin CLI.

A process (not a thread) so tests can SIGKILL it mid-batch and start it again on the
same database.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

CENTRAL = [sys.executable, "-m", "central.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class CentralProcess:
    def __init__(self, workdir: Path, database_url: str | None = None) -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.database_url = database_url or f"sqlite:///{workdir / 'central.sqlite3'}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def admin(self, *args: str) -> str:
        run = subprocess.run(
            [*CENTRAL, "admin", "--database-url", self.database_url, *args],
            capture_output=True, text=True, timeout=60, check=False, cwd=self.workdir,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    def enrolment_code(self, checkpoint: str) -> str:
        out = self.admin("enrolment-code", checkpoint)
        try:
            data = json.loads(out.splitlines()[-1])
            return str(data["code"] if isinstance(data, dict) else data)
        except (ValueError, KeyError):
            return out.split()[-1]

    def start(self) -> CentralProcess:
        self.proc = subprocess.Popen(
            [*CENTRAL, "serve", "--port", str(self.port), "--database-url", self.database_url],
            cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited: {self.proc.stderr.read().decode()}")  # type: ignore[union-attr]
            try:
                requests.get(self.url + "/v1/trust-list", timeout=0.5)
                return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("the server did not start within 30 s")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        if self.proc is not None and self.proc.stderr is not None:
            self.proc.stderr.close()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.proc is not None and self.proc.stderr is not None:
            self.proc.stderr.close()


def server_event_ids(transport: Any) -> list[str]:
    """Every event id the server holds for the transport's checkpoint, read through the
    feed from its start, in the server's order (duplicates would show twice)."""
    ids: list[str] = []
    after = None
    while True:
        params: dict[str, object] = {"limit": 1000}
        if after:
            params["after"] = after
        body = transport.call("GET", "/v1/events", params=params).body
        ids += [e["event_id"] for e in body["events"]]
        after = body.get("next")
        if not body.get("more"):
            return ids
