"""Yellow and red cards (黄牌/红牌): the rules that turn a month's alerts into cards, the supervision
desk's manual cards, and appeals (申诉) decided by the desk — writes (services) and the role-scoped
reads the card pages need.

Who may do what:
- the supervision desk (``Role.SUPERVISOR`` over the card's organisation) issues manual cards,
  keeps the card rules and decides appeals;
- an appeal is filed by the carded person or by a leader (``Role.LEADER``) over the card's
  organisation, with reasons (empty reasons are refused);
- the card pages show a card to the desk and leaders over its organisation and to the carded person.

Cards by rule: "N alerts of a level in one calendar month against one window (or one person) →
a card"; the k-th card of the month for a target needs k·N alerts. The unique constraint on
(rule, target, month, ordinal) makes two sweeps issue each card once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from yangguang.core import audit
from yangguang.core.models import Organisation, Role, RoleAssignment, User, Window
from yangguang.core.selectors import organisations_for
from yangguang.supervision.models import Alert, Card, CardAppeal, CardRule
from yangguang.supervision.models.alerts import COLOURS, LEVELS
from yangguang.supervision.notify import notify

DESK = (Role.SUPERVISOR,)
CARD_VIEWERS = (Role.SUPERVISOR, Role.LEADER)


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _covers(user, organisation: Organisation | None, roles) -> bool:
    if organisation is None:
        return False
    return organisations_for(user, roles).filter(pk=organisation.pk).exists()


def supervisors_over(organisation: Organisation) -> list[User]:
    """The supervision desk over ``organisation``: supervisors assigned to it or (with descendants) above it."""
    ids = [
        a.user_id for a in RoleAssignment.objects.filter(role=Role.SUPERVISOR, user__is_active=True).select_related("organisation")
        if a.organisation_id == organisation.pk or a.include_descendants and organisation.path.startswith(a.organisation.path)
    ]
    return list(User.objects.filter(pk__in=ids))


def leaders_of(organisation: Organisation | None) -> list[User]:
    if organisation is None:
        return []
    return list(User.objects.filter(is_active=True, role_assignments__role=Role.LEADER,
                                    role_assignments__organisation=organisation).distinct())


def _target_label(card: Card) -> str:
    return f"窗口 {card.window}" if card.window_id else f"{card.person}"


def _card_recipients(card: Card) -> list[User]:
    people = [card.person] if card.person_id else []
    head_org = card.person.organisation if card.person_id and card.person.organisation_id else card.organisation
    return people + leaders_of(head_org)


def _notify_card(card: Card, title: str, body: str, extra: list[User] = (), suffix: str = "",
                 now: datetime | None = None) -> None:
    notify(recipients=[*_card_recipients(card), *extra], key=f"card:{card.pk}{suffix}", kind="card" if not suffix else "appeal",
           title=title, body=body, url=reverse("supervision-alerts:card-detail", args=[card.pk]),
           organisation=card.organisation, now=now)


# --- cards by rule (run by the sweep) ---------------------------------------------------------------


def apply_card_rules(*, today: date, now: datetime | None = None) -> int:
    """Issue the cards the active rules call for in ``today``'s month; returns how many were new."""
    now = now or timezone.now()
    month = month_of(today)
    issued = 0
    for rule in CardRule.objects.filter(active=True).select_related("organisation"):
        alerts = Alert.objects.filter(level=rule.level, raised_on__gte=month, raised_on__lt=next_month(month))
        if rule.organisation_id:
            path = rule.organisation.path
            alerts = alerts.filter(Q(organisation__path__startswith=path) | Q(department__path__startswith=path))
        key = "window" if rule.against == CardRule.Against.WINDOW else "responsible"
        counts = (
            alerts.exclude(**{f"{key}__isnull": True}).values(key).annotate(n=Count("pk")).filter(n__gte=rule.threshold)
        )
        for row in counts:
            target, due = row[key], row["n"] // rule.threshold
            field = "window_id" if key == "window" else "person_id"
            have = set(Card.objects.filter(rule=rule, month=month, **{field: target}).values_list("ordinal", flat=True))
            for ordinal in range(1, due + 1):
                if ordinal not in have and _issue_by_rule(rule, field, target, month, ordinal, alerts, key, today, now):
                    issued += 1
    return issued


