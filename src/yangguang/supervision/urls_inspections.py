from django.urls import path

from yangguang.supervision import views_inspections as views

app_name = "supervision-inspections"

urlpatterns = [
    path("staff/jdy/", views.index, name="index"),
    path("staff/jdy/supervisor/new/", views.supervisor_new, name="supervisor-new"),
    path("staff/jdy/supervisor/<int:pk>/", views.supervisor_detail, name="supervisor"),
    path("staff/jdy/supervisor/<int:pk>/dismiss/", views.supervisor_dismiss, name="supervisor-dismiss"),
    path("staff/jdy/inspection/new/", views.inspection_new, name="inspection-new"),
    path("staff/jdy/inspection/<int:pk>/", views.inspection_detail, name="inspection"),
    path("staff/jdy/inspection/<int:pk>/finding/", views.finding_add, name="finding-add"),
    path("staff/jdy/finding/<int:pk>/rectify/", views.finding_rectify, name="finding-rectify"),
    path("staff/jdy/finding/<int:pk>/confirm/", views.finding_confirm, name="finding-confirm"),
    path("staff/jdy/kh/", views.assessment_page, name="assessment"),
    path("staff/jdy/kh/run/", views.assessment_run, name="assessment-run"),
    path("staff/jdy/kh/formula/", views.assessment_formula, name="assessment-formula"),
    path("staff/jdy/kh/export.xlsx", views.assessment_export, name="assessment-export"),
    path("staff/jdy/kh/briefing.docx", views.briefing_download, name="briefing"),
]
