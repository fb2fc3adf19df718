"""Recompute the SHA-256 of every archived ledger's stored rows and report any that changed.

    python manage.py verify_archives

Exit 0 when every archive still has the digest taken when it was closed; exit 1, naming each
changed archive (its number, unit, year and ledger), when any does not. Reopened archives are
checked too: their rows are kept as they were closed.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from federation.ledgers.archives import changed_archives
from federation.ledgers.models import LedgerArchive


class Command(BaseCommand):
    help = "重新计算每份台账归档的 SHA-256，报告内容被改动过的归档（有则退出码 1）。"

    def handle(self, *args, **options) -> None:
        total = LedgerArchive.objects.count()
        changed = changed_archives()
        for archive in changed:
            self.stderr.write(f"归档 #{archive.pk} {archive}：内容与归档时的 SHA-256 不符，已被改动。")
        if changed:
            raise CommandError(f"{len(changed)} 份归档被改动（共 {total} 份）。")
        self.stdout.write(f"{total} 份归档的 SHA-256 全部相符。")
