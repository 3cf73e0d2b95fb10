"""Errors as ``application/problem+json`` (RFC 9457): a title, a status, one line of detail.

A validation error names each field it refuses (``errors[].loc``) but never
echoes what was sent: a 20 MB field would come back whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

__all__ = ["PROBLEM", "Problem", "add_problem_handlers", "problem", "refused"]

PROBLEM = "application/problem+json"
_MAX_MESSAGE = 200  # characters of a validation message kept (some quote the value)


def problem(status: int, detail: str, headers: dict[str, str] | None = None,
            **extra: Any) -> JSONResponse:  # fmt: skip
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status,
            "detail": detail, **extra}  # fmt: skip
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM)


class Problem(HTTPException):
    """An error whose problem document carries more members than its detail (``extra``)."""

    def __init__(self, status: int, detail: str, **extra: Any) -> None:
        super().__init__(status, detail)
        self.extra = extra


def refused(exc: Exception, statuses: Mapping[type[Exception], int]) -> HTTPException:
    """``exc``, a service's refusal, as the answer ``statuses`` gives its class or the
    nearest of its bases named there, with its one line."""
    status = next(statuses[c] for c in type(exc).__mro__ if c in statuses)
    return HTTPException(status, str(exc))


async def _http_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    extra = exc.extra if isinstance(exc, Problem) else {}
    return problem(exc.status_code, str(exc.detail), dict(exc.headers or {}), **extra)


async def _invalid(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": list(e.get("loc", ())), "type": e.get("type"),
         "msg": str(e.get("msg", ""))[:_MAX_MESSAGE]}
        for e in exc.errors()[:20]
    ]  # fmt: skip
    first: dict[str, Any] = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    where = ".".join(str(part) for part in first["loc"])
    message = str(first["msg"])
    return problem(422, f"{where}: {message}" if where else message, errors=errors)


def add_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _http_problem)
    app.add_exception_handler(RequestValidationError, _invalid)
