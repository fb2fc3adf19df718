from django.apps import AppConfig


class WebConfig(AppConfig):
    """The generic pages: home, log-in, and the list, detail, form, delete and restore views."""

    name = "federation.web"
    label = "web"
    verbose_name = "页面"
