"""``manage.py verify_signatures``: check every signature's content, every seal and the chain.

Names the first break (which application, which record, what kind), lists every one, and exits
with status 1 on any, or when the key cannot verify the seals (a replaced or lost key).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from federation.core.keys import file_mode_warning, key_source
from loans.signing import Break
from loans.verification import signature_report

#: What the check says of the loans granted before the system (imported): no signatures to check.
BEFORE_SYSTEM_NOTE = "另有 %(n)s 笔系统前发放的贷款（由贷款台账导入）：没有签字记录，不在核验之列。"


def _where(b: Break, applications: dict) -> str:
    application = applications.get(b.application_id)
    if application is None:
        return "签字链"
    return f"申请 #{application.pk} {application.applicant_name}（{application.village.name}）"


class Command(BaseCommand):
    help = (
        "核验小额贷款的签字：按数据库中现在的内容重新计算每个签字的摘要，用本机的签字密钥核验每条记录的"
        "封印和整条签字链，指出第一处断裂（哪份申请、哪条记录、什么问题）；有任何问题时退出码为 1。"
    )

    def handle(self, *args, **options):
        report = signature_report()
        if warning := file_mode_warning():
            self.stdout.write(self.style.WARNING(warning))
        if report.key_problem:
            self.stdout.write(self.style.ERROR(report.key_problem))
            raise CommandError(
                f"签字无法核验：密钥有问题（{key_source()}）。共 {report.records} 条封印记录未核验。",
                returncode=1,
            )
        applications = {m.application.pk: m.application for m in report.mismatches}
        if report.first is not None:
            first = report.first
            where = _where(first, applications)
            self.stdout.write(self.style.ERROR(f"第一处断裂（{first.kind_label}）：{where}：{first.message}"))
        for mismatch in report.mismatches:
            self.stdout.write(self.style.ERROR(f"{_where(mismatch.breaks[0], applications)}："))
            for b in mismatch.breaks:
                self.stdout.write(f"  [{b.kind_label}] {b.message}")
        if report.chain_breaks:
            self.stdout.write(self.style.ERROR("签字链："))
            for b in report.chain_breaks:
                self.stdout.write(f"  [{b.kind_label}] {b.message}")
        if report.breaks:
            raise CommandError(
                f"{len(report.mismatches)} 份申请的内容或记录与签字时不一致，共 {len(report.breaks)} 处问题"
                f"（共核验 {report.checked} 份已签字的申请、{report.records} 条封印记录）。",
                returncode=1,
            )
        migrated = f"，其中 {report.migrated} 条是升级时补封的" if report.migrated else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"已核验 {report.checked} 份已签字的申请，全部与签字时一致；签字链的 {report.records} 条记录"
                f"{migrated}，封印完好、前后相接（签字密钥指纹 {report.fingerprint}）。"
            )
        )
        if report.before_system:
            self.stdout.write(BEFORE_SYSTEM_NOTE % {"n": report.before_system})
