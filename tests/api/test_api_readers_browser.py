"""In Chromium: the API's readers load nothing from another host (the site's Content-Security-Policy
would refuse it), and show the API."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def test_redoc_loads_nothing_from_outside_and_shows_the_api(phone, live_server):
    here = urlsplit(live_server.url).netloc
    outside: list[str] = []
    refused: list[str] = []
    phone.on("request", lambda r: outside.append(r.url) if urlsplit(r.url).netloc not in (here, "") else None)
    phone.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    phone.go("/api/redoc/")
    title = phone.locator("h1", has_text="乡镇妇联工作台账系统 API")
    title.wait_for()
    phone.locator("a[href='https://redocly.com/redoc/']").wait_for(state="attached")  # the menu's footer
    phone.wait_for_timeout(300)  # its logo asked for, were it to be
    assert outside == [] and refused == []
