"""The one shape of every refusal: ``{"detail", "code", "errors"?, "current"?, "changes"?}``.

``errors`` holds the form's messages by field (``__all__`` for the record as a whole), the same
Chinese messages the pages show; a stale write (409) has ``current``, the record as it is now,
and ``changes``, what changed since the version the writer read.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.urls import Resolver404, reverse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

#: Where the API is: an address below it that resolves to nothing answers in its shape.
API_PREFIX = "/api/"


class FormRefused(exceptions.APIException):
    """A write the form (or the service) refused: 400 with the messages by field."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(_("没有保存：请按各项的提示改正后再提交。"))


class StaleWrite(exceptions.APIException):
    """The record changed since the version the writer read: 409 with the record as it is now."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "stale"

    def __init__(self, message: str, current: dict, changes: dict[str, str]):
        self.current, self.changes = current, changes
        super().__init__(message)


def form_errors(form) -> dict[str, list[str]]:
    """Return ``form``'s messages by field, as its page shows them."""
    return {name: [str(m) for m in errors] for name, errors in form.errors.items()}


def exception_handler(exc, context):
    """Return DRF's answer to ``exc`` in the one shape; a Django 404 or refusal answers as DRF's."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("没有找到这条记录，或您无权查看。"))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_handler(exc, context)
    if response is None:
        return None
    data = response.data
    body = {"detail": "", "code": getattr(exc, "default_code", "error")}
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        body["code"] = codes if isinstance(codes, str) else exc.default_code
    if isinstance(exc, FormRefused):
        body.update(detail=str(exc.detail), errors=exc.errors)
    elif isinstance(exc, StaleWrite):
        body.update(detail=str(exc.detail), current=exc.current, changes=exc.changes)
    elif isinstance(data, dict) and "detail" in data:
        body["detail"] = str(data["detail"])
    else:  # a serializer's or a filter's messages by field
        errors = data if isinstance(data, dict) else {"__all__": data}
        body.update(
            detail=_("请求有误：请按各项的提示改正。"),
            code="invalid",
            errors={k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in errors.items()},
        )
    response.data = body
    return response


def refusal(status_code: int, detail: str, code: str) -> Response:
    """Return a refusal in the one shape."""
    return Response({"detail": detail, "code": code}, status=status_code)


def page_not_found(request, exception):
    """Return the site's 404 (``handler404``): an address under ``/api/`` that resolves to nothing
    answers in the one shape, as JSON; any other 404 is Django's page (``404.html``)."""
    if isinstance(exception, Resolver404) and request.path_info.startswith(API_PREFIX):
        detail = _("没有这个接口地址：请对照接口文档（%(docs)s）里的地址。") % {"docs": reverse("api_redoc")}
        return JsonResponse(
            {"detail": detail, "code": "not_found"}, status=404, json_dumps_params={"ensure_ascii": False}
        )
    return defaults.page_not_found(request, exception)
