from django.apps import AppConfig


class LoansConfig(AppConfig):
    name = "loans"
    verbose_name = "小额贷款"
