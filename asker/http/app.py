"""The FastAPI application of ``asker api`` over one ``Runtime``: routers per resource, the
caller's principal as a dependency (``Authorization: Bearer``, or the identity the bank's
reverse proxy signed into ``X-Asker-*`` headers; no default user, demo data dir or not), errors
mapped in ``asker.http.errors``.

``/healthz``, ``/readyz`` and ``/openapi.json`` answer without credentials; every ``/v1/`` path
needs them. Facade calls run in a worker thread under ``ASKER_API_REQUEST_TIMEOUT_S``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from asker import api
from asker.access.trusted_header import SIGNATURE
from asker.config import Settings
from asker.errors import AccessDenied, AskerError, UserFacingError
from asker.http import models
from asker.http.errors import asker_error, invalid_body
from asker.http.logs import RequestFrame, configure_json_logs
from asker.http.statuses import status_of
from asker.types import Answer, Principal

T = TypeVar("T")
_bearer = HTTPBearer(auto_error=False, description="asker tokens create --user USER")
_signed = APIKeyHeader(
    name=SIGNATURE,
    auto_error=False,
    scheme_name="TrustedHeader",
    description="The bank's reverse proxy (ASKER_TRUSTED_HEADER_PROXIES) signs X-Asker-User, "
    "X-Asker-Groups, X-Asker-Org, X-Asker-Emp, X-Asker-Name and X-Asker-Timestamp (README).",
)
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": models.ErrorOut} for code in (401, 403, 404, 413, 422, 429, 503)
}


def runtime(request: Request) -> api.Runtime:
    rt: api.Runtime = request.app.state.runtime
    return rt


Rt = Annotated[api.Runtime, Depends(runtime)]


async def caller(
    request: Request,
    rt: Rt,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    signature: Annotated[str | None, Depends(_signed)],
) -> Principal:
    """The principal of the bearer token, else of the proxy's signed headers (checked against
    the connection's own peer address, never a forwarded-for header); 401 CREDENTIALS_REQUIRED
    without either, HEADER_REFUSED for headers that are not a configured proxy's."""
    if credentials is not None and credentials.credentials.strip():
        return await in_thread(rt, api.bearer_sign_in, rt, credentials.credentials)
    if signature is not None:
        peer = request.client.host if request.client is not None else ""
        headers = dict(request.headers)
        return await in_thread(rt, api.sign_in_with_headers, rt, peer, headers)
    raise AccessDenied("CREDENTIALS_REQUIRED")


Who = Annotated[Principal, Depends(caller)]


