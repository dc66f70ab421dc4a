"""The HTTP client of the central API v1 (``docs/sync-protocol.md``), over ``requests``.

Every call has a timeout; the outcome of a call is either a :class:`Reply` or one of
three errors the sync engine treats differently:

* :class:`Unavailable` — connection refused or reset, timeout, ``5xx``: back off and
  retry the same work later (``retry_after`` from a ``503``'s ``Retry-After``);
* :class:`Unauthorised` — ``401``: the device must enrol again;
* :class:`Refused` — any other ``4xx``: this request will never succeed as it is.

Plain ``http://`` is accepted only for loopback hosts; anything else must be HTTPS,
verified (optionally against a custom CA bundle).
"""

from __future__ import annotations

import gzip
import ipaddress
import json
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

import requests

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 20.0
GZIP_OVER_BYTES = 8 * 1024


class ApiError(Exception):
    """A call that did not give a usable answer; the message says what happened."""


class Unavailable(ApiError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unauthorised(ApiError):
    pass


class Refused(ApiError):
    def __init__(self, message: str, status: int, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class BadUrl(ValueError):
    """A central API address the station must not use."""


def check_url(url: str) -> str:
    """The base URL without a trailing slash, or :class:`BadUrl` (http only on loopback)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadUrl(f"{url!r} is not an http(s) address, e.g. https://central.example.cn")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise BadUrl(f"{url}: plain http is allowed only on this machine (127.0.0.1); use https")
    return url.strip().rstrip("/")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: Any
    etag: str | None
    server_time: float | None  # from the Date header, epoch seconds


class Transport(Protocol):
    """What the sync engine needs from the API; :class:`ApiClient` is the real one."""

    def call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: dict[str, Any] | None = None,
        etag: str | None = None,
        auth: bool = True,
    ) -> Reply: ...


class ApiClient:
    """The real transport: a ``requests`` session bound to one base URL and token."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        ca_bundle: str | None = None,
        timeout: tuple[float, float] = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = check_url(base_url)
        self.token = token
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.verify = ca_bundle or True
        self.session.headers["Accept-Encoding"] = "gzip"
        self.session.headers["User-Agent"] = "checkpoint-app"

    def close(self) -> None:
        self.session.close()

    def call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: dict[str, Any] | None = None,
        etag: str | None = None,
        auth: bool = True,
    ) -> Reply:
        headers: dict[str, str] = {}
        if auth:
            if not self.token:
                raise Unauthorised("this station is not enrolled: run checkpoint-app enrol")
            headers["Authorization"] = f"Bearer {self.token}"
        if etag:
            headers["If-None-Match"] = etag
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            headers["Content-Type"] = "application/json"
            if len(data) > GZIP_OVER_BYTES:
                data = gzip.compress(data, compresslevel=5)
                headers["Content-Encoding"] = "gzip"
        url = self.base_url + path
        try:
            response = self.session.request(
                method, url, data=data, params=params, headers=headers, timeout=self.timeout
            )
        except requests.Timeout:
            raise Unavailable(f"{method} {path}: no answer within the timeout") from None
        except requests.ConnectionError as exc:
            raise Unavailable(f"{method} {path}: cannot connect ({_short(exc)})") from None
        except requests.RequestException as exc:
            raise Unavailable(f"{method} {path}: {_short(exc)}") from None
        return self._reply(method, path, response)

    def _reply(self, method: str, path: str, response: requests.Response) -> Reply:
        status = response.status_code
        server_time = _date(response.headers.get("Date"))
        if status == 304:
            return Reply(status, None, response.headers.get("ETag"), server_time)
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = None
        except requests.RequestException as exc:  # the body broke off half-way
            raise Unavailable(f"{method} {path}: the answer broke off ({_short(exc)})") from None
        message = body.get("message") if isinstance(body, dict) else None
        code = body.get("error") if isinstance(body, dict) else None
        where = f"{method} {path}: HTTP {status}" + (f" ({message})" if message else "")
        if status == 401:
            raise Unauthorised(f"{where}: enrol this station again")
        if status >= 500 or status == 429:
            raise Unavailable(where, _retry_after(response.headers.get("Retry-After")))
        if status >= 400:
            raise Refused(where, status, code if isinstance(code, str) else None)
        if body is None and status != 204:
            raise Unavailable(f"{method} {path}: the answer was not JSON")
        return Reply(status, body, response.headers.get("ETag"), server_time)


def path_id(value: str) -> str:
    return quote(value, safe="")


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) < 160 else text[:157] + "..."


def _date(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
