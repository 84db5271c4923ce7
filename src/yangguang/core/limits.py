"""Refusals because someone asks too often (HTTP 429), shared by every public form and API."""

from django.core.exceptions import ValidationError


class RateLimited(ValidationError):
    """Too many submissions from one sender; the message says the limit and names the field."""
