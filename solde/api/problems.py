"""Errors as RFC 9457 problem details (application/problem+json)."""

from __future__ import annotations

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from solde.core import errors

_STATUS = {
    errors.NotFound: status.HTTP_404_NOT_FOUND,
    errors.PermissionDenied: status.HTTP_403_FORBIDDEN,
    errors.Conflict: status.HTTP_409_CONFLICT,
    errors.ValidationError: status.HTTP_422_UNPROCESSABLE_ENTITY,
}

_TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    422: "Invalid data",
    429: "Too many requests",
}


def problem(status_code: int, detail: str, *, code: str = "error", errors_=None) -> Response:
    body = {
        "type": f"https://solde.invalid/problems/{code}",
        "title": _TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
    }
    if errors_:
        body["errors"] = errors_
    return Response(body, status=status_code, content_type="application/problem+json")


def exception_handler(exc, context):
    if isinstance(exc, errors.SoldeError):
        code = next((v for k, v in _STATUS.items() if isinstance(exc, k)), 400)
        fields = [{"field": exc.field, "detail": exc.message}] if exc.field else None
        return problem(code, exc.message, code=exc.code, errors_=fields)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        flat = _flatten(exc.detail)
        detail = "; ".join(f"{f}: {m}" if f else m for f, m in flat)
        result = problem(
            response.status_code,
            detail,
            code="invalid",
            errors_=[{"field": f, "detail": m} for f, m in flat],
        )
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        result = problem(
            response.status_code, str(detail), code=getattr(exc, "default_code", "error")
        )
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            result[header] = response[header]
    return result


def _flatten(detail, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            if isinstance(key, int):  # a list's errors, keyed by position
                out += _flatten(value, f"{prefix}[{key}]")
                continue
            name = key if key != "non_field_errors" else ""
            out += _flatten(value, f"{prefix}.{name}" if prefix and name else prefix or name)
        return out
    if isinstance(detail, list):
        out = []
        for index, value in enumerate(detail):
            nested = isinstance(value, dict | list)
            out += _flatten(value, f"{prefix}[{index}]" if nested else prefix)
        return out
    return [(prefix, str(detail))]
