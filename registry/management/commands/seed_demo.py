"""``manage.py seed_demo [--seed N]``: a realistic demo township with its log-ins (see registry/demo.py)."""

from __future__ import annotations

import random
import time
import unicodedata

from django.core.management.base import BaseCommand

from registry.demo import COUNTY_NAME, DEFAULT_SEED, DEMO_PASSWORD, TOWNSHIP_NAME, seed_demo


def _pad(text: str, width: int) -> str:
    """Pad ``text`` with spaces to ``width`` terminal columns (a Chinese character takes two)."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 1)


def seed_extras(seed: int) -> dict[str, int]:
    """Fill the registers and, where those apps provide a demo, outreach and loans; return counts.

    Each part does nothing when its data already exists, so the command stays idempotent.
    """
    from importlib import import_module
    from importlib.util import find_spec

    from django.utils import timezone

    from federation.core.models import Township
    from registry.demo import TOWNSHIP_CODE
    from registry.demo_registers import seed_registers

    township = Township.objects.get(code=TOWNSHIP_CODE)
    year = timezone.localdate().year
    counts = {"台账登记": seed_registers(rng=random.Random(seed), township=township, year=year)}
    for module, function, label in (
        ("outreach.demo", "seed_outreach", "走访与服务"),
        ("loans.demo", "seed_loans", "小额贷款"),
    ):
        if find_spec(module) is not None and hasattr(import_module(module), function):
            counts[label] = getattr(import_module(module), function)(
                rng=random.Random(seed), township=township
            )
    return counts


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
        result = seed_demo(seed)
        extras = seed_extras(seed)
        elapsed = time.monotonic() - started
        out = self.stdout
        if result.created:
            out.write(self.style.SUCCESS(f"示范数据已生成（种子 {seed}，用时 {elapsed:.1f} 秒）。"))
        else:
            out.write(self.style.WARNING(f"示范数据已存在：{TOWNSHIP_NAME}已有住户，未再生成。"))
        out.write(f"{COUNTY_NAME}{TOWNSHIP_NAME}：")
        out.write(f"  村：{result.villages} 个（村民小组 {result.groups} 个）")
        out.write(f"  户：{result.households} 户")
        out.write(f"  居民：{result.persons} 人")
        for label, count in extras.items():
            if count:
                out.write(f"  {label}：新增 {count} 条")
        out.write(f"演示账号（新建的账号密码均为 {DEMO_PASSWORD}）：")
        out.write(
            "  "
            + "".join(_pad(h, w) for h, w in (("用户名", 9), ("角色", 15), ("单位", 9), ("姓名", 15)))
            + "密码"
        )
        for user in result.users:
            password = user["password"] if user["created"] else "（账号已存在，密码未改动）"
            columns = (user["username"], 9), (user["role"], 15), (user["unit"], 9), (user["full_name"], 15)
            out.write("  " + "".join(_pad(text, width) for text, width in columns) + password)
