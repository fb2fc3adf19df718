"""Import a ledger kept in Excel into one village, all or nothing.

    python manage.py import_ledger persons 红旗村花名册.xlsx --scope 513401105201 [--dry-run]
    python manage.py import_ledger left_behind_women 留守妇女.xlsx --scope 513401105201 --year 2014
    python manage.py import_ledger --list

Exit 0 and print the counts when the file is clean (written unless --dry-run); exit non-zero and
print every row error (row number, column header, reason) when not, with nothing written.
The import is recorded (ImportRecord) like one made on the web. The command acts as the system user
(``system``) for that village, or as the user named by ``--as`` (her permissions and scope); the
history of every record it writes names who.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError, CommandParser

from federation.core import history
from federation.core.actors import actor_name
from federation.core.models import Village
from federation.ledgers.imports.framework import all_importers, get_importer
from federation.ledgers.imports.reader import ImportRefused
from federation.ledgers.imports.services import import_record_run
from federation.ledgers.management.commands._ledger_command import LedgerCommand, actor_of
from federation.ledgers.models import ImportRecord


def _names() -> str:
    return "、".join(importer.name for importer in all_importers())


class Command(LedgerCommand):
    help = "从 Excel 导入一个村的台账：整份文件检查无误才写入，否则列出每一行的错误。"
    doing = "导入"

    def add_ledger_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help=".xlsx 文件的路径")
        parser.add_argument("--scope", help="村的 12 位统计用区划代码")
        parser.add_argument("--year", type=int, help="登记年度（年度台账；默认今年）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def listed(self) -> list[str]:
        return [f"{importer.name}\t{importer.title}" for importer in all_importers()]

    def handle_ledger(self, name: str | None, **options) -> None:
        if not name or not options["path"] or not options["scope"]:
            raise CommandError("用法：import_ledger LEDGER PATH --scope VILLAGE_CODE [--year Y] [--dry-run]")
        importer_class = get_importer(name)
        if importer_class is None:
            raise CommandError(f"不能导入名为“{name}”的台账。可以导入的台账：{_names()}")
        village = Village.objects.filter(code=options["scope"]).select_related("township").first()
        if village is None:
            raise CommandError(f"找不到区划代码为“{options['scope']}”的村（应为 12 位数字）。")
        path = Path(options["path"]).expanduser()
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        actor = actor_of(village, options["as_user"])
        importer = importer_class(village, user=actor, year=options["year"])
        record = ImportRecord.objects.create(
            user=history.user_of(actor),
            ledger=importer_class.name,
            title=importer_class.title,
            village=village,
            year=importer.year if importer_class.yearly else None,
            file_name=path.name[:255],
            requested_by=actor_name(actor),
        )
        try:
            result = import_record_run(record, importer, path, dry_run=options["dry_run"])
        except ImportRefused as exc:
            raise CommandError(exc.message) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        title = importer_class.title
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{title}有 {len(result.errors)} 处错误，什么也没有写入。请改正后重新导入。")
        self.stdout.write(f"{village.name}{title}：{result.summary()}")
        if not result.written:
            self.stdout.write("试运行（--dry-run）：没有写入。")
