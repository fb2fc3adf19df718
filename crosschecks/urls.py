from crosschecks import views
from federation.web.generic import page_urls

app_name = "crosschecks"

urlpatterns = [
    *page_urls(views, "DepartmentList", "list", "create", "detail", "confirm", "export"),
    *page_urls(views, "Difference", "check", "person", path="differences"),
]
