from django.urls import path

from yangguang.services import views

app_name = "services"

urlpatterns = [
    path("zwfw/bszn/<str:code>/apply/", views.apply, name="apply"),
    path("zwfw/bj/progress/", views.progress, name="progress"),
    path("zwfw/bj/progress/notice/<str:kind>.pdf", views.progress_notice, name="progress-notice"),
    path("zwfw/bj/withdraw/", views.withdraw, name="withdraw"),
    path("staff/bj/", views.staff_queue, name="staff-queue"),
    path("staff/bj/register/", views.staff_register, name="staff-register"),
    path("staff/bj/<int:pk>/", views.staff_detail, name="staff-detail"),
    path("staff/bj/<int:pk>/notice/<str:kind>.<str:fmt>", views.staff_notice, name="staff-notice"),
]
