"""``manage.py restore FILE [--force] [--no-input]``: put a backup back into the configured database.

The whole file is checked (and decrypted) first, so a wrong passphrase or a damaged file restore
nothing. A database that holds data is replaced only with ``--force``, after a confirmation unless
``--no-input``. The row counts after the restore are compared with the backup's manifest.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from federation.core.backups import (
    BackupError,
    _key_fingerprint,
    backup_unpack,
    count_differences,
    fingerprint_warning,
    has_data,
    is_encrypted,
    restore_database,
    restore_media,
    row_counts,
    scratch_folder,
    vendor,
)
from federation.core.management.commands.backup import read_passphrase


class Command(BaseCommand):
    help = "从 manage.py backup 写的备份文件恢复数据库和上传的文件，并核对每张表的行数。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件")
        parser.add_argument("--force", action="store_true", help="数据库里已有数据时也恢复（替换现有数据）。")
        parser.add_argument("--no-input", action="store_true", help="不询问确认（和 --force 一起用）。")
        parser.add_argument("--passphrase-file", help="从这个文件的第一行读口令。")
        parser.add_argument("--ask-passphrase", action="store_true", help="在终端输入口令。")

    def handle(self, *args, file: str, force: bool, no_input: bool, **options):
        path = Path(file)
        try:
            self._restore(path, force=force, no_input=no_input, options=options)
        except BackupError as error:
            raise CommandError(str(error)) from error

    def _restore(self, path: Path, *, force: bool, no_input: bool, options: dict) -> None:
        database = connections["default"].settings_dict["NAME"]
        replacing = has_data()
        if replacing and not force:
            raise CommandError(
                f"数据库 {database} 里已经有数据，没有恢复。要用备份替换现有的全部数据，请加 --force"
                "（the database is not empty: nothing restored; use --force to replace it）。"
            )
        if not path.is_file():
            raise CommandError(f"找不到备份文件 {path}。")
        passphrase = read_passphrase(options, confirm=False)
        if not passphrase and is_encrypted(path) and not no_input and sys.stdin.isatty():
            passphrase = getpass.getpass("备份口令：")
        with scratch_folder(Path(settings.MEDIA_ROOT).resolve().parent) as scratch:
            unpacked = backup_unpack(path, passphrase=passphrase, into=scratch)
            manifest = unpacked.manifest
            self.stdout.write(
                f"备份时间 {manifest['created_at']}，版本 {manifest['app_version']}，"
                f"{manifest['database']['vendor']} 数据库 {manifest['rows']} 行，"
                f"上传的文件 {manifest['media']['files']} 个。"
            )
            if manifest["database"]["vendor"] != vendor():
                raise CommandError(
                    f"备份是 {manifest['database']['vendor']} 数据库的，现在配置的是 {vendor()} 数据库："
                    "没有恢复（DATABASE_URL）。"
                )
            known = {
                f"{app}.{name}"
                for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations
            }
            newer = sorted(set(manifest["migrations"]) - known)
            if newer:
                self.stdout.write(
                    self.style.WARNING(
                        f"备份来自更新的版本（{manifest['app_version']}）：本版本没有这些数据库迁移 "
                        f"{', '.join(newer[:5])}{' 等' if len(newer) > 5 else ''}。请先安装备份时的版本。"
                    )
                )
                if not force:
                    raise CommandError("没有恢复。确实要恢复，请加 --force。")
            if replacing and not no_input:
                answer = input(f"将用这份备份替换数据库 {database} 的全部数据和上传的文件。输入 yes 继续：")
                if answer.strip().lower() != "yes":
                    raise CommandError("已取消，没有恢复。")
            restore_database(unpacked)
            moved = restore_media(unpacked)
        self.stdout.write(self.style.SUCCESS(f"已恢复数据库 {database} 和上传的文件 {settings.MEDIA_ROOT}。"))
        if moved:
            self.stdout.write(f"原来的上传文件移到了 {moved}，确认无用后可删除。")
        warning = fingerprint_warning(manifest.get("key_fingerprint"), _key_fingerprint())
        if warning:
            self.stdout.write(self.style.WARNING(warning))
        if MigrationExecutor(connections["default"]).migration_plan(
            MigrationLoader(connections["default"]).graph.leaf_nodes()
        ):
            self.stdout.write(self.style.WARNING("本版本比备份新：请运行 python manage.py migrate。"))
        differences = count_differences(manifest["row_counts"], row_counts())
        if differences:
            for line in differences:
                self.stdout.write(self.style.ERROR(line))
            raise CommandError(f"{len(differences)} 张表的行数与备份的清单不一致。", returncode=1)
        self.stdout.write(
            self.style.SUCCESS(
                f"已核对 {len(manifest['row_counts'])} 张表，共 {manifest['rows']} 行，与备份一致。"
            )
        )
