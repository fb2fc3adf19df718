from django.apps import AppConfig


class WebConfig(AppConfig):
    """The generic pages: home, log-in, and the list, detail, form, delete and restore views."""

    name = "federation.web"
    label = "web"
    verbose_name = "页面"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from federation.web import contributions  # noqa: F401 - the menu entries of the generic pages
        from federation.web.login_security import record_login_failure, remember_password_change

        user_login_failed.connect(record_login_failure, dispatch_uid="federation.record_login_failure")
        user_logged_in.connect(remember_password_change, dispatch_uid="federation.remember_password_change")
