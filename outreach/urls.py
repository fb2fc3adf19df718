from django.urls import path

from federation.web.registers import declared_urls
from outreach.views import honours, lectures, overview, screening, tasks, visits

app_name = "outreach"

urlpatterns = [
    path("visits/progress/", visits.VisitProgressView.as_view(), name="visit_progress"),
    path("screening/statistics/", screening.ScreeningStatisticsView.as_view(), name="screening_statistics"),
    *tasks.urlpatterns,
    path("lectures/progress/", lectures.LectureProgressView.as_view(), name="lecture_progress"),
    path("lectures/sign-in/", lectures.SignInSheetView.as_view(), name="lecture_signin"),
    path("lectures/<int:pk>/sign-in/", lectures.LectureSignInView.as_view(), name="lecture_signin_of"),
    *honours.urlpatterns,
    *declared_urls("outreach"),
    *overview.urlpatterns,
]
