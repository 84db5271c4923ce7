from django.urls import path

from yangguang.supervision import views_complaints as views

app_name = "supervision-complaints"

urlpatterns = [
    path("hdjd/ts/", views.public_new, name="public-new"),
    path("hdjd/ts/cx/", views.public_lookup, name="public-lookup"),
    path("staff/ts/", views.staff_list, name="staff-list"),
    path("staff/ts/new/", views.staff_new, name="staff-new"),
    path("staff/ts/mailbox/", views.staff_mailbox, name="staff-mailbox"),
    path("staff/ts/register.xlsx", views.staff_register, name="staff-register"),
    path("staff/ts/visit/<int:pk>/", views.staff_from_visit, name="staff-from-visit"),
    path("staff/ts/<int:pk>/", views.staff_detail, name="staff-detail"),
    path("staff/ts/<int:pk>/route/", views.staff_route, name="staff-route"),
    path("staff/ts/<int:pk>/handle/", views.staff_handle, name="staff-handle"),
    path("staff/ts/<int:pk>/answer/", views.staff_answer, name="staff-answer"),
    path("staff/ts/<int:pk>/archive/", views.staff_archive, name="staff-archive"),
]
