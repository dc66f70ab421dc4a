"""The HTTP API v1 (``docs/sync-protocol.md``) on FastAPI.

:func:`create_app` opens (and if needed creates) the database and returns the ASGI
app; :func:`build_api` is the same app without a database, for the OpenAPI
document. Every error is ``{"error": code, "message": sentence}``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from central import ingest, models
from central.http_body import RequestBodyMiddleware
from central.keys import SignedDocument
from central.store import (
    AlreadyExists,
    Central,
    CentralError,
    Device,
    EnrolmentRefused,
    NotFound,
)
from central.wire import MAX_FEED_PAGE, BadCursor

log = logging.getLogger("central")

API_TITLE: Final = "checkpoint_app central API"
API_VERSION: Final = "1"
GZIP_MIN_BYTES: Final = 1024

_STATUS: Final[dict[type[CentralError], int]] = {
    NotFound: 404,
    AlreadyExists: 409,
    EnrolmentRefused: 403,
    ingest.BatchTooLarge: 413,
}


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


class BadJson(CentralError):
    code = "bad_json"


def error_response(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status, headers=headers)


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": models.ErrorBody} for status in statuses}


# -- dependencies ------------------------------------------------------------------------
_bearer = HTTPBearer(auto_error=False, description="the device token from POST /v1/devices")


def get_central(request: Request) -> Central:
    central: Central | None = getattr(request.app.state, "central", None)
    if central is None:
        raise ApiError(503, "unavailable", "this API instance has no database")
    return central


CentralDep = Annotated[Central, Depends(get_central)]


def current_device(
    central: CentralDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Device:
    if credentials is None:
        raise ApiError(
            401,
            "unauthorized",
            "send Authorization: Bearer <device token> (enrol with POST /v1/devices)",
            {"WWW-Authenticate": "Bearer"},
        )
    device = central.authenticate(credentials.credentials)
    if device is None:
        raise ApiError(
            401,
            "unauthorized",
            "the device token is unknown or revoked: enrol the station again",
            {"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return device


DeviceDep = Annotated[Device, Depends(current_device)]


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or etag in tags


def signed(request: Request, document: SignedDocument, *, etag: bool = True) -> Response:
    if etag and _etag_matches(request.headers.get("if-none-match"), document.etag):
        return Response(status_code=304, headers={"ETag": document.etag})
    headers = {"ETag": document.etag, "Cache-Control": "no-cache"} if etag else {}
    return Response(document.body, media_type="application/json", headers=headers)


def json_bytes(value: Any) -> Response:
    return Response(ingest.dumps(value), media_type="application/json")


# -- routes ------------------------------------------------------------------------------
router = APIRouter(prefix="/v1")

_BATCH_BODY: Final = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventBatch"}}},
    }
}


@router.post(
    "/devices",
    status_code=201,
    response_model=models.EnrolReply,
    responses=_errors(403, 422),
    summary="Enrol a device with a one-time enrolment code",
    tags=["devices"],
)
def enrol(body: models.EnrolRequest, central: CentralDep) -> Response:
    reply = central.enrol(body.enrolment_code, body.device_id, body.name)
    return JSONResponse(reply, status_code=201)


@router.post(
    "/events:batch",
    response_model=models.BatchReply,
    responses=_errors(400, 401, 413, 422, 503),
    openapi_extra=_BATCH_BODY,
    summary="Upload up to 500 events and the device's chain head (idempotent)",
    tags=["events"],
)
async def upload_events(request: Request, central: CentralDep, device: DeviceDep) -> Response:
    body = await request.body()
    reply = await run_in_threadpool(_upload, central, device, body)
    return json_bytes(reply)


def _upload(central: Central, device: Device, body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadJson(f"the body is not JSON ({exc})") from None
    head, events = ingest.parse_batch(data)
    return ingest.upload(central, device, head, events)


@router.get(
    "/events",
    response_model=models.FeedPage,
    responses=_errors(400, 401, 422),
    summary="The checkpoint's events, in the order stored, after a cursor",
    tags=["events"],
)
def events_feed(
    central: CentralDep,
    device: DeviceDep,
    after: Annotated[str | None, Query(max_length=512, description="a `next` cursor")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_FEED_PAGE)] = MAX_FEED_PAGE,
) -> Response:
    return json_bytes(ingest.feed(central, device, after, limit))


@router.get(
    "/trust-list",
    response_model=models.SignedTrustList,
    responses={304: {"description": "unchanged (If-None-Match)"}, **_errors(401)},
    summary="The PHI1 trust list (PHI1.md §4), signed",
    tags=["lists"],
)
def trust_list(request: Request, central: CentralDep, device: DeviceDep) -> Response:
    return signed(request, central.sign(central.trust_list()))


@router.get(
    "/revocations",
    response_model=models.SignedRevocations,
    responses={304: {"description": "unchanged (If-None-Match)"}, **_errors(401)},
    summary="Revoked health-code ids, signed",
    tags=["lists"],
)
def revocations(request: Request, central: CentralDep, device: DeviceDep) -> Response:
    return signed(request, central.sign(central.revocations()))


@router.get(
    "/rules",
    response_model=models.SignedRules,
    responses={304: {"description": "unchanged (If-None-Match)"}, **_errors(401)},
    summary="The checkpoint's rules file ({} for the defaults), signed",
    tags=["lists"],
)
def rules(request: Request, central: CentralDep, device: DeviceDep) -> Response:
    return signed(request, central.sign(central.rules(device.checkpoint_id)))


@router.get(
    "/rosters",
    response_model=models.SignedRosters,
    responses=_errors(400, 401, 422),
    summary="The checkpoint's rosters changed after a cursor, signed",
    tags=["lists"],
)
def rosters(
    request: Request,
    central: CentralDep,
    device: DeviceDep,
    after: Annotated[str | None, Query(max_length=512, description="a `next` cursor")] = None,
) -> Response:
    content = central.rosters_after(device.checkpoint_id, after)
    return signed(request, central.sign(content), etag=False)


@router.get(
    "/health-codes/{code_id}",
    response_model=models.HealthCodeStatus,
    responses=_errors(401, 404, 422),
    summary="The online status of a health code (PHI1 cid or opaque id)",
    tags=["health codes"],
)
def health_code(
    central: CentralDep,
    device: DeviceDep,
    code_id: Annotated[str, Path(pattern=models.CODE_ID, max_length=128)],
) -> Response:
    status = central.health_code(code_id)
    if status is None:
        raise ApiError(404, "unknown_code", f"no health code {code_id!r} is known here")
    return json_bytes(status)


# -- error handlers ----------------------------------------------------------------------
async def _api_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.headers)


async def _central_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CentralError)
    status = 400 if isinstance(exc, BadJson) else _STATUS.get(type(exc), 422)
    return error_response(status, exc.code, str(exc))


async def _bad_cursor(_request: Request, exc: Exception) -> Response:
    return error_response(400, "bad_cursor", str(exc))


async def _validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return error_response(422, "invalid_request", "; ".join(parts) or "the request is invalid")


async def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    codes = {404: "not_found", 405: "method_not_allowed"}
    return error_response(
        exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail), exc.headers
    )


async def _busy(_request: Request, exc: Exception) -> Response:
    return error_response(503, "busy", str(exc), {"Retry-After": "1"})


async def _database_error(_request: Request, exc: Exception) -> Response:
    log.error("database error: %s", exc)
    return error_response(
        503, "unavailable", "the database is not available; retry later", {"Retry-After": "5"}
    )


async def _internal_error(_request: Request, exc: Exception) -> Response:
    log.exception("internal error", exc_info=exc)
    return error_response(500, "internal_error", "the server failed; it is logged")


# -- the app -----------------------------------------------------------------------------
def build_api(lifespan: Callable[[FastAPI], Any] | None = None) -> FastAPI:
    app = FastAPI(
        title=API_TITLE,
        version=API_VERSION,
        description=(
            "The sync protocol between checkpoint_app stations and the central API "
            "(docs/sync-protocol.md). Every call but enrolment carries "
            "`Authorization: Bearer <device token>`; bodies may be gzip-compressed."
        ),
        openapi_url="/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.include_router(router)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(BadCursor, _bad_cursor)
    app.add_exception_handler(CentralError, _central_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(ingest.Busy, _busy)
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(Exception, _internal_error)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES, compresslevel=5)
    app.add_middleware(RequestBodyMiddleware)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        # the batch body is read by hand (one bad event must not fail the batch): add
        # its model to the components the operation refers to
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        extra = models.EventBatch.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in extra.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components.setdefault("EventBatch", extra)
        schema["components"]["schemas"] = dict(sorted(components.items()))
        app.openapi_schema = schema
    return app.openapi_schema


def create_app(database_url: str, central: Central | None = None) -> FastAPI:
    """The API on a database (created on first use); closed when the app shuts down."""
    state = central or Central(database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    app = build_api(lifespan)
    app.state.central = state
    return app


def openapi_document() -> dict[str, Any]:
    return build_api().openapi()
