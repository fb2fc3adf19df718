"""A real installation apart from the demo: the flag, seed_demo's refusals, setup_office, the check.

The demo itself (a new database seeded, a deleted demo log-in not created again) is tested on the
seeded township in tests/registry/test_seed_demo.py; the deploy check end to end, as a command with
production values, in tests/core/test_project.py.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from federation.core.checks import check_installation
from federation.core.demo import DEMO_PASSWORD
from federation.core.management.commands import setup_office
from federation.core.models import (
    County,
    Installation,
    Membership,
    Township,
    Village,
    bind_is_loopback,
)
from federation.core.roles import Role
from federation.core.services import user_create

OFFICE_PASSWORD = "Qingshui-Xiang-2026"

DIVISIONS = """\ufeff# 清水县清水乡（示例）
代码,名称
513422,清水县
513422101,清水乡
513422101201,上坝村
513422101202,下坝村
513422102000,石门镇
513422102201,石门社区
"""


def everything() -> list[int]:
    """Return how many installation rows, units and accounts there are (what a refusal leaves as it was)."""
    models = (Installation, County, Township, Village, get_user_model(), Membership)
    return [model.objects.count() for model in models]


def division_file(tmp_path, text: str, name: str = "divisions.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def typed(monkeypatch):
    """Return the list of what the user types at the password prompts (consumed in order)."""
    answers: list[str] = []

    def fake_getpass(prompt=""):
        if not answers:
            raise EOFError
        return answers.pop(0)

    monkeypatch.setattr(setup_office.getpass, "getpass", fake_getpass)
    return answers


def can_log_in(client, username: str, password: str) -> bool:
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


# --- where the demo may be served --------------------------------------------------------------------


@pytest.mark.parametrize(
    "bind, loopback",
    [
        ("127.0.0.1:8000", True),
        ("127.0.1.1:80", True),
        ("localhost:8000", True),
        ("[::1]:8000", True),
        ("::1", True),
        ("0.0.0.0:8000", False),
        (":8000", False),
        ("192.168.1.20:8000", False),
        ("[::]:8000", False),
        ("fulian.example.cn:80", False),
        ("unix:/run/fulian.sock", False),
    ],
)
def test_only_addresses_of_this_machine_are_loopback(bind, loopback):
    assert bind_is_loopback(bind) is loopback


# --- seed_demo's refusals --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_demo_refuses_a_non_loopback_address_and_writes_nothing(monkeypatch):
    before = everything()
    with pytest.raises(CommandError, match="0.0.0.0:8000 不是本机地址"):
        call_command("seed_demo", bind="0.0.0.0:8000")
    monkeypatch.setenv("BIND", "192.168.1.20:8000")  # as scripts/serve.sh passes it
    with pytest.raises(CommandError, match="192.168.1.20:8000 不是本机地址"):
        call_command("seed_demo")
    assert everything() == before == [0, 0, 0, 0, 0, 0]


@pytest.mark.django_db
def test_seed_demo_refuses_an_office_database(tmp_path):
    call_command(
        "setup_office", str(division_file(tmp_path, DIVISIONS)), generate_password=True, stdout=StringIO()
    )
    before = everything()
    with pytest.raises(CommandError, match="这是正式使用的数据库"):
        call_command("seed_demo")
    with pytest.raises(CommandError, match="这是正式使用的数据库"):  # whatever the address
        call_command("seed_demo", bind="0.0.0.0:8000")
    assert everything() == before
    assert not get_user_model().objects.filter(username__in=["county", "chair", "cun01"]).exists()


@pytest.mark.django_db
def test_seed_demo_refuses_a_database_holding_data_that_was_never_the_demo(world):
    before = everything()
    with pytest.raises(CommandError, match="已有单位或账号，却不是演示数据库"):
        call_command("seed_demo")
    assert everything() == before and Installation.current() is None


@pytest.mark.django_db
def test_at_start_seed_demo_says_why_it_does_not_seed_and_goes_on():
    Installation.objects.create(kind=Installation.Kind.OFFICE)
    out = StringIO()
    call_command("seed_demo", at_start=True, stdout=out)  # serve.sh's call: no error, the reason said
    assert "不生成演示数据：这是正式使用的数据库" in out.getvalue()
    assert everything() == [1, 0, 0, 0, 0, 0]


# --- the installation's check ---------------------------------------------------------------------------


def error_ids(errors) -> list[str]:
    return [error.id for error in errors]


@pytest.fixture
def embedded(settings, monkeypatch):
    """The embedded run's values: no HTTPS, no BIND given, only this machine's host names."""
    monkeypatch.delenv("BIND", raising=False)
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    settings.SESSION_COOKIE_SECURE = settings.SECURE_SSL_REDIRECT = False
    return settings


@pytest.mark.django_db
def test_an_account_with_the_demo_password_fails_the_check(embedded, tmp_path):
    call_command(
        "setup_office", str(division_file(tmp_path, DIVISIONS)), generate_password=True, stdout=StringIO()
    )
    assert check_installation() == []
    second = user_create(
        username="guanli2",
        password=DEMO_PASSWORD,
        full_name="第二管理员",
        role=Role.ADMINISTRATOR,
        unit=County.objects.get(),
    )
    errors = check_installation()
    assert error_ids(errors) == ["federation.E001"] and "guanli2" in errors[0].msg
    second.is_active = False  # a disabled account opens nothing
    second.save()
    assert check_installation() == []
    second.is_active = True
    second.set_password(OFFICE_PASSWORD)
    second.save()
    assert check_installation() == []


@pytest.mark.django_db
def test_a_database_never_set_up_with_a_demo_password_superuser_fails_the_check(embedded, world):
    # The world's administrator has the demo password and the database is no demo.
    errors = check_installation()
    assert error_ids(errors) == ["federation.E001"] and "admin" in errors[0].msg


@pytest.mark.django_db
@pytest.mark.parametrize(
    "exposed, sign",
    [
        ({"env": ("BIND", "0.0.0.0:8000")}, "BIND=0.0.0.0:8000"),
        ({"settings": ("ALLOWED_HOSTS", ["fulian.example.cn"])}, "ALLOWED_HOSTS=fulian.example.cn"),
        ({"settings": ("SESSION_COOKIE_SECURE", True)}, "HTTPS=true"),
    ],
)
def test_the_demo_passes_on_this_machine_and_fails_served_to_others(embedded, monkeypatch, exposed, sign):
    installation = Installation.objects.create(kind=Installation.Kind.DEMO)
    county = County.objects.create(code="513401", name="示范县")
    user_create(
        username="admin", password=DEMO_PASSWORD, full_name="系统管理员", role=Role.ADMINISTRATOR, unit=county
    )
    installation.record_demo_accounts(["admin"])
    assert check_installation() == []  # the demo on 127.0.0.1, as scripts/serve.sh runs it
    if "env" in exposed:
        monkeypatch.setenv(*exposed["env"])
    else:
        setattr(embedded, *exposed["settings"])
    errors = check_installation()
    assert error_ids(errors) == ["federation.E002"]
    assert sign in errors[0].msg and "演示数据库" in errors[0].msg


@pytest.mark.django_db
def test_a_set_up_office_served_to_others_passes_the_check(embedded, monkeypatch, tmp_path):
    call_command(
        "setup_office", str(division_file(tmp_path, DIVISIONS)), generate_password=True, stdout=StringIO()
    )
    monkeypatch.setenv("BIND", "0.0.0.0:8000")
    embedded.ALLOWED_HOSTS = ["fulian.example.cn"]
    embedded.SESSION_COOKIE_SECURE = True
    assert check_installation() == []


# --- setup_office -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_setup_office_creates_the_units_and_an_administrator_who_can_log_in(tmp_path, typed, client):
    typed += [OFFICE_PASSWORD, OFFICE_PASSWORD]
    out = StringIO()
    call_command("setup_office", str(division_file(tmp_path, DIVISIONS)), username="qs_admin", stdout=out)

    county = County.objects.get()
    assert (county.code, county.name) == ("513422", "清水县")
    assert list(Township.objects.values_list("code", "name", "county")) == [
        ("513422101000", "清水乡", county.pk),  # a 9-digit township code gets its 000
        ("513422102000", "石门镇", county.pk),
    ]
    assert list(Village.objects.values_list("code", "name", "township__name")) == [
        ("513422101201", "上坝村", "清水乡"),
        ("513422101202", "下坝村", "清水乡"),
        ("513422102201", "石门社区", "石门镇"),
    ]
    assert Installation.current().kind == Installation.Kind.OFFICE
    admin = get_user_model().objects.get()
    assert admin.username == "qs_admin" and admin.is_superuser
    assert (admin.membership.role, admin.membership.unit) == (Role.ADMINISTRATOR, county)
    assert OFFICE_PASSWORD not in out.getvalue()  # a typed password is never shown
    assert "清水乡（513422101000）：村 2 个" in out.getvalue()
    assert can_log_in(client, "qs_admin", OFFICE_PASSWORD)


@pytest.mark.django_db
def test_a_generated_password_is_shown_once_and_opens_the_administrator(tmp_path, client):
    out = StringIO()
    call_command("setup_office", str(division_file(tmp_path, DIVISIONS)), generate_password=True, stdout=out)
    (password,) = re.findall(r"只显示这一次，请立即记下）：(\S+)", out.getvalue())
    assert re.fullmatch(r"[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}", password)
    assert out.getvalue().count(password) == 1
    assert can_log_in(client, "admin", password)
    client.logout()
    assert not can_log_in(client, "admin", DEMO_PASSWORD)


@pytest.mark.django_db
def test_typed_passwords_that_differ_are_the_demo_s_or_too_weak_are_refused(tmp_path, typed):
    typed += [OFFICE_PASSWORD, "Another-Password-1", DEMO_PASSWORD, DEMO_PASSWORD, "12345678", "12345678"]
    typed += [OFFICE_PASSWORD, OFFICE_PASSWORD]  # a fourth try is not asked for
    err = StringIO()
    with pytest.raises(CommandError, match="三次都没有输入可用的密码"):
        call_command("setup_office", str(division_file(tmp_path, DIVISIONS)), stdout=StringIO(), stderr=err)
    assert "两次输入的密码不一致" in err.getvalue()
    assert "不能用演示密码" in err.getvalue()
    assert "密码只包含数字" in err.getvalue()  # Django's own rules, in Chinese
    assert everything() == [0, 0, 0, 0, 0, 0]


@pytest.mark.django_db
def test_no_password_typed_sets_nothing_up(tmp_path, typed):
    with pytest.raises(CommandError, match="没有输入密码"):
        call_command("setup_office", str(division_file(tmp_path, DIVISIONS)), stdout=StringIO())
    assert everything() == [0, 0, 0, 0, 0, 0]


@pytest.mark.django_db
def test_bad_lines_are_named_and_nothing_is_written(tmp_path, typed):
    text = (
        "513422,清水县\n"
        "51342210,清水乡\n"  # line 2: eight digits
        "513422101000\n"  # line 3: no name
        "513422102000,石门镇\n"
        "513422102000,石门镇\n"  # line 5: the same code again
        "513423,别的县\n"  # line 6: a second county
    )
    with pytest.raises(CommandError) as refused:
        call_command("setup_office", str(division_file(tmp_path, text)), generate_password=True)
    message = str(refused.value)
    assert "什么也没写入" in message
    assert "第 2 行：代码“51342210”应为 6 位" in message
    assert "第 3 行：应为“代码,名称”两项" in message
    assert "第 5 行：代码 513422102000 与第 4 行重复" in message
    assert "第 6 行：只能有一个县，第 1 行已是县“清水县”" in message
    assert "第 1 行" not in message.replace("第 1 行已是", "")
    assert "第 4 行：" not in message
    assert everything() == [0, 0, 0, 0, 0, 0]


@pytest.mark.django_db
def test_units_the_models_refuse_are_named_and_nothing_is_written(tmp_path, typed):
    text = (
        "代码,名称\n"
        "513422,清水县\n"
        "513422101000,清水乡\n"
        "513423102000,石门镇\n"  # line 4: another county's township (Township.clean)
        "513422101201,上坝村\n"
        "513422103201,无乡村\n"  # line 6: no township of the file
        "513423102201,石门社区\n"  # line 7: its township is line 4, refused
        f"513422101202,{'长' * 51}\n"  # line 8: a name longer than the model keeps
    )
    with pytest.raises(CommandError) as refused:
        call_command("setup_office", str(division_file(tmp_path, text)), generate_password=True)
    lines = str(refused.value).splitlines()[1:]
    assert [line.split("：")[0] for line in lines] == ["第 4 行", "第 6 行", "第 7 行", "第 8 行"]
    assert "乡镇代码的前 6 位应为所属县的代码 513422" in lines[0]
    assert "前 9 位 513422103 不是文件中任何乡镇的代码" in lines[1]
    assert "所属乡镇（第 4 行）有错" in lines[2]
    assert "50" in lines[3]
    assert everything() == [0, 0, 0, 0, 0, 0]


@pytest.mark.django_db
def test_a_file_not_in_utf8_is_refused_with_its_line(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("513422,清水县\n513422101000,清水乡\n".encode("gbk"))
    with pytest.raises(CommandError, match="第 1 行：文件不是 UTF-8 编码"):
        call_command("setup_office", str(path), generate_password=True)
    with pytest.raises(CommandError, match="找不到区划文件"):
        call_command("setup_office", str(tmp_path / "missing.csv"), generate_password=True)
    assert everything() == [0, 0, 0, 0, 0, 0]


@pytest.mark.django_db
def test_setup_office_refuses_the_demo_s_database_and_a_second_run(tmp_path):
    path = str(division_file(tmp_path, DIVISIONS))
    Installation.objects.create(kind=Installation.Kind.DEMO)
    with pytest.raises(CommandError, match="这是演示数据库"):
        call_command("setup_office", path, generate_password=True)
    assert everything() == [1, 0, 0, 0, 0, 0]
    Installation.objects.all().delete()
    call_command("setup_office", path, generate_password=True, stdout=StringIO())
    before = everything()
    with pytest.raises(CommandError, match="已经设置过"):
        call_command("setup_office", path, generate_password=True, username="another")
    assert everything() == before


@pytest.mark.django_db
def test_setup_office_refuses_a_database_that_already_holds_units(world, tmp_path):
    before = everything()
    with pytest.raises(CommandError, match="已有单位或账号"):
        call_command("setup_office", str(division_file(tmp_path, DIVISIONS)), generate_password=True)
    assert everything() == before


def test_the_example_file_in_the_repository_reads(settings):
    from pathlib import Path

    divisions = setup_office.read_divisions(
        (Path(settings.BASE_DIR) / "docs/divisions_example.csv").read_bytes()
    )
    assert [d.level for d in divisions][:2] == ["county", "township"]
    assert {d.level for d in divisions[2:]} == {"village"}
