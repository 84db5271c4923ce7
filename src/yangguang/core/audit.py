"""The append-only audit trail: every event is chained to the previous one by HMAC-SM3 over
canonical JSON, so changing, removing or reordering any stored event breaks the chain."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

from django.conf import settings
from django.db import connection, models, transaction

from yangguang.core import context, gmcrypto
from yangguang.core.models import AuditEvent, AuditHead

GENESIS = "0" * 64
SYSTEM = "系统"


def _default(value):
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default)


def _normalise(value):
    """What a JSON column gives back, so the digest is the same before and after storage."""
    return None if value is None else json.loads(canonical_json(value))


def event_digest(fields: dict, key: bytes) -> str:
    return gmcrypto.hmac_sm3(key, canonical_json(fields).encode()).hex()


def _chained_fields(event: AuditEvent) -> dict:
    return {
        "seq": event.seq,
        "occurred_at": event.occurred_at.astimezone(timezone.utc).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "success": event.success,
        "client_ip": event.client_ip,
        "prev_hash": event.prev_hash,
    }


def _actor_fields(actor) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, SYSTEM if actor is None else "匿名用户"
    return actor.pk, f"{actor.get_username()}（{actor}）"


def _locked_head() -> tuple[int, str]:
    """Lock the chain head (one row) and read it; created on first use."""
    table = connection.ops.quote_name(AuditHead._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_seq, last_hash FROM {table} WHERE id = 1{lock}")
        row = cursor.fetchone()
    if row is None:
        AuditHead.objects.get_or_create(pk=1, defaults={"last_seq": 0, "last_hash": GENESIS})
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT last_seq, last_hash FROM {table} WHERE id = 1{lock}")
            row = cursor.fetchone()
    return row[0], row[1]


_INSERT_FIELDS = None


def _append(event: AuditEvent) -> None:
    """Insert the event and move the head: two plain statements. The ORM's save machinery costs
    more than the statements themselves on this, the hottest write of the platform."""
    global _INSERT_FIELDS
    if _INSERT_FIELDS is None:
        _INSERT_FIELDS = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in _INSERT_FIELDS)
    values = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in _INSERT_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(values))})",
            values,
        )
        cursor.execute(
            f"UPDATE {quote(AuditHead._meta.db_table)} SET last_seq = %s, last_hash = %s WHERE id = 1",
            [event.seq, event.hash],
        )


def record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before=None,
    after=None,
    reason: str = "",
    success: bool = True,
) -> AuditEvent:
    """Append one event. Runs inside the caller's transaction: if the change rolls back, so does
    its event, and the chain head it advanced."""
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
        object_repr = object_repr or str(target)[:200]
    actor_id, actor_label = _actor_fields(actor)
    with transaction.atomic(savepoint=False):  # no savepoint: an error here fails the caller
        head = _locked_head()
        event = AuditEvent(
            seq=head[0] + 1,
            occurred_at=datetime.now(timezone.utc),
            actor_id=actor_id,
            actor_label=actor_label[:150],
            action=action,
            object_type=object_type,
            object_id=str(object_id)[:80],
            object_repr=object_repr[:200],
            before=_normalise(before),
            after=_normalise(after),
            reason=reason,
            success=success,
            client_ip=context.client_ip.get(),
            prev_hash=head[1],
        )
        event.hash = event_digest(_chained_fields(event), settings.AUDIT_HMAC_KEY)
        _append(event)
        event._state.adding = False  # appended: saving it again is refused like any stored event
    return event


@contextmanager
def action(*, actor, action: str, target: models.Model | None = None, **fields) -> Iterator[None]:
    """Run a state change in one transaction; if it fails, the failure itself is still recorded
    (after the rollback, so the half-done change leaves no trace but the attempt does)."""
    try:
        with transaction.atomic():
            yield
    except Exception as exc:
        if not transaction.get_connection().needs_rollback:
            reason = fields.pop("reason", "")
            record(
                actor=actor,
                action=action,
                target=target,
                success=False,
                reason=(f"{reason}；" if reason else "") + f"失败：{_describe(exc)}",
                **fields,
            )
        raise


def _describe(exc: Exception) -> str:
    messages = getattr(exc, "messages", None)
    if messages:
        return "；".join(str(m) for m in messages)[:500]
    return str(exc)[:500] or type(exc).__name__


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    problem: str = ""


def verify(*, key: bytes | None = None, progress: Callable[[int], None] | None = None) -> VerifyResult:
    """Walk the whole chain in order and report the first event that does not fit."""
    key = key or settings.AUDIT_HMAC_KEY
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"缺少序号 {expected_seq} 的事件（下一条为 {event.seq}）")
        if event.prev_hash != prev_hash:
            return VerifyResult(False, checked, event.seq, "与前一事件的链接不符")
        if event_digest(_chained_fields(event), key) != event.hash:
            return VerifyResult(False, checked, event.seq, "事件内容与摘要不符（已被篡改）")
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
        if progress and checked % 10000 == 0:
            progress(checked)
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq != checked:
        return VerifyResult(False, checked, checked + 1, f"链尾记录为 {head.last_seq} 条，实际只有 {checked} 条（末尾事件被删除）")
    if head is not None and head.last_hash != prev_hash:
        return VerifyResult(False, checked, checked, "链尾摘要不符")
    return VerifyResult(True, checked)
