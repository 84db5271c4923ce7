from django.contrib import admin
from django.urls import include, path

from yangguang.api.api import api

admin.site.site_header = "阳光政务 管理后台"
admin.site.site_title = "阳光政务"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("yangguang.disclosure.urls")),
    path("", include("yangguang.foi.urls")),
    path("", include("yangguang.services.urls")),
    path("", include("yangguang.reports.urls")),
    path("", include("yangguang.services.urls_guides")),
    path("", include("yangguang.supervision.urls")),
    path("", include("yangguang.supervision.urls_alerts")),
    path("", include("yangguang.supervision.urls_dashboard")),
    path("", include("yangguang.supervision.urls_evaluations")),
    path("", include("yangguang.supervision.urls_complaints")),
    path("", include("yangguang.supervision.urls_inspections")),
    path("", include("yangguang.portal.urls")),
]

handler400 = "yangguang.portal.views.bad_request"
handler403 = "yangguang.portal.views.permission_denied"
handler404 = "yangguang.portal.views.page_not_found"
handler500 = "yangguang.portal.views.server_error"
