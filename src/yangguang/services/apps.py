from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "yangguang.services"
    label = "services"
    verbose_name = "政务服务"

    def ready(self) -> None:
        from yangguang.services import demo, services  # noqa: F401  (registers the deadline recomputer and demo data)
