"""The production settings plus the bench-only app and URLconf. Everything else (DEBUG off, the
middleware stack, persistent connections, keys) comes from yangguang.settings and the environment,
so the ceiling view and the FOI endpoint run on exactly the same server settings."""

from yangguang.settings import *  # noqa: F403
from yangguang.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "foi_submit.apps.FoiSubmitBenchConfig"]
ROOT_URLCONF = "foi_submit.urls"
