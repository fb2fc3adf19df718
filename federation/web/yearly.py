"""A page reads each year's rule values once: its view, its rules and its template all ask for them."""

from __future__ import annotations

from federation.core.models import yearly_values_kept

#: The requests that write nothing: a form's POST may change a year's values and read them again.
READING = ("GET", "HEAD")


class YearlyValuesMiddleware:
    """Keep each year's rule values read (``YearlyValues.of_year``) for the rest of a reading request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in READING:
            return self.get_response(request)
        with yearly_values_kept():
            return self.get_response(request)
