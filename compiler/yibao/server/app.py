"""The Web API (interface.md, “The Web API”) as a Starlette application.

Every answer is JSON or HTML; an error is {"error": {"code", "message", "field"}} with the status the
contract gives it (400 bad input, 404 unknown notice, 422 undecidable), and anything unexpected is a
logged 500 in the same shape, never a stack trace. A case is evaluated by the same Evaluator as
`yibao eval`, so the answers are the same.
"""
from __future__ import annotations

import io
import logging
from pathlib import Path

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Route

from .. import __version__ as _version
from ..runtime import strict_json
from ..base.diagnostics import did_you_mean
from ..base.exits import BAD_INPUT, Fail
from .registry import Catalog, Notice, describe
from .index import index_page
from .openapi import document

log = logging.getLogger("yibao.server")

MAX_BODY_BYTES = strict_json.MAX_TEXT_CHARS  # what one --case file may hold
MAX_CASES = 1000  # a batch; a roll of more belongs to `yibao eval --cases`
BODY_SECONDS = 30  # a client that sends its body slower than this is cut off (408)
_STATUS = {BAD_INPUT: (400, "bad_input")}
_UNDECIDABLE = (422, "undecidable")
_QUERY = ("decision", "explain")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None, index: int | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field, self.index = status, code, message, field, index

    def response(self) -> JSONResponse:
        body = {"code": self.code, "message": self.message, "field": self.field}
        if self.index is not None:
            body["index"] = self.index
        return JSONResponse({"error": body}, status_code=self.status)


def _from_fail(fail: Fail, index: int | None = None) -> ApiError:
    status, code = _STATUS.get(fail.code, _UNDECIDABLE)
    field = fail.field or None
    if index is not None:
        field = f"cases[{index}]" + (f".{field}" if field else "")
    return ApiError(status, code, str(fail), field, index)


def create_app(catalog: Catalog | None = None, policies: Path | None = None, cors: list[str] | None = None) -> Starlette:
    """The application; `cors`: the origins another site's page may call it from (`*` any), else none."""
    catalog = catalog or Catalog(policies)
    spec = document(catalog, MAX_CASES, _version)
    index_html = index_page(catalog)

    def notice_of(request: Request) -> Notice:
        doc = request.path_params["document"]
        try:
            return catalog.get(doc)
        except KeyError:
            if doc in catalog.broken:
                raise ApiError(404, "unknown_notice", f"{doc} is not served: its policy has errors "
                               f"({catalog.broken[doc]})", "document") from None
            hint = did_you_mean(doc, catalog.notices)
            raise ApiError(404, "unknown_notice", f"no policy for notice {doc}" + (f"; {hint}" if hint else "")
                           + f" (known: {', '.join(catalog.notices) or 'none'})", "document") from None

    async def notices(request: Request):
        return JSONResponse({"notices": [describe(n.program) for n in catalog.notices.values()]})

    async def schema(request: Request):
        from ..run.cases import case_schema
        return JSONResponse(case_schema(notice_of(request).program))

    async def evaluate(request: Request):
        notice = notice_of(request)
        wanted, explain = _query(request)
        notice.evaluator.check_wanted(wanted)  # before the body: the question is wrong whatever the case
        raw = _parse(await _body(request))
        if explain or (isinstance(raw, dict) and "cases" in raw):  # longer work: off the event loop
            return JSONResponse(await anyio.to_thread.run_sync(_answer, notice, raw, wanted, explain))
        return JSONResponse(_answer(notice, raw, wanted, explain))

    async def parameters(request: Request):
        notice = notice_of(request)
        return JSONResponse(await anyio.to_thread.run_sync(notice.parameters))

    async def openapi(request: Request):
        return JSONResponse(spec)

    async def index(request: Request):
        return HTMLResponse(index_html)

    async def calculator(request: Request):
        notice = notice_of(request)
        return HTMLResponse(await anyio.to_thread.run_sync(notice.page))

    routes = [Route("/notices", notices), Route("/notices/{document}/schema", schema),
              Route("/notices/{document}/eval", evaluate, methods=["POST"]),
              Route("/notices/{document}/parameters", parameters),
              Route("/openapi.json", openapi), Route("/", index), Route("/calculator/{document}", calculator)]
    middleware = [Middleware(_Cors, allow_origins=list(cors), allow_methods=["GET", "POST"],
                             allow_headers=["Content-Type", "Accept-Language"], max_age=600)] if cors else []
    return Starlette(routes=routes, middleware=middleware, exception_handlers={
        ApiError: lambda request, exc: exc.response(),
        Fail: lambda request, exc: _from_fail(exc).response(),
        HTTPException: _http_error,
        Exception: _internal_error,
    })


