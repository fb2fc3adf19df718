"""``manage.py rotate_signing_key``: make a new random key the one that seals; the old keys stay to verify.

The chain is locked while the key file is rewritten, so no step is sealed in between: the retired
key is marked with the last position it sealed, and verifies only up to there. Nothing in the
database changes, so the codes already printed on paper stay valid. See README, "Running a real office".
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from federation.core import keys
from loans.chain import lock_head


class Command(BaseCommand):
    help = (
        "更换小额贷款签字的密钥：生成一把新密钥作为现用密钥，原来的密钥留在密钥文件里，"
        "只用来核验它封印过的记录。数据库中的记录和已打印的核验码都不变。"
    )

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                head = lock_head()
                retired, new = keys.rotate(last_position=head.sequence)
        except keys.SigningKeyError as exc:
            raise CommandError(str(exc), returncode=1) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"已更换签字密钥：新密钥指纹 {new.id}。"
                f"原密钥 {retired.id} 封印到第 {retired.retired_after} 号记录为止，"
                f"留在 {keys.key_file()} 中只用于核验。请立即备份这个密钥文件（与数据库分开存放）。"
            )
        )
