from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "yangguang.supervision"
    label = "supervision"
    verbose_name = "监督"

    def ready(self) -> None:
        # Registers the demo data, in the order the builders must run: the alerts and cards come from
        # the demo cases, and the assessment (in demo_inspections) scores all of the others.
        from yangguang.supervision import (  # noqa: F401
            demo,
            demo_alerts,
            demo_complaints,
            demo_evaluations,
            demo_inspections,
        )
