from django.apps import AppConfig


class WebConfig(AppConfig):
    """The generic pages: home, log-in, and the list, detail, form, delete and restore views."""

    name = "federation.web"
    label = "web"
    verbose_name = "页面"

    def ready(self) -> None:
        from federation.web import contributions  # noqa: F401 - the menu entries of the generic pages
