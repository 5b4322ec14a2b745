"""Project-wide REST error handling: one error shape for every client mistake.

Error body (every 4xx produced by DRF or by our services)::

    {"detail": "Invalid input.", "errors": {"message": ["This field may not be blank."]}}

``errors`` always names the offending field; problems with the body as a whole (malformed JSON,
a JSON list instead of an object) are reported under ``"body"``.
"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def _field_errors(detail) -> dict:
    if isinstance(detail, dict):
        errors = {}
        for key, value in detail.items():
            name = "body" if key in ("non_field_errors", "detail") else key
            errors[name] = value if isinstance(value, list) else [value]
        return errors
    if isinstance(detail, list):
        return {"body": detail}
    return {"body": [detail]}


def exception_handler(exc, context):
    """DRF exception handler giving every 4xx the ``{"detail", "errors"}`` shape above."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": "Invalid input.", "errors": _field_errors(exc.detail)}
    elif isinstance(exc, exceptions.ParseError):
        response.data = {"detail": "Malformed request body.", "errors": {"body": [str(exc.detail)]}}
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        response.data = {"detail": str(exc.detail), "errors": {"content_type": [str(exc.detail)]}}
    return response
