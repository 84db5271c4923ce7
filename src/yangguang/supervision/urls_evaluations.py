from django.urls import path

from yangguang.supervision import views_evaluations as views

app_name = "supervision-evaluations"

urlpatterns = [
    path("hdjd/hcp/", views.figures, name="figures"),
    path("hdjd/hcp/rate/", views.rate_web, name="rate"),
    path("hdjd/hcp/sms/<str:token>/", views.rate_sms, name="rate-sms"),
    path("staff/hcp/", views.staff_list, name="staff-list"),
    path("staff/hcp/device/", views.rate_device, name="rate-device"),
    path("staff/hcp/sms-link/", views.staff_sms_link, name="staff-sms-link"),
    path("staff/hcp/<int:pk>/", views.staff_detail, name="staff-detail"),
    path("staff/hcp/<int:pk>/<str:action>/", views.staff_action, name="staff-action"),
]
