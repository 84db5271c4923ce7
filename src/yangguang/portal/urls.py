from django.contrib.auth import views as auth_views
from django.urls import path

from yangguang.portal import views
from yangguang.portal.forms import StaffLoginForm

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("xxgk/", views.disclosure_index, name="disclosure"),
    path("xxgk/<slug:section>/", views.disclosure_section, name="disclosure-section"),
    path("zwfw/", views.services_index, name="services"),
    path("hdjd/", views.supervision_index, name="supervision"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="portal/login.html", authentication_form=StaffLoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("staff/", views.staff_home, name="staff-home"),
    path("staff/users/", views.staff_users, name="staff-users"),
    path("staff/users/<int:pk>/", views.staff_user_detail, name="staff-user"),
]
