"""Helpers shared by the browser tests (kept out of conftest.py so test modules can import them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 667}


@dataclass
class PageLog:
    """What a page did: every request URL, console errors (CSP violations land here) and
    uncaught JavaScript exceptions."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def on_console(self, message) -> None:
        if message.type == "error":
            where = message.location or {}
            self.console_errors.append(f"{message.text} [{where.get('url', '?')}:{where.get('lineNumber', '?')}]")

    def foreign_requests(self, base_url: str) -> list[str]:
        """Requests that did not go to ``base_url``'s origin (data: URLs are in-page, not loads)."""
        own = urlsplit(base_url)
        foreign = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme == "data":
                continue
            if (parts.scheme, parts.netloc) != (own.scheme, own.netloc):
                foreign.append(url)
        return foreign


def unexpected_console_errors(log: PageLog) -> list[str]:
    """Console errors (CSP violations included) and uncaught exceptions: all of them are bugs."""
    return log.console_errors + [f"uncaught: {e}" for e in log.page_errors]
