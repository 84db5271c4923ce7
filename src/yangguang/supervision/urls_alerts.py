from django.urls import path

from yangguang.supervision import views_alerts as views

app_name = "supervision-alerts"

urlpatterns = [
    path("staff/tz/", views.inbox, name="inbox"),
    path("staff/tz/<int:pk>/read/", views.inbox_read, name="inbox-read"),
    path("staff/tz/read-all/", views.inbox_read_all, name="inbox-read-all"),
    path("staff/dzjc/cards/", views.card_list, name="cards"),
    path("staff/dzjc/cards/new/", views.card_new, name="card-new"),
    path("staff/dzjc/cards/rules/", views.card_rules, name="card-rules"),
    path("staff/dzjc/cards/rules/<int:pk>/", views.card_rules, name="card-rule-edit"),
    path("staff/dzjc/cards/<int:pk>/", views.card_detail, name="card-detail"),
    path("staff/dzjc/cards/<int:pk>/appeal/", views.card_appeal, name="card-appeal"),
    path("staff/dzjc/cards/<int:pk>/decide/", views.card_decide, name="card-decide"),
]
