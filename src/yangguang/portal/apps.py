from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "yangguang.portal"
    label = "portal"
    verbose_name = "门户"
