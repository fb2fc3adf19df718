"""The project as a whole: migrations complete, production settings pass Django's deploy checks."""

from __future__ import annotations

import os
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.helpers.processes import run_manage


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)  # exits non-zero on a change
    assert out.getvalue().strip() == "No changes detected"


def production_env(tmp_path) -> dict[str, str]:
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DJANGO_SETTINGS_MODULE="federation.project.settings",
        SECRET_KEY="x" * 20 + "-production-key-with-enough-entropy-9f8e7d6c5b4a3f2e1d0c",
        DEBUG="false",
        HTTPS="true",
        ALLOWED_HOSTS="fulian.example.cn",
        FEDERATION_VAR_DIR=str(tmp_path),
    )
    return env


def test_deploy_checks_pass_with_production_values(tmp_path):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db(transaction=True)  # its installation is a copy of the test database
def test_deploy_checks_pass_for_a_set_up_office_and_fail_with_a_demo_password_account(
    tmp_path, migrated_installation
):
    env = production_env(tmp_path) | migrated_installation(tmp_path)
    divisions = tmp_path / "divisions.csv"
    divisions.write_text("513422,清水县\n513422101000,清水乡\n513422101201,上坝村\n", encoding="utf-8")
    done = run_manage("setup_office", str(divisions), "--generate-password", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout

    # A careless administrator adds a second one with the password the README publishes.
    env_demo = env | {"DJANGO_SUPERUSER_PASSWORD": "Fulian@2026"}
    done = run_manage("createsuperuser", "--no-input", "--username", "admin2", "--email", "", env=env_demo)
    assert done.returncode == 0, done.stdout + done.stderr
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "federation.E001" in result.stderr and "admin2" in result.stderr


def test_deploy_checks_fail_with_debug_on(tmp_path):
    env = production_env(tmp_path) | {"DEBUG": "true"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "DEBUG" in result.stdout + result.stderr


def test_the_interface_is_chinese_in_shanghai_time(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


on_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql", reason="PostgreSQL's"
)


def first_value(sql: str):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


@pytest.mark.django_db
@on_postgresql
def test_postgresql_compiles_no_query_just_in_time():
    # A county's candidate query spent 1 s of 1.1 s in JIT compilation (issue 13).
    assert first_value("SHOW jit") == "off"


@pytest.mark.django_db
@on_postgresql
def test_a_search_by_name_has_a_trigram_index_to_read_on_postgresql():
    index = first_value("SELECT indexdef FROM pg_indexes WHERE indexname = 'person_name_trigram'")
    assert "gin_trgm_ops" in index


def test_a_records_address_is_its_pages_under_any_script_prefix(world):
    """Records link to their pages from a worked-out address (once a process): the same as reversed,
    with the prefix the site is served under (``SCRIPT_NAME`` behind a reverse proxy)."""
    from django.urls import NoReverseMatch, reverse, set_script_prefix

    from registry.models import Household, Person

    woman, household = world.woman_a, world.household_a
    assert woman.get_absolute_url() == reverse("registry:person_detail", args=[woman.pk])
    assert household.get_absolute_url() == reverse("registry:household_detail", args=[household.pk])
    set_script_prefix("/fulian/")
    try:
        assert woman.get_absolute_url() == f"/fulian/registry/persons/{woman.pk}/"
        assert woman.get_absolute_url() == reverse("registry:person_detail", args=[woman.pk])
    finally:
        set_script_prefix("/")
    with pytest.raises(NoReverseMatch):
        Person(name="未保存").get_absolute_url()
    assert Household.objects.get(pk=household.pk).get_absolute_url().endswith(f"/{household.pk}/")