def _issue_by_rule(rule: CardRule, field: str, target: int, month: date, ordinal: int, alerts, key: str,
                   today: date, now: datetime) -> bool:
    basis = list(alerts.filter(**{key: target}).order_by("raised_at", "pk")[(ordinal - 1) * rule.threshold:ordinal * rule.threshold])
    if field == "window_id":
        organisation = Window.objects.select_related("centre").get(pk=target).centre
    else:
        person = User.objects.get(pk=target)
        organisation = person.organisation or basis[0].organisation
    reason = f"{month:%Y年%m月}累计{LEVELS[rule.level]} {ordinal * rule.threshold} 次（规则：{rule.name}）"
    try:
        with transaction.atomic():
            card = Card.objects.create(
                organisation=organisation, colour=rule.colour, rule=rule, month=month, ordinal=ordinal, reason=reason,
                issued_on=today, **{field: target},
            )
            card.alerts.set(basis)
            audit.record(actor=None, action="supervision.card.issue", target=card,
                         after={"colour": card.colour, "target": _target_label(card), "rule": rule.pk, "ordinal": ordinal},
                         reason=reason)
            _notify_card(card, f"{COLOURS[card.colour]}：{_target_label(card)}", reason, now=now)
    except IntegrityError:
        return False  # another sweep issued it first
    return True


# --- manual cards, appeals, decisions -----------------------------------------------------------------


def _text(value, field: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: f"请填写{label}"})
    return text


def card_issue(*, actor: User, colour: str, reason: str, window: Window | None = None, person: User | None = None,
               today: date | None = None) -> Card:
    """A card by hand from the supervision desk, with its reason."""
    if colour not in COLOURS:
        raise ValidationError({"colour": "请选择黄牌或红牌"})
    reason = _text(reason, "reason", "记牌事由")
    if (window is None) == (person is None):
        raise ValidationError({"target": "请选择一个窗口或一名工作人员作为记牌对象"})
    organisation = window.centre if window is not None else person.organisation
    if organisation is None:
        raise ValidationError({"person": "该工作人员未设所属机构，不能记牌"})
    if not _covers(actor, organisation, DESK):
        raise PermissionDenied("只有电子监察（效能办）人员可以对本辖区记牌")
    today = today or timezone.localdate()
    with audit.action(actor=actor, action="supervision.card.issue", reason=reason):
        month = month_of(today)
        ordinal = Card.objects.filter(rule=None, month=month, window=window, person=person).count() + 1
        card = Card.objects.create(organisation=organisation, window=window, person=person, colour=colour, month=month,
                                   ordinal=ordinal, reason=reason, issued_on=today, issued_by=actor)
        audit.record(actor=actor, action="supervision.card.issue", target=card,
                     after={"colour": colour, "target": _target_label(card)}, reason=reason)
        _notify_card(card, f"{COLOURS[colour]}：{_target_label(card)}", reason)
    return card


def can_appeal(user, card: Card) -> bool:
    return card.person_id == user.pk or _covers(user, card.organisation, (Role.LEADER,))


def card_appeal(*, actor: User, card: Card, reasons: str) -> CardAppeal:
    """申诉: by the carded person or a leader over the card's organisation, with reasons."""
    reasons = _text(reasons, "reasons", "申诉理由")
    if not can_appeal(actor, card):
        raise PermissionDenied("只有被记牌人或所在单位领导可以申诉")
    with audit.action(actor=actor, action="supervision.card.appeal", target=card, reason=reasons):
        if not Card.objects.filter(pk=card.pk, status=Card.Status.ISSUED).update(status=Card.Status.APPEALED):
            raise ValidationError({"status": "该牌已申诉或已复核，不能再次申诉"})
        appeal = CardAppeal.objects.create(card=card, reasons=reasons, filed_by=actor, filed_at=timezone.now())
        card.status = Card.Status.APPEALED
        audit.record(actor=actor, action="supervision.card.appeal", target=card, before={"status": Card.Status.ISSUED},
                     after={"status": Card.Status.APPEALED}, reason=reasons)
        notify(recipients=supervisors_over(card.organisation), key=f"card:{card.pk}:appeal", kind="appeal",
               title=f"记牌申诉待复核：{_target_label(card)}", body=reasons[:200],
               url=reverse("supervision-alerts:card-detail", args=[card.pk]), organisation=card.organisation)
    return appeal


def can_decide(user, card: Card) -> bool:
    """The desk over the card's organisation — but never the carded person nor whoever appealed:
    nobody reviews their own appeal."""
    if user.pk == card.person_id:
        return False
    appeal = CardAppeal.objects.filter(card=card).values_list("filed_by_id", flat=True).first()
    return user.pk != appeal and _covers(user, card.organisation, DESK)


