from django.urls import path

from yangguang.services import views_guides

app_name = "guides"

urlpatterns = [
    path("zwfw/bszn/", views_guides.guide_list, name="list"),
    path("zwfw/bszn/<str:code>.pdf", views_guides.guide_pdf, name="pdf"),
    path("zwfw/bszn/<str:code>/", views_guides.guide_detail, name="detail"),
]
