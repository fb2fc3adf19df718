"""The pages of a request that went wrong (403, 404, 500), in Chinese and in the site's layout.

Django renders ``403.html``, ``404.html`` and ``400.html`` itself, with the request (the header
and menu of a signed-in user). A server error's page must show whatever failed, the database or
the request's context included: ``500.html`` reads nothing but its own text, is rendered without
a request, and when even that fails the answer is the fixed page :data:`LAST_RESORT`.
"""

from __future__ import annotations

import logging

from django.http import HttpResponseServerError
from django.template import loader

logger = logging.getLogger(__name__)

#: The server error's page when its template cannot be rendered either.
LAST_RESORT = (
    '<!doctype html><html lang="zh-hans"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>系统出错</title></head>'
    '<body style="font-family:sans-serif;margin:1rem;"><h1 style="font-size:1.25rem;">系统出错了</h1>'
    "<p>刚才的操作没有完成，系统已经记下了这个错误。请回到上一页再试一次；一直这样请联系系统管理员。</p>"
    '<p><a href="/">回到首页</a></p></body></html>'
)


def server_error(request, template_name: str = "500.html"):
    """Return the server error's page (handler500): ``500.html`` rendered without a request."""
    try:
        body = loader.get_template(template_name).render()
    except Exception:  # noqa: BLE001 — whatever broke the request may break the page too
        logger.exception("The server error page could not be rendered")
        body = LAST_RESORT
    return HttpResponseServerError(body)
