"""The installation's system checks: no demo account and no demo database where real people connect.

Deployment checks (``manage.py check --deploy``; ``scripts/serve.sh`` runs them before serving),
tagged ``federation``:

- ``federation.E001``: an active account that may open everything (a superuser) or that the demo
  created still has the demo's published password. Only those are checked, each by its hash: one
  PBKDF2 check costs about half a second, too much for every account of a county at every start,
  and these are the accounts the published password opens (the demo's) or that open everything.
  On the demo's own database served on this machine alone the demo's passwords are what it is for.
- ``federation.E002``: the database is the demo's while the site is served to others: ``HTTPS=true``,
  a non-loopback ``BIND`` (scripts/serve.sh passes it) or an ``ALLOWED_HOSTS`` entry other than
  this machine. ``DEBUG=false`` alone is not such a sign: the embedded demo runs with it on 127.0.0.1.
- ``federation.E003``: the database cannot be read, so neither could be checked.

A database not migrated yet holds no account: nothing to check.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.checks import Error, register
from django.db import DatabaseError, connection

from federation.core.demo import DEMO_PASSWORD
from federation.core.models import Installation, bind_is_loopback, host_is_loopback


def exposure() -> list[str]:
    """Return the signs that this site is served to others than this machine (empty for the embedded run)."""
    signs = []
    if getattr(settings, "SESSION_COOKIE_SECURE", False) or getattr(settings, "SECURE_SSL_REDIRECT", False):
        signs.append("HTTPS=true")
    bind = os.environ.get("BIND", "")
    if bind and not bind_is_loopback(bind):
        signs.append(f"BIND={bind}")
    hosts = [h for h in settings.ALLOWED_HOSTS if not host_is_loopback(h.lstrip("."))]
    if hosts:
        signs.append(f"ALLOWED_HOSTS={','.join(hosts)}")
    return signs


def accounts_with_demo_password(installation: Installation | None) -> list[str]:
    """Return the active superusers and demo-created accounts whose password is the demo's, by user name."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    named = installation.demo_accounts if installation else []
    candidates = get_user_model().objects.filter(Q(is_superuser=True) | Q(username__in=named), is_active=True)
    return [user.username for user in candidates.order_by("username") if user.check_password(DEMO_PASSWORD)]


@register("federation", deploy=True)
def check_installation(app_configs=None, **kwargs) -> list[Error]:
    """Return the errors of an installation that a published password or the demo's data would open."""
    try:
        if Installation._meta.db_table not in connection.introspection.table_names():
            return []
        installation = Installation.current()
        signs = exposure()
        is_demo = installation is not None and installation.kind == Installation.Kind.DEMO
        errors = []
        if is_demo and signs:
            errors.append(
                Error(
                    f"这是演示数据库（seed_demo 生成，演示账号的密码是公开的），却在为其他电脑服务"
                    f"（{'，'.join(signs)}）。",
                    hint="演示只在本机运行（BIND=127.0.0.1:8000）。正式使用请用一个空数据库，运行 "
                    "python manage.py setup_office 文件 设置本单位（见 README“Running a real office”）。",
                    obj="Installation",
                    id="federation.E002",
                )
            )
        if not is_demo:
            names = accounts_with_demo_password(installation)
            if names:
                errors.append(
                    Error(
                        f"账号 {'、'.join(names)} 的密码是公开的演示密码。",
                        hint="请改掉这些账号的密码（python manage.py changepassword 用户名），"
                        "或在管理后台停用它们。",
                        obj="User",
                        id="federation.E001",
                    )
                )
        return errors
    except DatabaseError as error:
        return [
            Error(
                f"无法读取数据库，未能检查演示账号：{error}",
                hint="请确认 DATABASE_URL 正确、数据库已启动，并已运行 python manage.py migrate。",
                id="federation.E003",
            )
        ]
