"""Errors of the REST API and the one place that turns any failure into a response.

Every error body has the same shape, `{"code", "message", "details"}`, plus the
request id that the log line of the failure carries. Store and service
exceptions carry an `http_status`; `error_response` reads it, so routes only
raise and never build an error response themselves.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

if TYPE_CHECKING:
    from collections.abc import Sequence

    from fastapi import FastAPI, Request

__all__ = [
    "ApiError",
    "BodyTooLargeError",
    "CatalogPinUnavailableError",
    "ForbiddenError",
    "IfMatchRequiredError",
    "InvalidCursorError",
    "InvalidIfMatchError",
    "NotFoundError",
    "UnauthenticatedError",
    "VersionMismatchError",
    "error_body",
    "install_error_handlers",
]

# The request middleware logs to the same logger, so every caught error is in one.
logger = logging.getLogger("boardloop.api.errors")

# Statuses of domain exceptions that carry none themselves, by class name, so this
# module needs no import of the domain. A status change the lifecycle forbids
# conflicts with the initiative's current state.
STATUS_BY_CLASS_NAME = {"InvalidTransition": 409}

CODE_BY_STATUS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    428: "precondition_required",
    500: "internal_error",
}


class ApiError(Exception):
    """A failure of one request, with its status, stable code and details."""

    http_status = 400
    code = "bad_request"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class UnauthenticatedError(ApiError):
    """A request without a valid bearer token: missing, unknown or expired."""

    http_status = 401
    code = "unauthenticated"

    def __init__(self) -> None:
        # One message for every cause, so a caller cannot tell a revoked or
        # expired token from one that never existed.
        super().__init__(
            "missing or invalid bearer token; send the header "
            "'Authorization: Bearer <token>' with a valid, unexpired API token"
        )


class ForbiddenError(ApiError):
    """A request the principal's role or token scope does not allow."""

    http_status = 403
    code = "forbidden"

    def __init__(self, action: str, company: str, reason: str) -> None:
        super().__init__(
            f"not allowed to {action} in company {company!r}: {reason}",
            {"action": action, "company": company},
        )


class NotFoundError(ApiError):
    """A company or initiative that is missing, or that the caller may not see.

    Both cases give the same message, so a response never confirms that another
    company's data exists.
    """

    http_status = 404
    code = "not_found"

    def __init__(self, kind: str, key: str, company: str | None = None) -> None:
        where = "" if company is None else f" in company {company!r}"
        details: dict[str, Any] = {kind: key}
        if company is not None:
            details["company"] = company
        super().__init__(f"{kind} {key!r} not found{where}", details)


class IfMatchRequiredError(ApiError):
    """A write without the If-Match header, which would risk a silent overwrite."""

    http_status = 428
    code = "precondition_required"

    def __init__(self, key: str) -> None:
        super().__init__(
            f"the If-Match header is required to change initiative {key!r}; send the "
            "ETag of the version the change is based on, as GET returns it",
            {"initiative": key},
        )


class InvalidIfMatchError(ApiError):
    """An If-Match header that names no version of an initiative."""

    http_status = 400
    code = "invalid_if_match"

    def __init__(self, value: str) -> None:
        super().__init__(
            f"invalid If-Match header {value!r}; send exactly one ETag such as "
            '"3", as GET returns it ("*" is not accepted)',
            {"if_match": value},
        )


class VersionMismatchError(ApiError):
    """A write based on an outdated version of the initiative."""

    http_status = 409
    code = "version_conflict"

    def __init__(self, key: str, expected: int, current: int) -> None:
        super().__init__(
            f"initiative {key!r} was changed by someone else: the change is based "
            f"on version {expected}, the current version is {current}; get the "
            "initiative again, apply the change to it and send it with the new ETag",
            {
                "initiative": key,
                "expected_version": expected,
                "current_version": current,
            },
        )


class InvalidCursorError(ApiError):
    """A pagination cursor that this list did not issue."""

    http_status = 400
    code = "invalid_cursor"

    def __init__(self, cursor: str) -> None:
        super().__init__(
            f"invalid cursor {cursor[:80]!r} for this list; pass the next_cursor of "
            "the previous page unchanged, or omit cursor for the first page",
            {"cursor": cursor[:80]},
        )


class BodyTooLargeError(ApiError):
    """A request body over the configured size limit."""

    http_status = 413
    code = "payload_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"request body is larger than the limit of {limit} bytes; send a smaller "
            "body, or raise max_body_bytes in [server] or BOARDLOOP_MAX_BODY_BYTES",
            {"max_body_bytes": limit},
        )


