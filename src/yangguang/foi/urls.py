from django.urls import path

from yangguang.foi import views

app_name = "foi"

urlpatterns = [
    path("ysqgk/", views.portal_index, name="index"),
    path("ysqgk/apply/", views.apply, name="apply"),
    path("ysqgk/progress/", views.progress, name="progress"),
    path("ysqgk/progress/letter/<int:pk>.<str:fmt>", views.progress_letter, name="progress-letter"),
    path("staff/ysqgk/", views.staff_queue, name="staff-queue"),
    path("staff/ysqgk/register/", views.staff_register, name="staff-register"),
    path("staff/ysqgk/templates/", views.staff_templates, name="staff-templates"),
    path("staff/ysqgk/templates/<str:code>/<str:kind>/", views.staff_template_edit, name="staff-template-edit"),
    path("staff/ysqgk/<int:pk>/", views.staff_detail, name="staff-detail"),
    path("staff/ysqgk/<int:pk>/assign/", views.staff_assign, name="staff-assign"),
    path("staff/ysqgk/<int:pk>/note/", views.staff_note, name="staff-note"),
    path("staff/ysqgk/<int:pk>/review/", views.staff_review, name="staff-review"),
    path("staff/ysqgk/<int:pk>/review/<int:review_pk>/", views.staff_review_decide, name="staff-review-decide"),
    path("staff/ysqgk/<int:pk>/letter/<int:letter_pk>.<str:fmt>", views.staff_letter, name="staff-letter"),
]
