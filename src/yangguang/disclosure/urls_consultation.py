from django.urls import path

from yangguang.disclosure import views_consultation as views

urlpatterns: list = [
    path("zqyj/", views.consultation_list, name="consultation-list"),
    path("zqyj/<int:pk>/", views.consultation_detail, name="consultation-detail"),
    path("staff/zqyj/", views.staff_consultation_list, name="consultation-staff-list"),
    path("staff/zqyj/new/", views.staff_consultation_create, name="consultation-staff-create"),
    path("staff/zqyj/<int:pk>/", views.staff_consultation_detail, name="consultation-staff"),
    path("staff/zqyj/<int:pk>/open/", views.staff_consultation_open, name="consultation-staff-open"),
    path("staff/zqyj/<int:pk>/close/", views.staff_consultation_close, name="consultation-staff-close"),
    path("staff/zqyj/<int:pk>/comments/<int:comment_pk>/", views.staff_comment_moderate, name="consultation-staff-moderate"),
    path("staff/zqyj/<int:pk>/conclude/", views.staff_consultation_conclude, name="consultation-staff-conclude"),
    path("staff/zqyj/<int:pk>/final-record/", views.staff_consultation_link, name="consultation-staff-link"),
]