def _query(request: Request) -> tuple[list[str] | None, bool]:
    for key in request.query_params:
        if key not in _QUERY:
            raise ApiError(400, "bad_input", f"unknown query parameter `{key}`; the parameters are decision, explain", key)
    explain = request.query_params.getlist("explain")
    if len(explain) > 1 or explain and explain[0] not in ("true", "false"):
        raise ApiError(400, "bad_input", "explain is `true` or `false`, once", "explain")
    return request.query_params.getlist("decision") or None, explain == ["true"]


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large()
    chunks, size = [], 0
    try:
        with anyio.fail_after(BODY_SECONDS):
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    raise _too_large()
                chunks.append(chunk)
    except TimeoutError:
        raise ApiError(408, "timeout", f"the body did not arrive within {BODY_SECONDS} s") from None
    return b"".join(chunks)


def _too_large() -> ApiError:
    return ApiError(413, "too_large", f"the body is larger than {MAX_BODY_BYTES} bytes; "
                    "send a roll to `yibao eval --cases` instead")


def _parse(body: bytes):
    try:
        return strict_json.read(io.BytesIO(body))
    except strict_json.JSONError as exc:
        where = f" at line {exc.line}, column {exc.column}" if exc.line else ""
        raise ApiError(400, "bad_input", f"malformed JSON{where}: {exc.message}") from None


def _answer(notice: Notice, raw, wanted, explain: bool) -> dict:
    ev = notice.evaluator
    if not (isinstance(raw, dict) and "cases" in raw):
        result, error = ev.one(raw, wanted, explain, where="case")
        if error:
            raise _from_fail(error)
        return result
    for key in raw:
        if key != "cases":
            raise ApiError(400, "bad_input", f"a batch is {{\"cases\": [...]}} and nothing else, not `{key}`", key)
    cases = raw["cases"]
    if not isinstance(cases, list):
        raise ApiError(400, "bad_input", "`cases` is a list of cases", "cases")
    if len(cases) > MAX_CASES:
        raise ApiError(400, "bad_input", f"{len(cases)} cases, more than the {MAX_CASES} a request may hold; "
                       "send a roll to `yibao eval --cases` instead", "cases")
    results = []
    for i, case in enumerate(cases):  # a case that is bad or undecidable holds its own error in its place
        result, error = ev.one(case, wanted, explain, where=f"cases[{i}]")
        if error:  # (interface.md: one bad case never sinks the batch, as in a roll)
            e = _from_fail(error, i)
            result = {"error": {"code": e.code, "message": e.message, "field": e.field, "index": i}}
        results.append(result)
    return {"results": results}


async def _http_error(request: Request, exc: HTTPException) -> Response:
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "bad_input")
    message = {404: f"no such path: {request.url.path}",
               405: f"{request.method} is not allowed on {request.url.path}"}.get(exc.status_code, str(exc.detail))
    response = ApiError(exc.status_code, code, message).response()
    if exc.headers:  # a 405 says which methods the path takes (Allow), as HTTP requires
        response.headers.update(exc.headers)
    return response


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return ApiError(500, "internal_error", f"internal error: {type(exc).__name__} (logged; please report)").response()


class _Cors(CORSMiddleware):
    """Starlette's CORS, with a refused preflight answered in the API's error shape, not plain text."""

    def preflight_response(self, request_headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code == 200:
            return response
        why = bytes(response.body).decode("utf-8", "replace")
        return ApiError(response.status_code, "bad_input", f"CORS preflight refused: {why}", "Origin").response()
