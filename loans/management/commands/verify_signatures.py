"""``manage.py verify_signatures``: recompute every signature's digest; exit non-zero on any mismatch."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from loans.selectors import all_signature_mismatches, signed_application_count_all


class Command(BaseCommand):
    help = "核验小额贷款的签字：按数据库中现在的内容重新计算每个签字的摘要，列出与签字时不一致的申请。"

    def handle(self, *args, **options):
        mismatches = all_signature_mismatches()
        checked = signed_application_count_all()
        for mismatch in mismatches:
            application = mismatch.application
            village = application.village.name
            self.stdout.write(
                self.style.ERROR(f"申请 #{application.pk} {application.applicant_name}（{village}）：")
            )
            for problem in mismatch.problems:
                self.stdout.write(f"  {problem}")
        if mismatches:
            raise CommandError(
                f"{len(mismatches)} 份申请的内容与签字时不一致（共核验 {checked} 份已签字的申请）。",
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(f"已核验 {checked} 份已签字的申请，全部与签字时一致。"))
