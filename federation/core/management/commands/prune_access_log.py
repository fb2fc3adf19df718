"""Delete the access records older than ACCESS_LOG_RETENTION_DAYS (never fewer than 183 days).

django-q runs the same pruning daily (the schedule 访问记录清理, made at ``migrate``); this command
is for running it by hand: ``python manage.py prune_access_log``.
"""

from django.core.management.base import BaseCommand

from federation.core import access


class Command(BaseCommand):
    help = "删除超过保存期限（ACCESS_LOG_RETENTION_DAYS 天，至少 183 天）的访问记录。"

    def handle(self, *args, **options):
        deleted = access.prune()
        self.stdout.write(f"已删除 {deleted} 条超过 {access.retention_days()} 天的访问记录。")
