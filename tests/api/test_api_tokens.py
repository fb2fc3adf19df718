"""Personal tokens: made on her own page (shown once, stored hashed), expiring, revoked there, each
use recorded; the session works with its CSRF token; neither works while the administrator demands
a new password; an unknown address answers in the API's shape; the throttles answer 429."""

from __future__ import annotations

import contextlib
import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from federation.api.models import TokenUse
from federation.api.throttles import TokenThrottle, UserThrottle
from federation.core.logins import password_change_require, password_change_waive
from tests.helpers.web import PASSWORD


def _made_on_the_page(client) -> str:
    page = client.post(reverse("api_tokens"), {"name": "村里的录入脚本"})
    assert page.status_code == 200
    return re.search(r'id="new-token" readonly value="([0-9a-f]+)"', page.content.decode()).group(1)


def test_a_token_is_shown_once_stored_hashed_and_its_use_recorded(world, login):
    client = login(world.dir_a)
    text = _made_on_the_page(client)

    token = AuthToken.objects.get(user=world.dir_a)
    assert text not in (token.digest, token.token_key) and token.token_key == text[:15]
    days = (token.expiry - timezone.now()) / dt.timedelta(days=1)
    assert 89.9 < days <= 90
    listed = client.get(reverse("api_tokens")).content.decode()
    assert "村里的录入脚本" in listed and text not in listed and "还没有用过" in listed

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {text}")
    assert api.get("/api/v1/persons/", REMOTE_ADDR="10.1.2.3").status_code == 200
    use = TokenUse.objects.get(token=token)
    assert use.uses == 1 and use.last_used_from == "10.1.2.3"
    assert timezone.now() - use.last_used_at < dt.timedelta(minutes=1)
    assert "10.1.2.3" in client.get(reverse("api_tokens")).content.decode()


def test_a_revoked_or_expired_token_is_refused(world, login):
    client = login(world.dir_a)
    revoked, expiring = _made_on_the_page(client), _made_on_the_page(client)
    digest = AuthToken.objects.get(token_key=revoked[:15]).digest
    confirm = client.get(reverse("api_token_revoke", args=[digest]))
    assert "撤销不能恢复" in confirm.content.decode()
    assert login(world.dir_b).post(reverse("api_token_revoke", args=[digest])).status_code == 404
    client = login(world.dir_a)
    client.post(reverse("api_token_revoke", args=[digest]))
    AuthToken.objects.filter(token_key=expiring[:15]).update(expiry=timezone.now() - dt.timedelta(seconds=1))

    for text in (revoked, expiring):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {text}")
        answer = api.get("/api/v1/persons/")
        assert answer.status_code == 401 and answer.json()["code"] == "authentication_failed"
    assert not AuthToken.objects.filter(user=world.dir_a).exists()


def test_the_session_needs_its_csrf_token_to_write(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.dir_a, backend="federation.core.backends.RoleBackend")
    assert client.get("/api/v1/persons/").status_code == 200
    answer = client.post("/api/v1/households/", {"group": world.group_a.pk}, format="json")
    assert answer.status_code == 403 and "CSRF" in answer.json()["detail"]


def test_a_user_who_must_change_her_password_is_refused_by_token_and_session(world, api_as, client):
    token = api_as(world.dir_a)
    session = APIClient()
    session.post(reverse("login"), {"username": "dir_a", "password": PASSWORD})
    assert token.get("/api/v1/persons/").status_code == 200
    assert session.get("/api/v1/persons/").status_code == 200

    # Demanded while she is signed in (her session has no mark) and at her next log-in (it has).
    password_change_require(user=world.dir_a, by=world.admin)
    marked = APIClient()
    marked.post(reverse("login"), {"username": "dir_a", "password": PASSWORD})
    for caller in (token, session, marked):
        for answer in (
            caller.get("/api/v1/persons/"),
            caller.post("/api/v1/households/", {"group": world.group_a.pk}, format="json"),
        ):
            assert answer.status_code == 403, answer
            body = answer.json()
            assert body["code"] == "password_change_required" and "修改密码" in body["detail"]
    assert marked.get(reverse("home"))["Location"] == reverse("password_change")  # the pages: the change page

    password_change_waive(user=world.dir_a)
    assert token.get("/api/v1/persons/").status_code == 200
    assert api_as(world.dir_b).get("/api/v1/persons/").status_code == 200


UNKNOWN = ["/api/nothing/", "/api/v1/nothing/", "/api/v1/persons/1/nothing/", "/api/v2/persons/"]


def test_an_unknown_address_under_the_api_answers_json_404(world, api_as, client):
    for path in UNKNOWN:
        for caller in (api_as(world.dir_a), client):
            answer = caller.get(path)
            assert answer.status_code == 404 and answer["Content-Type"] == "application/json", path
            body = answer.json()
            assert body["code"] == "not_found" and "没有这个接口地址" in body["detail"]
    assert client.get("/api/v1/persons")["Location"] == "/api/v1/persons/"  # Django adds the slash, as before
    assert "application/json" not in client.get("/registry/nothing/")["Content-Type"]  # the pages' own 404


@pytest.fixture
def slow_rates(monkeypatch):
    for throttle in (TokenThrottle, UserThrottle):
        monkeypatch.setattr(throttle, "THROTTLE_RATES", {"token": "2/min", "user": "4/min"})


def test_each_token_and_each_user_is_throttled(world, api_as, slow_rates):
    first, second = api_as(world.staff), api_as(world.staff)
    assert [first.get("/api/v1/organisation/").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/api/v1/organisation/").status_code == 200  # a token of her own: its own rate
    refused = second.get("/api/v1/organisation/")  # her fifth request (every one counts): the user's rate
    assert refused.status_code == 429 and refused.json()["code"] == "throttled"
    assert refused["Retry-After"]


def another_process() -> None:
    """Forget what this process keeps in memory, as a second gunicorn process never had it: its
    cache connections (made again on their next use) and every in-memory (LocMem) cache's content."""
    from django.core.cache.backends import locmem

    for alias in settings.CACHES:
        with contextlib.suppress(AttributeError):  # not made in this process yet
            del caches[alias]
    for kept in (*locmem._caches.values(), *locmem._expire_info.values()):
        kept.clear()


def test_the_counts_are_shared_by_every_process(world, api_as, slow_rates):
    token = api_as(world.staff)
    answers = []
    for _ in range(3):  # each request served by another process
        answers.append(token.get("/api/v1/organisation/"))
        another_process()
    assert [a.status_code for a in answers] == [200, 200, 429]
    body = answers[-1].json()
    assert set(body) == {"detail", "code"} and body["code"] == "throttled"
    assert "请求已被限流" in body["detail"] and "秒后可用" in body["detail"]
