"""Browser tests: Debian's chromium driven through Playwright against pytest-django's live server.

Run with ``make browser-test`` (``pytest -m browser``). Every test collected from this folder is
marked ``browser`` automatically, so ``make test`` (``-m "not browser"``) never starts a browser.

The browser is the system's chromium (``apt install chromium``); Playwright's own browser download
is never used. A missing chromium is a failure, not a skip: CI must not pass without running these.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .support import DESKTOP, PageLog

# Playwright's sync API keeps an asyncio event loop marked as running in the main thread, so
# Django's "async unsafe" guard would refuse every ORM call made by the tests (creating users,
# flushing the database between transactional tests). The tests are plain synchronous code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).resolve().parent
DEFAULT_CHROMIUM = "/usr/bin/chromium"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # Runs before pytest's own -m selection, so `-m browser` / `-m "not browser"` see the mark.
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def chromium_executable() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    if os.access(DEFAULT_CHROMIUM, os.X_OK):
        return DEFAULT_CHROMIUM
    return None


@pytest.fixture(scope="session")
def playwright_session():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session):
    executable = chromium_executable()
    if executable is None:
        pytest.fail(
            "找不到 chromium：浏览器测试需要系统自带的 chromium（Debian/Ubuntu: apt install chromium）。"
            f" No `chromium` on PATH and no {DEFAULT_CHROMIUM}; install Debian's chromium package."
            " Browser tests fail rather than skip so that CI cannot pass without running them.",
            pytrace=False,
        )
    browser = playwright_session.chromium.launch(executable_path=executable, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def open_page(browser):
    """``open_page(viewport=..., **context_options) -> (page, log)``, each in a fresh context
    (own cookies and localStorage), closed after the test."""
    contexts = []

    def _open(viewport=None, **options):
        context = browser.new_context(
            viewport=viewport or DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai", **options
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        log = PageLog()
        page.on("request", lambda request: log.requests.append(request.url))
        page.on("console", log.on_console)
        page.on("pageerror", lambda error: log.page_errors.append(str(error)))
        return page, log

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """Saves a full-page screenshot when YANGGUANG_SCREENSHOT_DIR is set (e.g. for CI artefacts)."""
    directory = os.environ.get("YANGGUANG_SCREENSHOT_DIR")

    def _shoot(page, name: str) -> None:
        if directory:
            Path(directory).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)

    return _shoot
