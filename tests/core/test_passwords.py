"""Every user changes her own password; the administrator can demand a change at the next log-in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from federation.core.models import ForcedPasswordChange
from tests.helpers.web import PASSWORD

NEW_PASSWORD = "Hongqi#Spring2027"
ROLES = ["dir_a", "county_viewer", "staff", "chair", "admin"]


def log_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def change(client, old, new, again=None):
    data = {"old_password": old, "new_password1": new, "new_password2": again or new}
    return client.post(reverse("password_change"), data)


@pytest.mark.parametrize("user_key", ROLES)
def test_every_role_finds_the_link_and_changes_her_own_password(client, world, user_key):
    user = getattr(world, user_key)
    assert log_in(client, user.username).status_code == 302
    home = client.get(reverse("home"), follow=True).content.decode()
    assert f'href="{reverse("password_change")}"' in home
    page = client.get(reverse("password_change")).content.decode()
    assert "旧密码" in page and "新密码" in page
    response = change(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    # Still signed in, told so.
    assert "密码已修改" in client.get(response["Location"], follow=True).content.decode()
    client.post(reverse("logout"))
    assert log_in(client, user.username, PASSWORD).status_code == 200
    assert log_in(client, user.username, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize("user_key", ROLES)
def test_a_wrong_old_password_changes_nothing(client, world, user_key):
    user = getattr(world, user_key)
    log_in(client, user.username)
    response = change(client, "not-my-password", NEW_PASSWORD)
    assert response.status_code == 200
    assert "旧密码不正确" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and not user.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    ("new", "again", "message"),
    [
        ("12345678", None, "这个密码太常见了"),
        ("Hq1!", None, "密码长度太短。密码必须包含至少 8 个字符"),
        (NEW_PASSWORD, "Hongqi#Spring2028", "输入的两个密码不一致"),
        ("Fulian@2026", None, "这是演示系统公开的密码，不能使用"),  # the tests' own password is the demo's
    ],
)
def test_a_bad_new_password_is_refused_in_chinese(client, world, new, again, message):
    log_in(client, "dir_a")
    response = change(client, PASSWORD, new, again)
    assert response.status_code == 200
    assert message in response.content.decode()
    world.dir_a.refresh_from_db()
    assert world.dir_a.check_password(PASSWORD)


def test_the_old_password_again_is_refused(client, world):
    world.dir_a.set_password(NEW_PASSWORD)
    world.dir_a.save()
    log_in(client, "dir_a", NEW_PASSWORD)
    response = change(client, NEW_PASSWORD, NEW_PASSWORD)
    assert "新密码不能与原密码相同" in response.content.decode()


def test_the_change_page_needs_a_log_in(client, world):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _demand_change(client, world, *users):
    client.force_login(world.admin, backend="federation.core.backends.RoleBackend")
    client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "require_password_change", "_selected_action": [str(u.pk) for u in users]},
    )
    client.post(reverse("logout"))


def test_a_demanded_change_keeps_her_on_the_change_page_until_she_has_made_it(client, world):
    _demand_change(client, world, world.dir_a)
    assert ForcedPasswordChange.objects.filter(user=world.dir_a).exists()
    response = log_in(client, "dir_a")
    assert response.status_code == 302
    change_url = reverse("password_change")
    for url in (
        reverse("home"),
        reverse("registry:women_ledger"),
        reverse("admin:index"),
        reverse("exports:job_list"),
        reverse("password_change") + "x",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == change_url, url
    page = client.get(change_url).content.decode()
    assert "管理员要求您修改密码" in page
    # A wrong old password keeps her there.
    change(client, "wrong", NEW_PASSWORD)
    assert client.get(reverse("home"))["Location"] == change_url
    assert change(client, PASSWORD, NEW_PASSWORD).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert not ForcedPasswordChange.objects.filter(user=world.dir_a).exists()
    # The next log-in goes straight to her village.
    client.post(reverse("logout"))
    assert log_in(client, "dir_a", NEW_PASSWORD).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_she_can_log_out_before_changing_it_and_is_held_again_next_time(client, world):
    _demand_change(client, world, world.county_viewer)
    log_in(client, "county")
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    log_in(client, "county")
    assert client.get(reverse("home"))["Location"] == reverse("password_change")


def test_the_demand_touches_only_the_users_it_names(client, world):
    _demand_change(client, world, world.dir_a)
    log_in(client, "dir_b")
    assert client.get(reverse("home")).status_code == 200


def test_the_administrator_withdraws_a_demand(client, world):
    _demand_change(client, world, world.dir_a)
    client.force_login(world.admin, backend="federation.core.backends.RoleBackend")
    listing = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "须改密码" in listing
    client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "waive_password_change", "_selected_action": [str(world.dir_a.pk)]},
    )
    client.post(reverse("logout"))
    log_in(client, "dir_a")
    assert client.get(reverse("home")).status_code == 200


def test_the_township_staff_cannot_demand_a_change(client, world):
    client.force_login(world.staff, backend="federation.core.backends.RoleBackend")
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "require_password_change", "_selected_action": [str(world.dir_a.pk)]},
    )
    assert response.status_code == 403
    assert not ForcedPasswordChange.objects.exists()
