"""Loaded with ``-p`` before pytest-django reads the settings: gives the suite its own keys.

The settings refuse to start without keys outside debug mode, which is right for servers and
wrong for a developer typing ``pytest``. These keys are for tests only and differ from the demo
keys, so the suite runs with debug off, as production does."""

import os
from pathlib import Path

os.environ.setdefault("YANGGUANG_SECRET_KEY", "yangguang-test-only-secret-key-" + "x" * 20)
os.environ.setdefault("YANGGUANG_AUDIT_KEY", "a5" * 32)
os.environ.setdefault("YANGGUANG_PII_KEY", "5a" * 16)
os.environ.setdefault("YANGGUANG_DEBUG", "false")
os.environ.setdefault("YANGGUANG_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
(Path(os.environ.get("YANGGUANG_HOME", Path.cwd())) / "var" / "static").mkdir(parents=True, exist_ok=True)


def pytest_unconfigure(config):
    """pytest-django removes the SQLite test database but not its WAL side files."""
    var = Path(os.environ.get("YANGGUANG_HOME", Path.cwd())) / "var"
    for suffix in ("-wal", "-shm"):
        leftover = var / f"test-{os.getpid()}.sqlite3{suffix}"
        if leftover.exists():
            leftover.unlink()
