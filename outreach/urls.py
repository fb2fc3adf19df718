from django.urls import path

from outreach.views import overview, petitions, screening, visits, volunteers

app_name = "outreach"

urlpatterns = [
    path("visits/progress/", visits.VisitProgressView.as_view(), name="visit_progress"),
    path("screening/statistics/", screening.ScreeningStatisticsView.as_view(), name="screening_statistics"),
    *visits.urlpatterns,
    *screening.urlpatterns,
    *volunteers.urlpatterns,
    *petitions.urlpatterns,
    *overview.urlpatterns,
]
