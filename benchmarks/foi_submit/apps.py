from django.apps import AppConfig


class FoiSubmitBenchConfig(AppConfig):
    name = "foi_submit"
    label = "foi_submit_bench"
    verbose_name = "依申请公开提交压测（仅压测用）"
    default_auto_field = "django.db.models.BigAutoField"
