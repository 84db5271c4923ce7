"""Refusals because someone asks too often (HTTP 429), shared by every public form and API."""

from django.core.exceptions import ValidationError


class RateLimited(ValidationError):
    """Too many submissions from one sender; the message says the limit and names the field."""


def refuse_when_over(recent, *, limit: int, field: str, message: str, including_new: bool = False) -> None:
    """``recent``: the sender's submissions in the last hour (a queryset). Refused — ``message``
    names the limit — once there are ``limit`` of them before this one (or more than ``limit`` when
    ``recent`` already holds the new one: the check then runs after the insert). 0 is no limit."""
    if limit and recent.count() >= limit + including_new:
        raise RateLimited({field: message})
