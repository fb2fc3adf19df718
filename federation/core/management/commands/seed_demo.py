"""``manage.py seed_demo [--seed N] [--bind ADDRESS] [--at-start]``: the demo every app contributes.

Only into the demo's database (``federation.core.models.Installation``): an empty database becomes
the demo; an office's database, one holding data that was never the demo, and a non-loopback
address (``--bind``, else the ``BIND`` environment variable) are refused with the reason.
"""

from __future__ import annotations

import os
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from federation.core.demo import seed_all
from federation.core.models import Installation, InstallationRefused

DEFAULT_SEED = 2014
DEFAULT_BIND = "127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "生成示范数据：示范县幸福乡的 8 个村、约 2000 户、约 6000 名居民，以及演示账号（密码公开）。"
        "只用于空数据库或演示数据库，只在本机地址上运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"随机数种子，同一种子生成相同的数据（默认 {DEFAULT_SEED}）。",
        )
        parser.add_argument(
            "--bind",
            default=None,
            help=f"网站将服务的地址（默认取环境变量 BIND，没有时为 {DEFAULT_BIND}）；不是本机地址时不生成。",
        )
        parser.add_argument(
            "--at-start",
            action="store_true",
            help="scripts/serve.sh 启动时使用：不能生成时只说明原因，不报错退出。",
        )

    def handle(self, *args, seed: int, bind: str | None, at_start: bool, **options):
        bind = bind or os.environ.get("BIND") or DEFAULT_BIND
        started = time.monotonic()
        try:
            with transaction.atomic():
                Installation.claim_for_demo(bind=bind)
        except InstallationRefused as refused:
            if at_start:
                self.stdout.write(self.style.WARNING(str(refused)))
                return
            raise CommandError(str(refused)) from refused
        for report in seed_all(seed):
            for index, line in enumerate(report.lines):
                style = {"success": self.style.SUCCESS, "warning": self.style.WARNING}.get(report.style)
                self.stdout.write(style(line) if style and index == 0 else line)
        self.stdout.write(f"用时 {time.monotonic() - started:.1f} 秒。")
