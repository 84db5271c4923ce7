from django.apps import AppConfig


class FoiConfig(AppConfig):
    name = "yangguang.foi"
    label = "foi"
    verbose_name = "依申请公开"

    def ready(self) -> None:
        from yangguang.foi import demo, services  # noqa: F401  (registers the deadline recomputer and demo data)
