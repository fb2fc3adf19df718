"""Lists page by cursor: a page's place does not move when rows are added meanwhile."""

from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    """50 rows a page (``?page_size=`` up to 200), newest first by key unless a resource orders otherwise."""

    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 200
