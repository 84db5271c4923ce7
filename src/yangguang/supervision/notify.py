"""The notification centre's one entry point for every part of supervision.

``notify(recipients=…, key=…, kind=…, title=…)`` writes one ``Notification`` per recipient and
event key — a second call with the same key writes nothing: the unique constraint decides, inside
the database (``INSERT … ON CONFLICT DO NOTHING``), so two sweeps on two servers notify once — and
queues one ``Delivery`` per configured external channel (settings.NOTIFY_BACKENDS) for the
notifications that were new. ``notify_many`` does the same for many events in one statement.

``deliver_pending()`` drains the outbox. The due deliveries are claimed a batch at a time with one
conditional ``UPDATE … RETURNING`` (two drainers never send the same message twice at the same
moment), sent outside any transaction, and their outcomes written with one update per outcome; a
failure is logged and retried after a growing delay (1, 2, 4, 8 … minutes); after
``MAX_ATTEMPTS`` it is marked failed and logged as an error. The in-app notification is never lost:
it was written before any backend was asked."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from yangguang.core.models import Organisation, User
from yangguang.supervision.models import Delivery, Notification

log = logging.getLogger("yangguang.notify")

MAX_ATTEMPTS = 5
CLAIM_MINUTES = 10  # a claimed delivery whose sender died is tried again after this
CHUNK = 200
CLAIM_BATCH = 100  # deliveries claimed, sent and recorded together


class ConsoleBackend:
    """The default: writes the message to the log (a real gateway replaces it in settings)."""

    def send(self, address: str, title: str, body: str) -> None:
        log.info("通知 → %s：%s %s", address or "-", title, body)


@dataclass(frozen=True)
class Message:
    """One event for some people: ``key`` names the event (``alert:42``, ``card:7``)."""

    recipients: tuple[int, ...]
    key: str
    kind: str
    title: str
    body: str = ""
    url: str = ""
    organisation_id: int | None = None


def notify(*, recipients: Iterable[User | None], key: str, kind: str, title: str, body: str = "", url: str = "",
           organisation: Organisation | None = None, now: datetime | None = None) -> int:
    """Notify each recipient once per ``key``; returns how many notifications were new."""
    people = tuple(dict.fromkeys(u.pk for u in recipients if u is not None))
    return notify_many([Message(people, key, kind, title, body, url, organisation.pk if organisation else None)], now=now)


def notify_many(messages: Sequence[Message], *, now: datetime | None = None) -> int:
    """Write the new (key, recipient) notifications and queue their deliveries; returns how many
    were new. Safe to call twice or from two servers at once: each pair is written once."""
    now = now or timezone.now()
    rows = [(m, r) for m in messages for r in dict.fromkeys(m.recipients) if r]
    if not rows:
        return 0
    created: list[int] = []
    with transaction.atomic():
        for start in range(0, len(rows), CHUNK):
            created += _insert_notifications(rows[start:start + CHUNK], now)
        if created and settings.NOTIFY_BACKENDS:
            queue_deliveries(created, now)
    return len(created)


def _insert_notifications(rows, now: datetime) -> list[int]:
    table = connection.ops.quote_name(Notification._meta.db_table)
    columns = ("recipient_id", "organisation_id", "kind", "key", "title", "body", "url", "created_at", "read_at")
    stamp = connection.ops.adapt_datetimefield_value(now)
    values, params = [], []
    for m, recipient in rows:
        values.append("(" + ", ".join(["%s"] * len(columns)) + ")")
        params += [recipient, m.organisation_id, m.kind, m.key[:120], m.title[:200], m.body, m.url[:300], stamp, None]
    sql = (
        f"INSERT INTO {table} ({', '.join(connection.ops.quote_name(c) for c in columns)}) VALUES {', '.join(values)} "
        "ON CONFLICT DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _send_to(delivery: Delivery) -> str:
    if delivery.channel == "sms":
        phone = delivery.notification.recipient.phone
        return phone.reveal() if phone else ""
    return delivery.address


def queue_deliveries(notification_ids: list[int], now: datetime) -> None:
    """One ``INSERT … SELECT`` per channel and chunk: a pending delivery per notification, its
    address read from the recipient in the database (no model instances). What the outbox stores:
    the email address, the username for other channels, and for SMS nothing — a phone number is
    personal data kept only encrypted on the user, read when the message is sent (``_send_to``)."""
    q = connection.ops.quote_name
    stamp = connection.ops.adapt_datetimefield_value(now)
    for channel in settings.NOTIFY_BACKENDS:
        address = {"sms": "''", "email": "COALESCE(u.email, '')"}.get(channel, "u.username")
        for condition, params in id_chunks("n.id", notification_ids):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {q(Delivery._meta.db_table)} (notification_id, channel, address, status, attempts, "
                    f"next_attempt_at, last_error, sent_at) "
                    f"SELECT n.id, %s, SUBSTR({address}, 1, 200), %s, 0, %s, '', NULL "
                    f"FROM {q(Notification._meta.db_table)} n JOIN {q(User._meta.db_table)} u ON u.id = n.recipient_id "
                    f"WHERE {condition} ORDER BY n.id ON CONFLICT DO NOTHING",
                    [channel, Delivery.Status.PENDING, stamp, *params],
                )


def id_chunks(column: str, ids: list[int], size: int = 20_000):
    """``column`` among ``ids``, as (SQL condition, params) per chunk: one array parameter on
    PostgreSQL, a short ``IN (…)`` elsewhere (SQLite allows few parameters per statement)."""
    if connection.vendor == "postgresql":
        for start in range(0, len(ids), size):
            yield f"{column} = ANY(%s)", [list(ids[start:start + size])]
        return
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        yield f"{column} IN ({', '.join(['%s'] * len(chunk))})", list(chunk)


# --- the outbox -----------------------------------------------------------------------------------


@dataclass
class DeliveryResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def backoff(attempts: int) -> timedelta:
    """The wait before the next try after ``attempts`` failures: 1, 2, 4, 8 … minutes, at most a day."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 24 * 60))


