from django.urls import path

from yangguang.supervision import views

app_name = "supervision"

urlpatterns = [
    path("hdjd/jdr/", views.reception_public, name="reception"),
    path("staff/jdr/", views.staff_index, name="staff-index"),
    path("staff/jdr/visit/<int:pk>/", views.staff_visit, name="staff-visit"),
    path("staff/jdr/visit/<int:pk>/close/", views.staff_visit_close, name="staff-visit-close"),
    path("staff/jdr/<str:code>/", views.staff_detail, name="staff-detail"),
    path("staff/jdr/<str:code>/schedule/", views.staff_schedule, name="staff-schedule"),
    path("staff/jdr/<str:code>/leaders/", views.staff_leaders, name="staff-leaders"),
    path("staff/jdr/<str:code>/change/", views.staff_change, name="staff-change"),
    path("staff/jdr/<str:code>/restore/", views.staff_restore, name="staff-restore"),
    path("staff/jdr/<str:code>/visit/new/", views.staff_visit_new, name="staff-visit-new"),
    path("staff/jdr/<str:code>/register.xlsx", views.staff_register, name="staff-register"),
]
