"""Gapless numbers per organisation, per year, per kind (受理编号, 索引号, 文号 …).

The number is taken inside the caller's transaction with the sequence row locked: if the caller
rolls back, the number goes back too, so the issued numbers never have holes, and two servers
asking at once queue on the row lock instead of both getting the same number."""

from __future__ import annotations

import string
import time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from yangguang.core.models import NumberingRule, NumberSequence, Organisation

DEFAULT_TEMPLATE = "〔{year}〕{seq}号"
ALLOWED_FIELDS = {"org", "year", "seq", "kind"}


def validate_template(template: str) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError:
        raise ValidationError({"template": "编号格式的花括号不配对"}) from None
    unknown = names - ALLOWED_FIELDS
    if unknown:
        raise ValidationError({"template": f"编号格式只能使用 {{org}}、{{year}}、{{seq}}、{{kind}}，不认识：{'、'.join(sorted(unknown))}"})
    if "seq" not in names:
        raise ValidationError({"template": "编号格式必须包含 {seq}"})
    try:
        format_number(template, org="ORG", year=2026, seq=1, kind="k")
    except (ValueError, IndexError):
        raise ValidationError({"template": "编号格式无效"}) from None


def format_number(template: str, *, org: str, year: int, seq: int, kind: str) -> str:
    return template.format(org=org, year=year, seq=seq, kind=kind)


def template_for(organisation: Organisation, kind: str, default: str = DEFAULT_TEMPLATE) -> str:
    rules = {
        r.organisation_id: r.template
        for r in NumberingRule.objects.filter(Q(organisation=organisation) | Q(organisation__isnull=True), kind=kind)
    }
    return rules.get(organisation.pk) or rules.get(None) or default


def next_number(
    *, organisation: Organisation, kind: str, year: int, default_template: str = DEFAULT_TEMPLATE
) -> tuple[int, str]:
    """Take the next number; returns the sequence value and its formatted form. The template is the
    organisation's numbering rule for ``kind``, else the platform-wide rule, else ``default_template``.

    One statement (``UPDATE … SET last_value = last_value + 1 … RETURNING``) both takes the row lock
    and advances the sequence: the lock is held from here to the caller's commit, so callers take
    their number as late in their transaction as they can."""
    template = _cached_template(organisation, kind, default_template)  # read before the lock is taken
    with transaction.atomic(savepoint=False):  # no savepoint: nothing here is caught and retried
        value = _advance(organisation.pk, kind, year)
        if value is None:
            _create_sequence(organisation, kind, year)
            value = _advance(organisation.pk, kind, year)
    return value, format_number(template, org=organisation.code, year=year, seq=value, kind=kind)


def _advance(organisation_id: int, kind: str, year: int) -> int | None:
    table = connection.ops.quote_name(NumberSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_value = last_value + 1 "
            "WHERE organisation_id = %s AND kind = %s AND year = %s RETURNING last_value",
            [organisation_id, kind, year],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


def _create_sequence(organisation: Organisation, kind: str, year: int) -> None:
    try:
        # The first number of a year: two requests may both try to create the row. The loser's
        # savepoint rolls back and its UPDATE then waits on the winner's lock.
        with transaction.atomic():
            NumberSequence.objects.create(organisation=organisation, kind=kind, year=year, last_value=0)
    except IntegrityError:
        pass


# Numbering rules change a few times a year; every submission reads them. Each process keeps them
# for TEMPLATE_CACHE_SECONDS; a change made in this process clears its cache at once (signals in
# core.signals), other servers see it within that time.
TEMPLATE_CACHE_SECONDS = 60
_templates: dict[tuple[int, str, str], tuple[float, str]] = {}


def _cached_template(organisation: Organisation, kind: str, default: str) -> str:
    key = (organisation.pk, kind, default)
    now = time.monotonic()
    hit = _templates.get(key)
    if hit is not None and now - hit[0] < TEMPLATE_CACHE_SECONDS:
        return hit[1]
    template = template_for(organisation, kind, default)
    _templates[key] = (now, template)
    return template


def forget_templates() -> None:
    _templates.clear()
