from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "yangguang.supervision"
    label = "supervision"
    verbose_name = "监督"

    def ready(self) -> None:
        from yangguang.supervision import demo  # noqa: F401  (registers the demo data)
