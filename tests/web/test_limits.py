"""A request body above REQUEST_MAX_BYTES is refused (413) before it is read; uploads within it pass."""

from __future__ import annotations

import html

from django.urls import reverse

from federation.ledgers.models import ImportRecord
from federation.web.limits import request_max_bytes
from tests.helpers.imports import new_id, person_row, upload, xlsx


class Unreadable:
    """A request body that fails the test if anything reads it."""

    read_from = False

    def read(self, *args):
        Unreadable.read_from = True
        raise AssertionError("the body was read")

    readline = read


def test_a_body_above_the_cap_is_refused_before_it_is_read(world, login):
    w = world
    client = login(w.dir_a)
    cap = request_max_bytes()
    assert cap >= 5 * 1024 * 1024  # the import's limit, with room for the form
    response = client.generic(
        "POST",
        reverse("imports:start"),
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(21 * 1024 * 1024),
        HTTP_REFERER="http://testserver" + reverse("imports:start"),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413 and not Unreadable.read_from
    page = html.unescape(response.content.decode())
    assert "上传的文件太大，没有接收" in page and "约 21.0 MB" in page and "最多接收 6 MB" in page
    assert f'href="http://testserver{reverse("imports:start")}"' in page  # back to the form
    assert not ImportRecord.objects.exists()


def test_the_cap_holds_for_anyone_and_a_body_at_the_cap_passes(world, client, settings):
    settings.REQUEST_MAX_BYTES = 100
    body = {"wsgi.input": Unreadable()}
    refused = client.generic("POST", reverse("login"), b"", CONTENT_LENGTH="101", **body)
    assert refused.status_code == 413 and "没有接收" in refused.content.decode()
    passed = client.post(reverse("login"), "x" * 100, content_type="application/x-www-form-urlencoded")
    assert passed.status_code != 413


def test_a_normal_upload_still_works(world, login, settings):
    w = world
    assert request_max_bytes() <= settings.FILE_UPLOAD_MAX_MEMORY_SIZE  # never spilled to a temporary file
    response = upload(login(w.dir_a), w.village_a, xlsx([person_row("新人甲", new_id(1990))]))
    record = ImportRecord.objects.get()
    assert response.status_code == 302 and record.status == ImportRecord.Status.CHECKED
