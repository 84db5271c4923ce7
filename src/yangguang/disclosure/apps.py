from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "yangguang.disclosure"
    label = "disclosure"
    verbose_name = "主动公开"

    def ready(self) -> None:
        from yangguang.disclosure import demo, services  # noqa: F401  (register the recomputer and demo data)
