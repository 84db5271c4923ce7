from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "yangguang.reports"
    label = "reports"
    verbose_name = "报告"

    def ready(self) -> None:
        from yangguang.reports import demo  # noqa: F401  (registers the demo reports)
