from django.urls import path

from federation.web.registers import declared_urls
from outreach.views import overview, screening, tasks, visits

app_name = "outreach"

urlpatterns = [
    path("visits/progress/", visits.VisitProgressView.as_view(), name="visit_progress"),
    path("screening/statistics/", screening.ScreeningStatisticsView.as_view(), name="screening_statistics"),
    *tasks.urlpatterns,
    *declared_urls("outreach"),
    *overview.urlpatterns,
]
