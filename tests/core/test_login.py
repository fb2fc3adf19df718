"""Log-in: the lock of a name at an address, the limit per address, the trail of failed log-ins and
unlocking them; idle sessions; password rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from federation.core.models import LoginFailure
from tests.helpers.web import PASSWORD

LOCKED = "登录失败次数过多，该账户在您所在的网络地址已被锁定"
ADDRESS_REFUSED = "15 分钟内不能从这里登录任何账户"
ATTACKER = "198.51.100.7"


def attempt(client, username, password, address="127.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


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


def test_two_users_behind_one_address_do_not_lock_each_other(client, world):
    for _ in range(5):
        attempt(client, "dir_a", "wrong", address="10.0.0.1")
    assert attempt(client, "dir_a", PASSWORD, address="10.0.0.1").status_code == 429
    # The other director behind the same router logs in.
    assert attempt(client, "dir_b", PASSWORD, address="10.0.0.1").status_code == 302


def test_an_attacker_locks_admin_only_at_the_attacker_s_address(client, world):
    for _ in range(5):
        attempt(client, "admin", "guess", address="203.0.113.9")
    response = attempt(client, "admin", PASSWORD, address="203.0.113.9")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    # The administrator in the office is not locked out.
    assert attempt(client, "admin", PASSWORD, address="10.0.0.1").status_code == 302


def test_thirty_failures_across_names_refuse_the_address_whatever_the_name(client, world):
    for n in range(29):
        attempt(client, f"guess{n}", "wrong", address=ATTACKER)
    # 29 failures: the address still logs in.
    assert attempt(client, "dir_b", PASSWORD, address=ATTACKER).status_code == 302
    client.post(reverse("logout"))
    assert attempt(client, "guess29", "wrong", address=ATTACKER).status_code == 200
    response = attempt(client, "dir_a", PASSWORD, address=ATTACKER)
    assert response.status_code == 429
    assert ADDRESS_REFUSED in response.content.decode()
    assert "_auth_user_id" not in client.session
    # A refused address writes no more rows; the same user elsewhere logs in.
    assert LoginFailure.objects.filter(ip_address=ATTACKER).count() == 30
    assert attempt(client, "dir_a", PASSWORD, address="10.0.0.1").status_code == 302


def test_the_admin_log_in_page_refuses_a_refused_address_too(client, world):
    for n in range(30):
        attempt(client, f"guess{n}", "wrong", address=ATTACKER)
    response = client.post(
        reverse("admin:login"), {"username": "admin", "password": PASSWORD}, REMOTE_ADDR=ATTACKER
    )
    assert response.status_code == 429 and ADDRESS_REFUSED in response.content.decode()


def test_the_address_is_refused_for_fifteen_minutes(client, world):
    for n in range(30):
        attempt(client, f"guess{n}", "wrong", address=ATTACKER)
    LoginFailure.objects.update(attempted_at=timezone.now() - dt.timedelta(minutes=14))
    assert attempt(client, "dir_a", PASSWORD, address=ATTACKER).status_code == 429
    LoginFailure.objects.update(attempted_at=timezone.now() - dt.timedelta(minutes=16))
    assert attempt(client, "dir_a", PASSWORD, address=ATTACKER).status_code == 302


def test_a_success_does_not_erase_the_recorded_failures(client, world):
    for _ in range(4):
        attempt(client, "dir_a", "wrong", address=ATTACKER)
    assert attempt(client, "dir_a", PASSWORD, address=ATTACKER).status_code == 302
    client.post(reverse("logout"))
    assert LoginFailure.objects.filter(username="dir_a", ip_address=ATTACKER).count() == 4
    # They still count towards the address's thirty.
    for n in range(26):
        attempt(client, f"guess{n}", "wrong", address=ATTACKER)
    assert attempt(client, "dir_b", PASSWORD, address=ATTACKER).status_code == 429


def test_a_failed_log_in_keeps_who_when_and_where_but_never_the_password(client, world):
    from axes.models import AccessAttempt

    before = timezone.now()
    attempt(client, "dir_a", "Secret-typed-42", address="10.0.0.7")
    failure = LoginFailure.objects.get()
    assert (failure.username, failure.ip_address) == ("dir_a", "10.0.0.7")
    assert before <= failure.attempted_at <= timezone.now()
    kept = [str(value) for value in LoginFailure.objects.values().get().values()]
    kept += [str(value) for value in AccessAttempt.objects.values().get().values()]
    assert not any("Secret-typed-42" in value for value in kept)


def test_failed_log_ins_older_than_the_retention_are_pruned(client, world, settings):
    settings.LOGIN_FAILURE_RETENTION_DAYS = 180
    attempt(client, "old", "wrong")
    LoginFailure.objects.update(attempted_at=timezone.now() - dt.timedelta(days=181))
    attempt(client, "recent", "wrong")
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["recent"]


def test_the_address_comes_from_x_forwarded_for_only_behind_a_trusted_proxy(client, world, settings):
    def recorded(**headers):
        LoginFailure.objects.all().delete()
        client.post(reverse("login"), {"username": "dir_a", "password": "wrong"}, **headers)
        return LoginFailure.objects.get().ip_address

    forwarded = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 10.0.0.8"}
    # No trusted proxy by default: the header is the client's own writing and is ignored.
    assert recorded(**forwarded) == "127.0.0.1"
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    # Behind the proxy: the address the proxy appended, not the one the client wrote before it.
    assert recorded(**forwarded) == "10.0.0.8"
    # A client that is not the proxy cannot choose its address by the header.
    assert recorded(REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="10.0.0.1") == "10.0.0.9"


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


# The administrator's screens: the failed log-ins, unlocking a user, an address.


def _failures_page(client, **query):
    return client.get(reverse("admin:federation_loginfailure_changelist"), query)


def _run_action(client, url_name, action, pks):
    return client.post(reverse(url_name), {"action": action, "_selected_action": [str(pk) for pk in pks]})


def test_the_administrator_reads_the_failed_log_ins_by_name_and_by_address(client, world, login):
    attempt(client, "dir_a", "wrong", address="10.0.0.1")
    attempt(client, "ghost", "wrong", address=ATTACKER)
    admin = login(world.admin)
    page = _failures_page(admin).content.decode()
    assert "dir_a" in page and "ghost" in page and ATTACKER in page
    by_name = _failures_page(admin, username="dir_a").content.decode()
    assert "dir_a" in by_name and "ghost" not in by_name
    by_address = _failures_page(admin, ip_address=ATTACKER).content.decode()
    assert "ghost" in by_address and "10.0.0.1" not in by_address
    # Read-only: no add, no change, no delete.
    failure = LoginFailure.objects.first()
    assert admin.get(reverse("admin:federation_loginfailure_add")).status_code == 403
    change = admin.post(reverse("admin:federation_loginfailure_change", args=[failure.pk]), {"username": "x"})
    assert change.status_code == 403 and LoginFailure.objects.filter(username="x").count() == 0


@pytest.mark.parametrize("user_key", ["staff", "chair"])
def test_the_township_roles_do_not_see_the_failed_log_ins(client, world, login, user_key):
    attempt(client, "dir_a", "wrong")
    township = login(getattr(world, user_key))
    assert _failures_page(township).status_code == 403
    assert "登录失败记录" not in township.get(reverse("admin:index")).content.decode()


def test_the_administrator_unlocks_a_user_and_the_trail_stays(client, world, login):
    for _ in range(5):
        attempt(client, "dir_a", "wrong", address="10.0.0.1")
    assert attempt(client, "dir_a", PASSWORD, address="10.0.0.1").status_code == 429
    admin = login(world.admin)
    _run_action(admin, "admin:auth_user_changelist", "unlock_logins", [world.dir_a.pk])
    admin.post(reverse("logout"))
    assert attempt(client, "dir_a", PASSWORD, address="10.0.0.1").status_code == 302
    # The five failures and the attempt the lock refused stay.
    assert LoginFailure.objects.filter(username="dir_a").count() == 6


def test_the_administrator_unlocks_a_name_at_its_address_from_the_failed_log_ins(client, world, login):
    for address in ("10.0.0.1", "10.0.0.2"):
        for _ in range(5):
            attempt(client, "dir_a", "wrong", address=address)
    admin = login(world.admin)
    one = LoginFailure.objects.filter(ip_address="10.0.0.1").first()
    _run_action(admin, "admin:federation_loginfailure_changelist", "unlock_names", [one.pk])
    admin.post(reverse("logout"))
    assert attempt(client, "dir_a", PASSWORD, address="10.0.0.2").status_code == 429
    assert attempt(client, "dir_a", PASSWORD, address="10.0.0.1").status_code == 302


def test_the_administrator_releases_an_address(client, world, login):
    for n in range(30):
        attempt(client, f"guess{n}", "wrong", address=ATTACKER)
    assert attempt(client, "dir_a", PASSWORD, address=ATTACKER).status_code == 429
    admin = login(world.admin)
    one = LoginFailure.objects.filter(ip_address=ATTACKER).first()
    response = _run_action(admin, "admin:federation_loginfailure_changelist", "release_addresses", [one.pk])
    assert response.status_code == 302
    admin.post(reverse("logout"))
    assert attempt(client, "dir_a", PASSWORD, address=ATTACKER).status_code == 302
    # The rows stay, marked released, and no longer count.
    assert LoginFailure.objects.filter(ip_address=ATTACKER, released_at__isnull=False).count() == 30


def test_the_township_staff_cannot_unlock(client, world, login):
    for _ in range(5):
        attempt(client, "dir_a", "wrong", address="10.0.0.1")
    staff = login(world.staff)
    response = _run_action(staff, "admin:auth_user_changelist", "unlock_logins", [world.dir_a.pk])
    assert response.status_code == 403
    staff.post(reverse("logout"))
    assert attempt(client, "dir_a", PASSWORD, address="10.0.0.1").status_code == 429


def test_the_server_s_command_line_unlocks_a_user_and_an_address(client, world):
    from io import StringIO

    from django.core.management import CommandError, call_command

    for n in range(30):
        attempt(client, "admin" if n < 5 else f"guess{n}", "wrong", address=ATTACKER)
    assert attempt(client, "admin", PASSWORD, address=ATTACKER).status_code == 429
    out = StringIO()
    call_command("unlock_login", address=ATTACKER, stdout=out)
    assert f"已解除地址 {ATTACKER} 的登录限制" in out.getvalue()
    # The address and the names locked at it are free again.
    assert attempt(client, "admin", PASSWORD, address=ATTACKER).status_code == 302
    client.post(reverse("logout"))
    for _ in range(5):
        attempt(client, "dir_a", "wrong", address="10.0.0.1")
    call_command("unlock_login", user="dir_a", stdout=out)
    assert attempt(client, "dir_a", PASSWORD, address="10.0.0.1").status_code == 302
    with pytest.raises(CommandError, match="请指定"):
        call_command("unlock_login")
    with pytest.raises(CommandError, match="不是有效的网络地址"):
        call_command("unlock_login", address="10.0.0.300")
