"""``manage.py backup [--output PATH] [--keep N]``: one file with the database, the papers and a manifest.

Encrypted when a passphrase is given (environment ``BACKUP_PASSPHRASE``, ``--passphrase-file`` or
``--ask-passphrase``); ``federation.core.backups`` says what is in the file and what is not.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from federation.core.backups import PASSPHRASE_ENV, BackupError, backup_prune, backup_write


def read_passphrase(options: dict, *, confirm: bool) -> str | None:
    """Return the passphrase from ``--passphrase-file``, a prompt or ``BACKUP_PASSPHRASE``, else None."""
    if options.get("passphrase_file"):
        try:
            lines = Path(options["passphrase_file"]).read_text().splitlines()
        except OSError as error:
            raise CommandError(f"读不到口令文件：{error}") from error
        if not lines or not lines[0]:
            raise CommandError("口令文件是空的。")
        return lines[0]
    if options.get("ask_passphrase"):
        passphrase = getpass.getpass("备份口令：")
        if confirm and getpass.getpass("再输入一次：") != passphrase:
            raise CommandError("两次输入的口令不一样。")
        if not passphrase:
            raise CommandError("口令不能为空。")
        return passphrase
    return os.environ.get(PASSPHRASE_ENV) or None


class Command(BaseCommand):
    help = (
        "备份数据库和上传的文件（扫描件）到一个文件，附清单（时间、版本、每张表的行数、签名密钥的指纹）。"
        f"设置了口令（环境变量 {PASSPHRASE_ENV}）时加密。签名密钥本身不进备份。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="备份文件或文件夹（默认 BACKUP_DIR，即 var/backups/）；文件夹里的文件名带日期和时间。",
        )
        parser.add_argument(
            "--keep", type=int, default=0, help="只保留文件夹里最新的 N 份备份，更早的删除（默认全部保留）。"
        )
        parser.add_argument("--passphrase-file", help="从这个文件的第一行读口令（比命令行参数安全）。")
        parser.add_argument("--ask-passphrase", action="store_true", help="在终端输入口令。")

    def handle(self, *args, output: str | None, keep: int, **options):
        passphrase = read_passphrase(options, confirm=True)
        default = Path(settings.BACKUP_DIR)
        target = Path(output) if output else default
        folder = target if target.is_dir() or not output else None
        if keep and folder is None:
            raise CommandError("--keep 只能和文件夹一起用。")
        if folder is not None:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            target = folder / f"federation-{stamp}.tar.gz{'.enc' if passphrase else ''}"
        try:
            result = backup_write(path=target, passphrase=passphrase)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        self.stdout.write(self.style.SUCCESS(f"已备份到 {result.path}（{result.size / 1e6:.1f} MB）。"))
        tables, rows, files = len(manifest["row_counts"]), manifest["rows"], manifest["media"]["files"]
        fingerprint = manifest["key_fingerprint"] or "（无）"
        self.stdout.write(
            f"数据库 {manifest['database']['vendor']}：{tables} 张表，共 {rows} 行；上传的文件 {files} 个；"
            f"签名密钥指纹 {fingerprint}（密钥本身不在备份里）。"
        )
        if result.encrypted:
            self.stdout.write("备份已加密：口令要另外保管，丢了口令就无法恢复。")
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"备份没有加密，里面有居民的身份证号等个人信息：请设置环境变量 {PASSPHRASE_ENV}，"
                    "或把文件存放在只有管理员能读的地方。"
                )
            )
        if folder is not None and keep:
            for old in backup_prune(folder, keep=keep):
                self.stdout.write(f"已删除旧备份 {old.name}。")
