from django.urls import path

from yangguang.reports import views, views_service
from yangguang.reports.models import AnnualReport

app_name = "reports"

SUMMARY = {"scope": AnnualReport.Scope.SUMMARY}

urlpatterns = [
    path("staff/reports/annual/", views.staff_list, name="staff-list"),
    path("staff/reports/annual/draft/", views.staff_draft, name="staff-draft"),
    path("staff/reports/annual/<int:pk>/", views.staff_detail, name="staff-detail"),
    path("staff/reports/annual/<int:pk>/texts/", views.staff_texts, name="staff-texts"),
    path("staff/reports/annual/<int:pk>/refresh/", views.staff_refresh, name="staff-refresh"),
    path("staff/reports/annual/<int:pk>/publish/", views.staff_publish, name="staff-publish"),
    path("staff/reports/annual/<int:pk>/correct/", views.staff_correct, name="staff-correct"),
    path("staff/reports/annual/<int:pk>.<str:fmt>", views.staff_download, name="staff-download"),
    path("staff/reports/service/", views_service.staff_service, name="service-staff"),
    path("staff/reports/service/export.<str:fmt>", views_service.staff_service_download, name="service-staff-download"),
    path("zwfw/bjgs/", views_service.public_service, name="service-public"),
    # The list of /xxgk/nb/ is the portal's section page; these are the reports themselves.
    path("xxgk/nb/<str:code>/<int:year>/", views.archive, name="archive"),
    path("xxgk/nb/<str:code>/<int:year>/v<int:version>.<str:fmt>", views.archive_download, name="archive-download"),
    path("xxgk/nb/<str:code>/<int:year>/hz/", views.archive, SUMMARY, name="archive-summary"),
    path("xxgk/nb/<str:code>/<int:year>/hz/v<int:version>.<str:fmt>", views.archive_download, SUMMARY,
         name="archive-download-summary"),
]
