"""The one place an error becomes an HTTP response: its code, its message in Chinese (the
``message``) and English (``message_en``), and the status ``statuses.status_of`` chooses;
429 carries ``Retry-After``."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from asker.errors import AskerError, UserFacingError, kind_of
from asker.http.statuses import status_of


def error_json(error: AskerError) -> tuple[dict[str, Any], int]:
    status = status_of(error.status, kind_of(error), error.code)
    body = {
        "status": error.status,
        "code": error.code,
        "message": error.message("zh"),
        "message_en": error.message("en"),
    }
    return body, status


def error_body(code: str, **params: Any) -> tuple[bytes, int]:
    body, status = error_json(UserFacingError(code, **params))
    return json.dumps(body, ensure_ascii=False).encode(), status


def error_response(error: AskerError) -> JSONResponse:
    body, status = error_json(error)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    retry = error.params.get("retry_after")
    if status == 429 and isinstance(retry, int):
        headers["Retry-After"] = str(retry)
    return JSONResponse(body, status_code=status, headers=headers)


async def asker_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AskerError)
    return error_response(exc)


async def invalid_body(_request: Request, exc: Exception) -> JSONResponse:
    """422 naming the first bad field (``body.question``) and what is wrong with it."""
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {"loc": ("body",), "msg": "is not valid"}
    field = ".".join(str(part) for part in first.get("loc", ("body",)))
    return error_response(UserFacingError("REQUEST_INVALID", field=field, detail=first["msg"]))
