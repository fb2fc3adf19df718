"""Export a ledger of one township or village from the command line.

    python manage.py export_ledger women --scope 513401105201 --format xlsx --output 红旗村.xlsx
    python manage.py export_ledger --list

The command runs as the system user (``system``) with a township staff's permissions (so whole ID
numbers), scoped to exactly the unit given: a village code gives that village's rows and nothing
else. ``--as USER`` runs it as that user instead, with her role and scope. The export is
recorded (ExportRecord) as made by whoever ran it.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError, CommandParser

from federation.core.actors import SystemActor, unit_by_code, user_unit
from federation.core.models import Village
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.registry import all_ledgers, get_ledger
from federation.ledgers.exports.services import export_record_create, export_run
from federation.ledgers.management.commands._ledger_command import LedgerCommand, actor_of
from federation.ledgers.models import ExportRecord


class Command(LedgerCommand):
    help = "按县里的格式导出一个乡镇或村的台账（Excel 或 PDF）。"
    doing = "导出"

    def add_ledger_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scope", help="乡镇或村的 12 位统计用区划代码（县的 6 位代码也可以）")
        parser.add_argument("--format", choices=["xlsx", "pdf"], default="xlsx", help="xlsx 或 pdf")
        parser.add_argument("--output", help="输出文件的路径")
        parser.add_argument("--year", type=int, help="登记年度（默认今年）")

    def listed(self) -> list[str]:
        return [f"{ledger.name}\t{ledger.title}\t{'/'.join(ledger.formats)}" for ledger in all_ledgers()]

    def handle_ledger(self, name: str | None, **options) -> None:
        ledger = get_ledger(name or "")
        if ledger is None:
            names = "、".join(ledger.name for ledger in all_ledgers())
            raise CommandError(f"没有名为“{name or ''}”的台账。可以导出的台账：{names}")
        fmt = options["format"]
        if fmt not in ledger.formats:
            raise CommandError(f"台账“{ledger.title}”没有 {fmt} 格式，只有：{'、'.join(ledger.formats)}")
        if not options["scope"]:
            raise CommandError("请用 --scope 给出乡镇或村的 12 位统计用区划代码。")
        unit = unit_by_code(options["scope"])
        if unit is None:
            raise CommandError(f"找不到区划代码为“{options['scope']}”的乡镇或村（应为 12 位数字）。")
        if not options["output"]:
            raise CommandError("请用 --output 给出输出文件的路径。")
        output = Path(options["output"]).expanduser().resolve()
        if not output.parent.is_dir():
            raise CommandError(f"输出目录不存在：{output.parent}")

        actor = actor_of(unit, options["as_user"])
        filters = ExportFilters(year=options["year"])
        if not isinstance(actor, SystemActor):
            # A user's export is her scope: narrowed to one village, or her own unit as a whole.
            if isinstance(unit, Village):
                filters = ExportFilters(year=options["year"], village_id=unit.pk)
            elif unit != user_unit(actor):
                raise CommandError("以 --as 账号导出时，--scope 须是她负责的单位本身或其中的一个村。")
            if not ledger.allowed(actor):
                raise CommandError(f"{options['as_user']} 的角色不能导出“{ledger.title}”。")
        record = export_record_create(ledger=ledger, user=actor, fmt=fmt, filters=filters)
        record = export_run(record=record, ledger=ledger, user=actor, path=output)
        if record.status != ExportRecord.Status.DONE:
            raise CommandError(record.error)
        written = output
        if record.file_name.endswith(".zip") and output.suffix != ".zip":
            written = output.with_suffix(".zip")
            output.replace(written)
            record.file_path = str(written)
            record.save(update_fields=["file_path"])
            self.stdout.write("多个村的 PDF 按村分册，已打包为 ZIP。")
        self.stdout.write(self.style.SUCCESS(f"已导出 {record.rows_done} 行：{written}"))
