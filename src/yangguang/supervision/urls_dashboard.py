from django.urls import path

from yangguang.supervision import views_dashboard as views

app_name = "supervision-dashboard"

urlpatterns = [
    path("staff/dzjc/", views.index, name="index"),
    path("staff/dzjc/list/", views.drill_list, name="list"),
    path("staff/dzjc/overtime/", views.overtime, name="overtime"),
    path("staff/dzjc/case/<int:pk>/", views.case_history, name="case-history"),
    path("staff/dzjc/application/<int:pk>/", views.application_history, name="application-history"),
]
