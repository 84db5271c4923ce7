from django.urls import path

from yangguang.urls import *  # noqa: F403 (handler400 … as in production)
from yangguang.urls import urlpatterns as project_urlpatterns

from .views import ceiling

urlpatterns = [path("bench/ceiling", ceiling), *project_urlpatterns]
