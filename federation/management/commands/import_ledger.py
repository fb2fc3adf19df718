"""Import a ledger kept in Excel into one village, all or nothing.

    python manage.py import_ledger persons 红旗村花名册.xlsx --scope 513401105201 [--dry-run]

Exit 0 and print the counts when the file is clean (written unless --dry-run); exit non-zero and
print every row error (row number, column header, reason) when not, with nothing written.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from federation.imports.persons import import_persons
from federation.imports.reader import ImportRefused
from federation.models import Village

IMPORTERS = {"persons": ("居民花名册", import_persons)}


class Command(BaseCommand):
    help = "从 Excel 导入一个村的台账：整份文件检查无误才写入，否则列出每一行的错误。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ledger", help=f"台账名称：{'、'.join(IMPORTERS)}")
        parser.add_argument("path", help=".xlsx 文件的路径")
        parser.add_argument("--scope", required=True, help="村的 12 位统计用区划代码")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, **options) -> None:
        name = options["ledger"]
        if name not in IMPORTERS:
            raise CommandError(f"不能导入名为“{name}”的台账。可以导入的台账：{'、'.join(IMPORTERS)}")
        title, run = IMPORTERS[name]
        village = Village.objects.filter(code=options["scope"]).first()
        if village is None:
            raise CommandError(f"找不到区划代码为“{options['scope']}”的村（应为 12 位数字）。")
        path = Path(options["path"]).expanduser()
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            result = run(path, village=village, dry_run=options["dry_run"])
        except ImportRefused as exc:
            raise CommandError(exc.message) from None
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{title}有 {len(result.errors)} 处错误，什么也没有写入。请改正后重新导入。")
        self.stdout.write(f"{village.name}{title}：{result.summary()}")
        if not result.written:
            self.stdout.write("试运行（--dry-run）：没有写入。")
