"""Log-in, lock-out after five failures, idle sessions, password rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.helpers.web import PASSWORD

LOCKED = "登录失败次数过多"


def attempt(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_page_is_chinese(client, db):
    body = client.get(reverse("login")).content.decode()
    assert "乡镇妇联工作台账系统" in body and "用户名" in body and "密码" in body
    assert 'lang="zh-hans"' in body


def test_director_logs_in_and_lands_on_her_village(client, world):
    response = attempt(client, "dir_a", PASSWORD)
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert "红旗村" in body


def test_wrong_password_is_refused_in_chinese(client, world):
    response = attempt(client, "dir_a", "wrong")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_five_failures_lock_the_account_even_with_the_right_password(client, world):
    for _ in range(5):
        attempt(client, "dir_a", "wrong")
    response = attempt(client, "dir_a", PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_keyed_on_the_user_name_not_the_address(client, world):
    for n in range(5):
        client.post(reverse("login"), {"username": "dir_a", "password": "wrong"}, REMOTE_ADDR=f"10.0.0.{n}")
    response = client.post(
        reverse("login"), {"username": "dir_a", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code == 429
    # Another user at the same address is not locked.
    response = client.post(
        reverse("login"), {"username": "dir_b", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302


def test_an_unknown_user_name_gets_the_same_lockout_message(client, world):
    for _ in range(5):
        attempt(client, "dir_a", "wrong")
        attempt(client, "no_such_user", "wrong")
    known = attempt(client, "dir_a", "wrong")
    unknown = attempt(client, "no_such_user", "wrong")
    assert known.status_code == unknown.status_code == 429
    strip = lambda r: r.content.decode().replace("dir_a", "").replace("no_such_user", "")  # noqa: E731
    assert (
        strip(known).split('name="csrfmiddlewaretoken"')[0]
        == strip(unknown).split('name="csrfmiddlewaretoken"')[0]
    )


def test_the_lock_lifts_after_fifteen_minutes(client, world):
    from axes.models import AccessAttempt

    for _ in range(5):
        attempt(client, "dir_a", "wrong")
    assert attempt(client, "dir_a", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    response = attempt(client, "dir_a", PASSWORD)
    assert response.status_code == 302


def test_a_success_before_the_fifth_failure_resets_the_count(client, world):
    for _ in range(4):
        attempt(client, "dir_a", "wrong")
    assert attempt(client, "dir_a", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        attempt(client, "dir_a", "wrong")
    assert attempt(client, "dir_a", PASSWORD).status_code == 302


def test_sessions_end_after_thirty_idle_minutes(client, world):
    assert attempt(client, "dir_a", PASSWORD).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    session = Session.objects.get()
    remaining = session.expire_date - timezone.now()
    assert dt.timedelta(minutes=29) < remaining <= dt.timedelta(minutes=30)
    # Thirty minutes pass without a request.
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_reading_pages_moves_the_idle_end_on_at_most_once_a_minute(client, world, monkeypatch):
    import time

    assert attempt(client, "dir_a", PASSWORD).status_code == 302
    client.get(reverse("home"))
    first_end = Session.objects.get().expire_date
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 30)  # half a minute later: nothing written
    client.get(reverse("home"))
    assert Session.objects.get().expire_date == first_end
    monkeypatch.setattr(time, "time", lambda: now + 61)  # over a minute later: the end moves on
    client.get(reverse("home"))
    assert Session.objects.get().expire_date > first_end


@pytest.mark.parametrize("weak", ["12345678", "password", "abc"])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_logout_is_post_only(client, world):
    attempt(client, "dir_a", PASSWORD)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302
