from django.urls import include, path

from yangguang.disclosure import views

app_name = "disclosure"

urlpatterns = [
    path("", include("yangguang.disclosure.urls_search")),
    path("", include("yangguang.disclosure.urls_consultation")),
]
