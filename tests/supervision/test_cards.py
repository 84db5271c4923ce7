"""Cards (黄牌/红牌): rules count a month's alerts per window or person; the desk cards by hand with
a reason; the carded person or their leader appeals with reasons (empty reasons refused); the desk
decides with a note; everything audited and notified; an outsider is always refused."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from yangguang.core.models import AuditEvent
from yangguang.supervision import cards
from yangguang.supervision.models import Alert, Card, CardRule, Notification

from .alerts_world import at, desk  # noqa: F401  (fixture)

D = date.fromisoformat


def alert(desk, raised_on, level="red", responsible=None, window="default", n=[0]):
    n[0] += 1
    case = desk.case(D("2026-01-05"))
    return Alert.objects.create(
        subject="case", case=case, number=case.number, organisation=desk.centre, department=desk.police,
        window=desk.window if window == "default" else window, item=desk.licence,
        responsible=responsible or desk.clerk, level=level, step="", due_on=D("2026-01-12"), raised_on=D(raised_on),
        raised_at=at(D(raised_on)), notified_at=at(D(raised_on)),
    )


@pytest.mark.parametrize(
    "raised, threshold, against, swept_on, expected_cards",
    [
        (["2026-03-02", "2026-03-03"], 3, "window", "2026-03-31", 0),  # 2 of 3
        (["2026-03-02", "2026-03-03", "2026-03-31"], 3, "window", "2026-03-31", 1),
        (["2026-02-27", "2026-03-02", "2026-03-03"], 3, "window", "2026-03-31", 0),  # months do not add up
        (["2026-03-0%d" % d for d in range(2, 9)], 3, "window", "2026-03-31", 2),  # 7 alerts: 2 cards
        (["2026-03-02"], 1, "person", "2026-03-02", 1),
        (["2026-03-02", "2026-03-03"], 1, "person", "2026-04-01", 0),  # a new month counts afresh
    ],
)
def test_card_rules_count_the_months_alerts(desk, raised, threshold, against, swept_on, expected_cards):
    rule = CardRule.objects.create(name="红灯记牌", level="red", threshold=threshold, against=against, colour="red")
    for day in raised:
        alert(desk, day)
    assert cards.apply_card_rules(today=D(swept_on)) == expected_cards
    assert cards.apply_card_rules(today=D(swept_on)) == 0  # idempotent
    made = Card.objects.filter(rule=rule)
    assert made.count() == expected_cards
    for card in made:
        assert card.alerts.count() == threshold and card.colour == "red"
        assert (card.window == desk.window) == (against == "window") and (card.person == desk.clerk) == (against == "person")


def test_only_the_rules_level_organisation_and_active_rules_count(desk, world):
    CardRule.objects.create(name="黄灯", level="yellow", threshold=1, against="window", colour="yellow")
    CardRule.objects.create(name="别处", level="red", threshold=1, against="window", colour="red", organisation=world.other_county)
    CardRule.objects.create(name="停用", level="red", threshold=1, against="window", colour="red", active=False)
    alert(desk, "2026-03-02", level="red")
    assert cards.apply_card_rules(today=D("2026-03-02")) == 0


def test_a_rule_card_names_its_basis_and_notifies_the_person_and_head(desk):
    CardRule.objects.create(name="个人红灯两次记红牌", level="red", threshold=2, against="person", colour="red")
    alert(desk, "2026-03-02")
    alert(desk, "2026-03-03")
    cards.apply_card_rules(today=D("2026-03-03"))
    card = Card.objects.get()
    assert "2026年03月累计红灯（已逾期） 2 次" in card.reason and card.issued_by is None
    assert set(Notification.objects.filter(key=f"card:{card.pk}").values_list("recipient__username", flat=True)) == {
        "clerk", "head"}
    assert AuditEvent.objects.filter(action="supervision.card.issue", object_id=str(card.pk)).exists()


def test_the_desk_cards_by_hand_with_a_reason(desk):
    card = cards.card_issue(actor=desk.supervisor, colour="yellow", reason="窗口人员脱岗 20 分钟", person=desk.clerk,
                            today=D("2026-03-05"))
    assert (card.organisation, card.month, card.issued_by) == (desk.centre, D("2026-03-01"), desk.supervisor)
    with pytest.raises(ValidationError) as exc:
        cards.card_issue(actor=desk.supervisor, colour="yellow", reason="  ", window=desk.window)
    assert "记牌事由" in str(exc.value)
    for who in (desk.clerk, desk.head, desk.outsider):
        with pytest.raises(PermissionDenied):
            cards.card_issue(actor=who, colour="red", reason="无理由", window=desk.window)


def _card(desk):
    return cards.card_issue(actor=desk.supervisor, colour="red", reason="当月三件超期", person=desk.clerk)


def test_an_appeal_needs_reasons(desk):
    card = _card(desk)
    for empty in ("", "   \n"):
        with pytest.raises(ValidationError) as exc:
            cards.card_appeal(actor=desk.clerk, card=card, reasons=empty)
        assert "请填写申诉理由" in str(exc.value)
    card.refresh_from_db()
    assert card.status == "issued"


def test_the_person_or_their_leader_appeal_once_and_the_desk_decides(desk):
    card = _card(desk)
    with pytest.raises(PermissionDenied):
        cards.card_appeal(actor=desk.reviewer, card=card, reasons="不是我办的")
    with pytest.raises(PermissionDenied):
        cards.card_appeal(actor=desk.outsider, card=card, reasons="不是我办的")
    cards.card_appeal(actor=desk.head, card=card, reasons="三件均因申请人补正，系统未登记暂停")
    with pytest.raises(ValidationError):
        cards.card_appeal(actor=desk.clerk, card=card, reasons="再次申诉")
    assert Notification.objects.filter(key=f"card:{card.pk}:appeal", recipient=desk.supervisor).exists()
    with pytest.raises(PermissionDenied):
        cards.card_decide(actor=desk.head, card=card, decision="revoked", note="自己撤销")
    with pytest.raises(ValidationError) as exc:
        cards.card_decide(actor=desk.supervisor, card=card, decision="revoked", note="")
    assert "复核意见" in str(exc.value)
    cards.card_decide(actor=desk.supervisor, card=card, decision="revoked", note="经核实补正记录属实，撤销")
    card.refresh_from_db()
    assert card.status == "revoked" and card.appeal.decided_by == desk.supervisor
    assert Notification.objects.filter(key=f"card:{card.pk}:decision", recipient__in=[desk.clerk, desk.head]).count() == 2
    actions = set(AuditEvent.objects.filter(object_id=str(card.pk), object_type__contains="card").values_list("action", flat=True))
    assert {"supervision.card.issue", "supervision.card.appeal", "supervision.card.decide"} <= actions


# --- pages -----------------------------------------------------------------------------------------


def test_the_outsider_is_refused_every_card_page(client, desk):
    card = _card(desk)
    client.force_login(desk.outsider)
    assert client.get(reverse("supervision-alerts:card-detail", args=[card.pk])).status_code == 404
    assert client.post(reverse("supervision-alerts:card-appeal", args=[card.pk]), {"reasons": "x"}).status_code == 404
    assert client.post(reverse("supervision-alerts:card-decide", args=[card.pk]),
                       {"decision": "revoked", "note": "x"}).status_code == 404
    assert card.person.full_name not in client.get(reverse("supervision-alerts:cards")).content.decode()
    assert client.get(reverse("supervision-alerts:card-new")).status_code == 403
    assert client.get(reverse("supervision-alerts:card-rules")).status_code == 403
    card.refresh_from_db()
    assert card.status == "issued"


def test_appeal_and_decision_through_the_pages(client, desk):
    card = _card(desk)
    client.force_login(desk.clerk)
    page = client.get(reverse("supervision-alerts:card-detail", args=[card.pk]))
    assert page.status_code == 200 and "提出申诉" in page.content.decode()
    refused = client.post(reverse("supervision-alerts:card-appeal", args=[card.pk]), {"reasons": " "})
    assert refused.status_code == 400 and "请填写申诉理由" in refused.content.decode()
    assert client.post(reverse("supervision-alerts:card-appeal", args=[card.pk]), {"reasons": "系统故障"}).status_code == 302
    client.force_login(desk.supervisor)
    assert "复核申诉" in client.get(reverse("supervision-alerts:card-detail", args=[card.pk])).content.decode()
    done = client.post(reverse("supervision-alerts:card-decide", args=[card.pk]), {"decision": "upheld", "note": "故障已排除，维持"})
    assert done.status_code == 302
    card.refresh_from_db()
    assert card.status == "upheld"


def test_the_desk_cards_and_keeps_rules_through_the_pages(client, desk):
    client.force_login(desk.supervisor)
    refused = client.post(reverse("supervision-alerts:card-new"), {"colour": "yellow", "window": desk.window.pk, "reason": ""})
    assert refused.status_code == 400 and "请填写记牌事由" in refused.content.decode()
    made = client.post(reverse("supervision-alerts:card-new"), {"colour": "yellow", "window": desk.window.pk, "reason": "窗口无人"})
    assert made.status_code == 302 and Card.objects.get().window == desk.window
    bad = client.post(reverse("supervision-alerts:card-rules"), {"name": "x", "level": "red", "threshold": 0,
                                                                 "against": "window", "colour": "red"})
    assert bad.status_code == 400 and not CardRule.objects.exists()
    ok = client.post(reverse("supervision-alerts:card-rules"), {"name": "红灯三次记红牌", "level": "red", "threshold": 3,
                                                                "against": "window", "colour": "red", "active": "on"})
    assert ok.status_code == 302
    rule = CardRule.objects.get()
    assert (rule.threshold, rule.organisation, rule.active) == (3, None, True)
    assert "红灯三次记红牌" in client.get(reverse("supervision-alerts:card-rules")).content.decode()


def test_nobody_decides_an_appeal_about_themself(desk):
    from tests.conftest import make_person
    from yangguang.core.models import Role

    colleague = make_person("desk2", Role.SUPERVISOR, desk.supervisor.organisation, full_name="钱监察")
    card = cards.card_issue(actor=colleague, colour="yellow", reason="未按规定录入暂停", person=desk.supervisor)
    cards.card_appeal(actor=desk.supervisor, card=card, reasons="已按规定录入，系统延迟")
    assert not cards.can_decide(desk.supervisor, card)
    with pytest.raises(PermissionDenied, match="不能复核本人"):
        cards.card_decide(actor=desk.supervisor, card=card, decision="revoked", note="撤销")
    card.refresh_from_db()
    assert card.status == Card.Status.APPEALED
    assert cards.card_decide(actor=colleague, card=card, decision="upheld", note="维持").status == Card.Status.UPHELD
