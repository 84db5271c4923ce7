from django.urls import include, path

from yangguang.disclosure import views

app_name = "disclosure"

urlpatterns = [
    path("xxgk/org/<str:code>/", views.organisation_catalogue, name="catalogue"),
    path("xxgk/org/<str:code>/zn/", views.organisation_guide, name="guide"),
    path("xxgk/xx/<int:pk>/", views.record_detail, name="record"),
    path("xxgk/gc/<int:pk>/", views.project_detail, name="project"),
    path("staff/xxgk/", views.staff_dashboard, name="staff-dashboard"),
    path("staff/xxgk/org/<str:code>/new/", views.staff_record_new, name="staff-record-new"),
    path("staff/xxgk/org/<str:code>/catalogue/", views.staff_catalogue, name="staff-catalogue"),
    path("staff/xxgk/org/<str:code>/guide/", views.staff_guide, name="staff-guide"),
    path("staff/xxgk/org/<str:code>/<str:kind>.xlsx", views.staff_register, name="staff-register"),
    path("staff/xxgk/<int:pk>/", views.staff_record, name="staff-record"),
    path("staff/xxgk/<int:pk>/edit/", views.staff_record_edit, name="staff-record-edit"),
    path("", include("yangguang.disclosure.urls_search")),
    path("", include("yangguang.disclosure.urls_consultation")),
]