async def in_thread(rt: api.Runtime, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """A facade call in a worker thread (the request's context, so its request id, goes with
    it), given up after the request timeout: the call still finishes and audits itself."""
    seconds = rt.settings.api_request_timeout_s
    try:
        return await asyncio.wait_for(asyncio.to_thread(call, *args, **kwargs), seconds)
    except TimeoutError:
        raise UserFacingError("REQUEST_TIMEOUT", seconds=f"{seconds:g}") from None


def answered(answer: Answer) -> JSONResponse:
    """An answer as §7's JSON object, with the status its refusal fits."""
    status = status_of(answer.status, answer.error_kind, answer.code)
    headers = {}
    if status == 429 and answer.retry_after_s is not None:
        headers["Retry-After"] = str(answer.retry_after_s)
    return JSONResponse(answer.to_json(), status_code=status, headers=headers)


# --- questions -------------------------------------------------------------------------------

questions = APIRouter(prefix="/v1", tags=["questions"], responses=_ERRORS)


@questions.post("/ask", response_model=models.AnswerOut)
async def ask(body: models.QuestionBody, rt: Rt, who: Who) -> JSONResponse:
    """问答：完整流程。The full pipeline, as ``asker ask --format json``."""
    return answered(
        await in_thread(rt, api.ask, rt, who, body.question, conversation=body.conversation_id)
    )


@questions.post("/explain", response_model=models.AnswerOut)
async def explain(body: models.QuestionBody, rt: Rt, who: Who) -> JSONResponse:
    """解释：到权限检查为止，不执行。Plan and final SQL, not executed."""
    return answered(
        await in_thread(rt, api.explain, rt, who, body.question, conversation=body.conversation_id)
    )


@questions.post("/sql", response_model=models.AnswerOut)
async def sql(body: models.SqlBody, rt: Rt, who: Who) -> JSONResponse:
    """一条只读 SQL，经同一权限检查。One SELECT through the same gate, as ``asker sql``."""
    return answered(await in_thread(rt, api.run_sql, rt, who, body.sql))


@questions.post("/feedback", response_model=models.FeedbackOut)
async def feedback(body: models.FeedbackBody, rt: Rt, who: Who) -> models.FeedbackOut:
    await in_thread(
        rt,
        api.feedback,
        rt,
        who,
        question=body.question,
        sql=body.sql,
        rating=body.rating,
        reason=body.reason,
    )
    return models.FeedbackOut()


@questions.post(
    "/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}, "application/octet-stream": {}}}},
)
async def export(body: models.ExportBody, rt: Rt, who: Who) -> Any:
    """导出：为调用者重新执行，带水印与行数上限，并审计。Re-run for the caller: capped,
    watermarked and audited, like the chat's export."""
    if not (body.question or body.sql):
        raise UserFacingError("REQUEST_INVALID", field="body.question", detail="or sql is needed")
    found = await in_thread(
        rt, api.export, rt, who, fmt=body.format, question=body.question or "", statement=body.sql
    )
    if found.data is None:
        return answered(found.answer)
    data = found.data
    return StreamingResponse(
        iter((data,)),
        media_type=found.mime,
        headers={"Content-Disposition": f'attachment; filename="{found.filename}"'},
    )


# --- the dictionary, conversations, saved questions --------------------------------------------

reading = APIRouter(prefix="/v1", tags=["dictionary"], responses=_ERRORS)


def _metric(version: Any) -> models.MetricOut:
    definition = version.definition
    return models.MetricOut(
        code=version.code,
        name=definition.get("name", version.code),
        name_en=definition.get("name_en", ""),
        version=version.version,
        definition=definition.get("definition", ""),
        unit=definition.get("unit", ""),
        category=definition.get("category", ""),
    )


@reading.get("/metrics", response_model=list[models.MetricOut])
async def metrics(rt: Rt, who: Who) -> list[models.MetricOut]:
    """已发布指标 The published metrics."""
    return [_metric(v) for v in await in_thread(rt, api.list_metrics, rt)]


@reading.get("/metrics/{code}", response_model=models.MetricOut)
async def metric(code: str, rt: Rt, who: Who) -> models.MetricOut:
    """一个指标：口径、血缘、示例 SQL。One metric: definition, lineage, sample SQL."""
    detail = await in_thread(rt, api.metric_detail, rt, code)
    out = _metric(detail.current)
    return out.model_copy(
        update={
            "lineage": {k: list(v) for k, v in detail.lineage.items()},
            "sql": detail.sql,
            "versions": [v.version for v in detail.versions],
        }
    )


@reading.get("/conversations/{conversation_id}", response_model=models.ConversationOut)
async def conversation(conversation_id: str, rt: Rt, who: Who) -> models.ConversationOut:
    """调用者自己的会话 The caller's own conversation (another user's is 404)."""
    turns = await in_thread(rt, api.conversation, rt, who, conversation_id)
    return models.ConversationOut(
        conversation_id=conversation_id,
        turns=[models.TurnOut(question=q, asked_at=at.isoformat()) for q, at in turns],
    )


def _saved(item: Any, who: Principal) -> models.SavedQuestionOut:
    return models.SavedQuestionOut(
        id=item.id,
        title=item.title,
        question=item.question,
        shared_role=item.shared_role,
        mine=item.user_id == who.user_id,
    )


@reading.get("/saved-questions", response_model=list[models.SavedQuestionOut])
async def saved_questions(rt: Rt, who: Who) -> list[models.SavedQuestionOut]:
    """调用者的收藏与共享给其角色的问题 Saved questions, own and shared with the role."""
    return [_saved(s, who) for s in await in_thread(rt, api.saved_questions, rt, who)]


@reading.post("/saved-questions", response_model=models.SavedQuestionOut)
async def save_question(body: models.SaveQuestionBody, rt: Rt, who: Who) -> models.SavedQuestionOut:
    item = await in_thread(rt, api.save_question, rt, who, body.question, body.title)
    return _saved(item, who)


# --- health ----------------------------------------------------------------------------------

health = APIRouter(tags=["health"])


@health.get("/healthz")
async def healthz() -> dict[str, str]:
    """进程存活 The process is up (no dependency is checked)."""
    return {"status": "ok"}


@health.get("/readyz", response_model=models.ReadyOut, responses={503: {"model": models.ReadyOut}})
async def readyz(rt: Rt) -> JSONResponse:
    """就绪：仓库、应用数据库与索引均可用。Ready when warehouse, app database and index answer."""
    parts = await in_thread(rt, api.readiness, rt)
    ready = all(parts.values())
    return JSONResponse({"ready": ready, "parts": parts}, status_code=200 if ready else 503)


def create_app(rt: api.Runtime) -> FastAPI:
    """The application over ``rt`` (closed when the server stops)."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        rt.close()

    app = FastAPI(
        title="asker",
        summary="问数助手 HTTP API：与聊天页和命令行同一入口、同一权限与脱敏。",
        description="Ask the bank's data over HTTP: the same facade, row scope and masks as "
        "the chat app and `asker ask`. Send `Authorization: Bearer TOKEN` "
        "(`asker tokens create --user USER`).",
        version="1",
        lifespan=lifespan,
    )
    app.state.runtime = rt
    app.include_router(questions)
    app.include_router(reading)
    app.include_router(health)
    app.add_exception_handler(AskerError, asker_error)
    app.add_exception_handler(RequestValidationError, invalid_body)
    if rt.settings.api_cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(rt.settings.api_cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
    app.add_middleware(RequestFrame, max_body_bytes=rt.settings.api_max_body_bytes)
    return app


def app_from_env() -> FastAPI:
    """uvicorn's factory: the runtime from ``ASKER_*`` settings, JSON logs. ``asker api``
    checks the data dir before it starts the server, so a set-up error here is logged and ends
    the process."""
    configure_json_logs()
    try:
        return create_app(api.open_runtime(Settings()))
    except AskerError as error:
        logging.getLogger("asker.http").error(error.message("en"), extra={"code": error.code})
        raise SystemExit(1) from error