class CatalogPinUnavailableError(ApiError):
    """A company whose catalog pin names a version that no available catalog has."""

    http_status = 409
    code = "catalog_pin_unavailable"

    def __init__(self, company: str, pin: str, available: Sequence[str]) -> None:
        versions = ", ".join(available) or "none"
        super().__init__(
            f"company {company!r} pins catalog version {pin!r}, which is not "
            f"available (available: {versions}); an admin sets catalog_pin in the "
            "company's settings to one of them, or removes it to use the "
            "workspace's catalog, or adds the pinned catalog as the workspace's "
            "catalog file and restarts the server",
            {
                "company": company,
                "catalog_pin": pin,
                "available_versions": list(available),
            },
        )


def error_body(
    code: str, message: str, details: dict[str, Any], request_id: str | None
) -> dict[str, Any]:
    """Build the error body that every failure returns."""
    body: dict[str, Any] = {"code": code, "message": message, "details": details}
    if request_id is not None:
        body["request_id"] = request_id
    return body


def install_error_handlers(app: FastAPI) -> None:
    """Route the exceptions that FastAPI itself raises through `error_response`.

    Any other exception reaches the request middleware, which builds the same
    body with `describe`.
    """
    app.add_exception_handler(ApiError, error_response)
    app.add_exception_handler(RequestValidationError, error_response)
    app.add_exception_handler(StarletteHTTPException, error_response)


async def error_response(request: Request, error: Exception) -> JSONResponse:
    """Turn any exception into the error body with its HTTP status, and log it."""
    status, code, message, details = describe(error)
    request_id = getattr(request.state, "request_id", None)
    request.state.error_code = code
    if status >= 500:
        logger.error(
            "request failed with an unexpected error",
            exc_info=error,
            extra={"request_id": request_id, "code": code, "path": request.url.path},
        )
        message = "internal error; the server log has the details under this request id"
        details = {}
    else:
        logger.info(
            "request rejected: %s",
            message,
            extra={"request_id": request_id, "code": code, "status": status},
        )
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(
        error_body(code, message, details, request_id),
        status_code=status,
        headers=headers,
    )


def describe(error: Exception) -> tuple[int, str, str, dict[str, Any]]:
    """Return the status, code, message and details of an exception."""
    if isinstance(error, ApiError):
        return error.http_status, error.code, error.message, error.details
    if isinstance(error, RequestValidationError):
        details = {"errors": [validation_detail(item) for item in error.errors()]}
        # A body that is not JSON at all is a malformed request, not a value
        # that failed validation.
        if any(item["type"] == "json_invalid" for item in details["errors"]):
            return 400, "invalid_json", validation_message(error), details
        return 422, "validation_failed", validation_message(error), details
    if type(error).__name__ == "StaleVersionError":
        stale = VersionMismatchError(
            str(getattr(error, "key", "")),
            int(getattr(error, "expected", 0)),
            int(getattr(error, "current", 0)),
        )
        return stale.http_status, stale.code, stale.message, stale.details
    if isinstance(error, StarletteHTTPException):
        status = error.status_code
        code = CODE_BY_STATUS.get(status, "http_error")
        return status, code, str(error.detail), {}
    declared = getattr(error, "http_status", None)
    status = (
        int(declared)
        if isinstance(declared, int)
        else STATUS_BY_CLASS_NAME.get(type(error).__name__, 500)
    )
    if status >= 500:
        return status, CODE_BY_STATUS[500], str(error), {}
    return status, code_of(error), str(error), fields_of(error)


def validation_message(error: RequestValidationError) -> str:
    """Summarise a validation failure in one sentence naming the first problem."""
    problems = error.errors()
    if not problems:
        return "invalid request"
    first = validation_detail(problems[0])
    more = len(problems) - 1
    suffix = f" (and {more} more problem{'s' if more != 1 else ''})" if more else ""
    return f"invalid request: {first['location']}: {first['message']}{suffix}"


def validation_detail(problem: Any) -> dict[str, Any]:
    location = ".".join(str(part) for part in problem.get("loc", ()))
    return {
        "location": location,
        "message": str(problem.get("msg", "")),
        "type": str(problem.get("type", "")),
    }


def code_of(error: Exception) -> str:
    """Derive a code from the class name: StaleVersionError gives stale_version."""
    name = type(error).__name__.removesuffix("Error")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def fields_of(error: Exception) -> dict[str, Any]:
    """Return an exception's plain public attributes as details."""
    details: dict[str, Any] = {}
    for name, value in vars(error).items():
        if name.startswith("_"):
            continue
        if isinstance(value, str | int | float | bool) or value is None:
            details[name] = value
        elif hasattr(value, "value") and isinstance(value.value, str):
            details[name] = value.value
    return details
