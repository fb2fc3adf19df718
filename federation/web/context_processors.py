from functools import cache

from federation.core.scoping import membership_of


def membership(request) -> dict:
    """Return what the page shell shows of the signed-in user: her membership (role and unit in the
    header) and ``todo_count``, her home's to-dos, counted only when a page shows it (once a request)."""

    @cache
    def todo_count():
        from federation.web.views import home_todo_count

        return home_todo_count(request)

    return {"membership": membership_of(getattr(request, "user", None)), "todo_count": todo_count}
