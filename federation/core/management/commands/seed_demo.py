"""``manage.py seed_demo [--seed N]``: the demo data every app contributes (``federation.core.demo``)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from federation.core.demo import seed_all

DEFAULT_SEED = 2014


class Command(BaseCommand):
    help = "生成示范数据：示范县幸福乡的 8 个村、约 2000 户、约 6000 名居民，以及演示账号。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"随机数种子，同一种子生成相同的数据（默认 {DEFAULT_SEED}）。",
        )

    def handle(self, *args, seed: int, **options):
        started = time.monotonic()
        for report in seed_all(seed):
            for index, line in enumerate(report.lines):
                style = {"success": self.style.SUCCESS, "warning": self.style.WARNING}.get(report.style)
                self.stdout.write(style(line) if style and index == 0 else line)
        self.stdout.write(f"用时 {time.monotonic() - started:.1f} 秒。")
