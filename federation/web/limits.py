"""A request whose body is larger than ``REQUEST_MAX_BYTES`` is refused before its body is read.

Django reads a whole upload before a form can say it is too big: a 21 MB file was received, spooled
and only then refused. The largest upload the app accepts is 5 MB (an import, ``IMPORT_MAX_BYTES``;
a loan's paper, ``LOANS_MAX_ATTACHMENT_BYTES``); ``REQUEST_MAX_BYTES`` (6 MB) leaves room for the
form around it. Above it the declared ``Content-Length`` is enough to answer 413 with a page that
says the limit, and nothing of the body is read. The reverse proxy caps the body too (nginx
``client_max_body_size``), so that a client lying about its length never reaches the app.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.shortcuts import render

log = logging.getLogger(__name__)

MB = 1024 * 1024


def request_max_bytes() -> int:
    """Return the largest request body accepted, in bytes (setting ``REQUEST_MAX_BYTES``)."""
    return int(getattr(settings, "REQUEST_MAX_BYTES", 6 * MB))


def declared_length(request) -> int:
    """Return the body length the request declares (``Content-Length``), 0 when none or unreadable."""
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class RequestSizeLimitMiddleware:
    """Answer 413, without reading the body, a request declaring more than ``REQUEST_MAX_BYTES``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length, limit = declared_length(request), request_max_bytes()
        if length <= limit:
            return self.get_response(request)
        log.warning("a request of %s bytes to %s %s was refused", length, request.method, request.path)
        context = {"size_mb": f"{length / MB:.1f}", "limit_mb": f"{limit / MB:g}", "back": _back(request)}
        response = render(request, "federation/too_large.html", context, status=413)
        response["Connection"] = "close"  # the unread body is not for the next request
        return response


def _back(request) -> str:
    """Return where the page sends the user back to: the page she came from, on this site."""
    from django.utils.http import url_has_allowed_host_and_scheme

    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        return referer
    return ""
