from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yangguang.core"
    label = "core"
    verbose_name = "基础数据"

    def ready(self) -> None:
        from yangguang.core import signals  # noqa: F401  (login auditing)
