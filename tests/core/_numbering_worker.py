"""Runs in a freshly spawned process: nothing Django may be imported before ``django.setup()``."""


def take_numbers(db_settings, org_code, count, queue):
    import os

    import django
    from django.conf import settings

    import yangguang.testing.pytest_env  # noqa: F401  (the same keys as the parent)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yangguang.settings")
    django.setup()
    settings.DATABASES["default"].update(db_settings)
    from django.db import connections, transaction

    from yangguang.core.models import Organisation
    from yangguang.core.numbering import next_number

    got = []
    org = Organisation.objects.get(code=org_code)
    for _ in range(count):
        with transaction.atomic():
            got.append(next_number(organisation=org, kind="proc", year=2026)[0])
    connections.close_all()
    queue.put(got)
