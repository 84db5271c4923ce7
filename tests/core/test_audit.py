"""The audit trail is append-only and any tampering with stored events is detected."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from yangguang.core import audit
from yangguang.core.models import AuditEvent


@pytest.fixture
def trail(db):
    for i in range(5):
        audit.record(actor=None, action=f"test.step{i}", object_repr=f"对象{i}", before={"n": i}, after={"n": i + 1}, reason="测试")
    return list(AuditEvent.objects.order_by("seq"))


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_chain_links_every_event_to_the_previous(trail):
    assert [e.seq for e in trail] == [1, 2, 3, 4, 5]
    assert trail[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(trail, trail[1:]))
    assert audit.verify().ok
    assert audit.verify().checked == 5


def test_verify_needs_the_key(trail):
    assert not audit.verify(key=b"\x00" * 32).ok


@pytest.mark.parametrize(
    "tamper, seq, problem",
    [
        ("UPDATE core_auditevent SET reason = '改过' WHERE seq = 3", 3, "篡改"),
        ("UPDATE core_auditevent SET success = FALSE WHERE seq = 2", 2, "篡改"),
        ("UPDATE core_auditevent SET actor_label = '别人' WHERE seq = 1", 1, "篡改"),
        ("DELETE FROM core_auditevent WHERE seq = 3", 3, "缺少序号 3"),
        ("DELETE FROM core_auditevent WHERE seq = 5", 5, "末尾事件被删除"),
    ],
)
def test_tampering_is_detected_at_the_first_broken_event(trail, tamper, seq, problem):
    raw(tamper)
    result = audit.verify()
    assert not result.ok
    assert result.broken_seq == seq
    assert problem in result.problem


def test_rehashing_a_forged_event_without_the_key_is_still_detected(trail):
    # A forger who recomputes the digest with a guessed key breaks the next link's prev_hash.
    forged = audit.event_digest({"forged": True}, b"guess" * 6 + b"!!")
    raw("UPDATE core_auditevent SET reason = '伪造', hash = %s WHERE seq = 2", [forged])
    result = audit.verify()
    assert not result.ok and result.broken_seq == 2


def test_swapping_two_events_is_detected(trail):
    raw("UPDATE core_auditevent SET seq = 100 WHERE seq = 2")
    raw("UPDATE core_auditevent SET seq = 2 WHERE seq = 3")
    raw("UPDATE core_auditevent SET seq = 3 WHERE seq = 100")
    assert audit.verify().broken_seq == 2


def test_the_orm_cannot_change_or_delete_events(trail):
    event = trail[0]
    event.reason = "改"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(seq=1).update(reason="改")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert audit.verify().ok


def test_audit_verify_command(trail, capsys):
    call_command("audit", "verify")
    assert capsys.readouterr().out.startswith("OK：审计链完好，共 5 条事件")
    raw("UPDATE core_auditevent SET after = '{\"n\": 99}' WHERE seq = 4")
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    assert exc.value.returncode == 1
    assert "第 4 条事件" in str(exc.value)


def test_a_failed_action_leaves_no_change_but_records_the_attempt(db, clerk):
    from yangguang.core.models import Organisation

    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        with audit.action(actor=clerk, action="test.create_then_fail", object_repr="半途"):
            Organisation(code="HALF", name="半成品", kind=Organisation.Kind.DEPARTMENT).save()
            audit.record(actor=clerk, action="test.create_then_fail", object_repr="半途")
            raise ValidationError({"name": "名称不合规"})
    assert not Organisation.objects.filter(code="HALF").exists()
    events = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert len(events) == 1
    assert events[0].success is False
    assert "名称不合规" in events[0].reason
    assert events[0].actor_id == clerk.pk
    assert audit.verify().ok


def test_events_record_who_what_and_from_where(client, clerk):
    client.post("/login/", {"username": "clerk", "password": "wrong-Password1"}, REMOTE_ADDR="10.1.2.3")
    failed = AuditEvent.objects.filter(action="auth.login_failed").latest("seq")
    assert failed.success is False and failed.object_repr == "clerk" and failed.client_ip == "10.1.2.3"
    client.post("/login/", {"username": "clerk", "password": "Persona@2026"}, REMOTE_ADDR="10.1.2.4")
    login = AuditEvent.objects.filter(action="auth.login").latest("seq")
    assert login.actor_id == clerk.pk and login.client_ip == "10.1.2.4"
