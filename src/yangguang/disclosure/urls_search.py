from django.urls import path

from yangguang.disclosure import views_search

urlpatterns = [
    path("search", views_search.search, name="search"),
]
