from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "yangguang.services"
    label = "services"
    verbose_name = "政务服务"

    def ready(self) -> None:
        from yangguang.services import services  # noqa: F401  (registers the deadline recomputer)

        try:
            from yangguang.services import demo  # noqa: F401  (registers the demo data)
        except ImportError:  # pragma: no cover - demo is optional while it is being written
            pass