def _backend(channel: str):
    path = settings.NOTIFY_BACKENDS.get(channel)
    if not path:
        raise LookupError(f"未配置通知渠道 {channel}")
    return import_string(path)()


def _claim(now: datetime, limit: int) -> list[int]:
    """Claim up to ``limit`` due deliveries in one conditional ``UPDATE … RETURNING``: a second
    drainer waits for the rows this one holds, finds them no longer due and skips them, so no
    delivery is sent twice at the same moment. The lease covers a crash mid-send."""
    q = connection.ops.quote_name
    table = q(Delivery._meta.db_table)
    ops = connection.ops
    pending, stamp = Delivery.Status.PENDING, ops.adapt_datetimefield_value(now)
    lease = ops.adapt_datetimefield_value(now + timedelta(minutes=CLAIM_MINUTES))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET attempts = attempts + 1, next_attempt_at = %s "
            f"WHERE status = %s AND next_attempt_at <= %s AND id IN (SELECT id FROM {table} WHERE status = %s "
            f"AND next_attempt_at <= %s ORDER BY next_attempt_at, id LIMIT %s) RETURNING id",
            [lease, pending, stamp, pending, stamp, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def _record(outcomes: dict[tuple, list[int]]) -> None:
    """Write the outcomes of the sends: one UPDATE per distinct outcome (all the sent ones together)."""
    for values, pks in outcomes.items():
        Delivery.objects.filter(pk__in=pks).update(**dict(values))


def deliver_pending(*, now: datetime | None = None, limit: int = 1000) -> DeliveryResult:
    """Send what is due in the outbox; a failure is logged and retried later, never dropped.
    Claimed and recorded ``CLAIM_BATCH`` at a time: the lease covers one batch's sends, and a
    crash re-sends at most one batch (after the lease)."""
    now = now or timezone.now()
    result = DeliveryResult()
    backends: dict[str, object] = {}
    remaining = limit
    while remaining > 0:
        claimed = _claim(now, min(CLAIM_BATCH, remaining))
        if not claimed:
            break
        remaining -= len(claimed)
        outcomes: dict[tuple, list[int]] = {}
        due = Delivery.objects.filter(pk__in=claimed).select_related("notification__recipient").order_by("pk")
        for d in due:
            attempts = d.attempts  # this try, counted by the claim
            try:
                if d.channel not in backends:
                    backends[d.channel] = _backend(d.channel)
                backends[d.channel].send(_send_to(d), d.notification.title, d.notification.body)
            except Exception as exc:  # a gateway may fail in any way; the message must survive it
                error = f"{type(exc).__name__}: {exc}"[:1000]
                result.errors.append(error)
                if attempts >= MAX_ATTEMPTS:
                    outcome = (("status", Delivery.Status.FAILED), ("last_error", error))
                    log.error("通知发送失败，已放弃（第 %s 次）：%s → %s：%s", attempts, d.channel, d.notification.recipient, error)
                    result.failed += 1
                else:
                    outcome = (("last_error", error), ("next_attempt_at", now + backoff(attempts)))
                    log.warning("通知发送失败，将重试（第 %s 次）：%s → %s：%s", attempts, d.channel, d.notification.recipient,
                                error)
                    result.retried += 1
            else:
                outcome = (("status", Delivery.Status.SENT), ("sent_at", now), ("last_error", ""))
                result.sent += 1
            outcomes.setdefault(outcome, []).append(d.pk)
        _record(outcomes)
    return result


# --- the notification centre (reads and the reader's own writes) --------------------------------


def inbox(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def unread_count(user) -> int:
    """For the navigation bar: how many of the user's notifications are unread."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at=None).count()


def notification_mark_read(*, actor: User, pk: int | None = None) -> int:
    """Mark one of the actor's notifications read (or all of them when ``pk`` is None)."""
    qs = Notification.objects.filter(recipient=actor, read_at=None)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())
