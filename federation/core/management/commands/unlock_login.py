"""``manage.py unlock_login --user NAME | --address ADDR``: lift a lock from the server's command line,
for when the administrator cannot log in to do it (her office's own address refused)."""

from __future__ import annotations

import ipaddress

from django.core.management.base import BaseCommand, CommandError

from federation.core.logins import address_unlock, user_unlock


class Command(BaseCommand):
    help = "解除登录锁定：一个用户名在所有地址的锁定（--user），或一个地址的登录限制（--address）。"

    def add_arguments(self, parser):
        parser.add_argument("--user", help="要解除锁定的用户名")
        parser.add_argument("--address", help="要解除限制的网络地址（该地址上所有用户名的锁定一并解除）")

    def handle(self, *args, user: str | None, address: str | None, **options):
        if not user and not address:
            raise CommandError("请指定 --user 用户名 或 --address 地址。")
        if address:
            try:
                address = str(ipaddress.ip_address(address.strip()))
            except ValueError:
                raise CommandError(f"{address} 不是有效的网络地址（例如 192.168.1.20）。") from None
        if user:
            removed = user_unlock(username=user)
            self.stdout.write(self.style.SUCCESS(f"已解除用户名 {user} 的登录锁定（{removed} 条锁定记录）。"))
        if address:
            released = address_unlock(address=address)
            message = f"已解除地址 {address} 的登录限制（{released} 次失败不再计数）。"
            self.stdout.write(self.style.SUCCESS(message))
