"""Writing many cases at once (the import of an earlier system's cases, the demo's year of cases):
rows inserted with ``executemany``, clocks computed with one calendar, number sequences moved on."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, models

from yangguang.core.models import NumberSequence
from yangguang.core.workcalendar import WorkCalendar
from yangguang.services.deadlines import apply_clock
from yangguang.services.models import Case, Suspension
from yangguang.services.services import NUMBER_KIND


def advance_sequences(top: dict[tuple[int, int], int]) -> None:
    """Move the gapless sequence (organisation, year) past the highest number stored in the
    platform's own pattern, so the next live case never collides with an imported one."""
    for (organisation_id, year), value in top.items():
        NumberSequence.objects.get_or_create(organisation_id=organisation_id, kind=NUMBER_KIND, year=year,
                                             defaults={"last_value": 0})
        NumberSequence.objects.filter(organisation_id=organisation_id, kind=NUMBER_KIND, year=year,
                                      last_value__lt=value).update(last_value=value)


_PLAIN_FIELDS = (models.CharField, models.TextField, models.BooleanField, models.SmallIntegerField,
                 models.PositiveSmallIntegerField, models.PositiveIntegerField, models.IntegerField, models.ForeignKey)


def insert_rows(model, objs: list, *, batch: int = 2000) -> None:
    """INSERT ``objs`` with ``executemany``. ``bulk_create`` prepares every value through the
    general expression machinery and, on SQLite, sends some twenty rows a statement: for a year of
    cases that is three quarters of the load time. Here each column is adapted once by its type
    (the backend's own date and time adapters; the field's ``pre_save``/``get_db_prep_save`` for
    anything else, such as encrypted personal data). Primary keys are not set on ``objs``: callers
    find rows again by a unique key."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    ops = connection.ops
    plain, special = [], []
    for i, f in enumerate(fields):
        kind = f.get_internal_type()
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            special.append((i, f))
        elif type(f) in _PLAIN_FIELDS:
            plain.append((i, f.attname, None))
        elif kind in ("DateField", "DateTimeField") and type(f) in (models.DateField, models.DateTimeField):
            adapt = ops.adapt_datefield_value if kind == "DateField" else ops.adapt_datetimefield_value
            plain.append((i, f.attname, adapt))
        else:
            special.append((i, f))
    quote = ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch):
            rows = []
            for obj in objs[start:start + batch]:
                row = [None] * len(fields)
                for i, f in special:  # first: an encrypted field's pre_save fills its lookup hash
                    row[i] = f.get_db_prep_save(f.pre_save(obj, True), connection)
                for i, attname, adapt in plain:
                    value = getattr(obj, attname)
                    row[i] = adapt(value) if adapt and value is not None else value
                rows.append(row)
            cursor.executemany(sql, rows)


class ClockCache:
    """``apply_clock`` with one calendar for many cases. Most cases have no suspension and share
    their dates (accepted, limit, completed) with many others: those are computed once."""

    def __init__(self, calendar: WorkCalendar):
        self.calendar = calendar
        self._memo: dict[tuple, tuple] = {}

    def apply(self, case: Case, stops: list[Suspension]) -> None:
        if stops:
            apply_clock(case, stops, self.calendar)
            return
        key = (case.accepted_on, case.committed_limit, case.completed_on)
        hit = self._memo.get(key)
        if hit is None:
            apply_clock(case, [], self.calendar)
            self._memo[key] = (case.due_on, case.warning_on, case.due_provisional, case.used_workdays)
        else:
            case.due_on, case.warning_on, case.due_provisional, case.used_workdays = hit


def case_pks(keys) -> dict[tuple[int, str], int]:
    """(organisation, number) → primary key, for those of ``keys`` that are stored (``insert_rows``
    sets no keys)."""
    by_org: dict[int, list[str]] = defaultdict(list)
    for organisation_id, number in keys:
        by_org[organisation_id].append(number)
    found = {}
    for organisation_id, numbers in by_org.items():
        for start in range(0, len(numbers), 500):
            for number, pk in Case.objects.filter(organisation_id=organisation_id, number__in=numbers[start:start + 500]
                                                  ).order_by().values_list("number", "pk"):
                found[organisation_id, number] = pk
    return found
