"""Small pieces the supervision views share: service errors onto a form, the 400 page, and the
Excel content type."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's errors next to the fields they name; the rest go to the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def bad_request(request, message: str, status: int = 400):
    return render(request, "portal/error.html", {"title": "请求有误", "message": message}, status=status)


def form_submitted(request, form: forms.Form, success: str, call) -> bool:
    """The POST of a small form: validate it, run the service ``call()``; True when it went through
    (``success`` is flashed; the view redirects), False when the form or the service refused it
    (the errors are on the form; the view shows it again with status 400)."""
    if not form.is_valid():
        return False
    try:
        call()
    except ValidationError as exc:
        apply_errors(form, exc)
        return False
    messages.success(request, success)
    return True