def card_decide(*, actor: User, card: Card, decision: str, note: str) -> Card:
    """The supervision desk's decision on an appeal: upheld (维持) or revoked (撤销), with a note."""
    if decision not in CardAppeal.Decision.values:
        raise ValidationError({"decision": "请选择维持记牌或撤销记牌"})
    note = _text(note, "note", "复核意见")
    if not can_decide(actor, card):
        raise PermissionDenied("只有电子监察（效能办）人员可以复核申诉，且被记牌人、申诉人不能复核本人的申诉")
    status = Card.Status.UPHELD if decision == CardAppeal.Decision.UPHELD else Card.Status.REVOKED
    with audit.action(actor=actor, action="supervision.card.decide", target=card, reason=note):
        if not Card.objects.filter(pk=card.pk, status=Card.Status.APPEALED).update(status=status):
            raise ValidationError({"status": "该牌没有待复核的申诉"})
        appeal = CardAppeal.objects.get(card=card)
        appeal.decision, appeal.decision_note, appeal.decided_by, appeal.decided_at = decision, note, actor, timezone.now()
        appeal.save(update_fields=["decision", "decision_note", "decided_by", "decided_at"])
        card.status = status
        audit.record(actor=actor, action="supervision.card.decide", target=card, before={"status": Card.Status.APPEALED},
                     after={"status": status}, reason=note)
        _notify_card(card, f"申诉复核结果：{card.get_status_display()}", note, extra=[appeal.filed_by], suffix=":decision")
    return card


def card_rule_save(*, actor: User, rule: CardRule | None = None, organisation: Organisation | None, name: str,
                   level: str, threshold: int, against: str, colour: str, active: bool = True) -> CardRule:
    """Create or change a card rule (supervision desk only; a rule for all organisations needs a
    desk over a top-level organisation)."""
    name = _text(name, "name", "规则名称")
    if level not in LEVELS:
        raise ValidationError({"level": "请选择预警类型"})
    if colour not in COLOURS:
        raise ValidationError({"colour": "请选择黄牌或红牌"})
    if against not in CardRule.Against.values:
        raise ValidationError({"against": "请选择记牌对象（窗口或个人）"})
    if not isinstance(threshold, int) or not 1 <= threshold <= 1000:
        raise ValidationError({"threshold": "当月累计次数应为 1–1000 的整数"})
    scope = organisations_for(actor, DESK)
    if organisation is None and not scope.filter(parent=None).exists() or organisation is not None and not scope.filter(
        pk=organisation.pk).exists() or rule is not None and rule.organisation_id and not scope.filter(pk=rule.organisation_id).exists():
        raise PermissionDenied("只有本辖区的电子监察（效能办）人员可以设置记牌规则")
    with audit.action(actor=actor, action="supervision.card_rule.save", target=rule):
        before = None
        if rule is None:
            rule = CardRule()
        else:
            before = {"name": rule.name, "level": rule.level, "threshold": rule.threshold, "against": rule.against,
                      "colour": rule.colour, "active": rule.active}
        rule.organisation, rule.name, rule.level, rule.threshold = organisation, name, level, threshold
        rule.against, rule.colour, rule.active = against, colour, active
        rule.save()
        audit.record(actor=actor, action="supervision.card_rule.save", target=rule, before=before,
                     after={"name": name, "level": level, "threshold": threshold, "against": against, "colour": colour,
                            "active": active})
    return rule


# --- reads ------------------------------------------------------------------------------------------


def visible_cards(user) -> QuerySet[Card]:
    """The cards a user may see: the desk's and leaders' organisations, and their own."""
    if not getattr(user, "is_authenticated", False):
        return Card.objects.none()
    orgs = organisations_for(user, CARD_VIEWERS)
    return Card.objects.filter(Q(organisation__in=orgs) | Q(person=user)).select_related(
        "organisation", "window", "person", "rule")


def card_for(user, pk: int) -> Card | None:
    return visible_cards(user).filter(pk=pk).first()


def rules_for(user) -> QuerySet[CardRule]:
    orgs = organisations_for(user, DESK)
    top = orgs.filter(parent=None).exists()
    return CardRule.objects.filter(Q(organisation__in=orgs) | Q(organisation=None) if top else Q(organisation__in=orgs)).select_related("organisation")


def is_desk(user) -> bool:
    return organisations_for(user, DESK).exists()


def card_targets(user) -> tuple[QuerySet[Window], QuerySet[User]]:
    """Windows and people the desk may card."""
    orgs = organisations_for(user, DESK)
    return (Window.objects.filter(centre__in=orgs, is_active=True).select_related("centre"),
            User.objects.filter(organisation__in=orgs, is_active=True).order_by("username"))
