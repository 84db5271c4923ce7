"""The ``yangguang`` console script: Django's manage.py under the project's name."""

import os
import sys
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yangguang.settings")
    (Path(os.environ.get("YANGGUANG_HOME", Path.cwd())) / "var").mkdir(exist_ok=True)
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # Settings fail loudly, but as one line a person can act on, not a traceback.
        print(f"配置错误：{exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
