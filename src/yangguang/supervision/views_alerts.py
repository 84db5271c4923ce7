"""Pages of the e-supervision engine: the notification centre (/staff/tz/) and the cards
(/staff/dzjc/cards/: list scoped by role, detail, manual card, appeal, decision, card rules).
Thin adapters: fetch through the role-scoped reads in ``cards`` / ``notify``, call one service,
re-render a refused write with the Chinese reason and status 400."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from yangguang.core.selectors import organisations_for
from yangguang.supervision import cards, notify
from yangguang.supervision.models import Card, CardAppeal, CardRule
from yangguang.supervision.models.alerts import COLOURS, LEVELS
from yangguang.supervision.web import apply_errors, form_submitted


# --- notification centre ---------------------------------------------------------------------------


@login_required
@require_safe
def inbox(request):
    only_unread = request.GET.get("unread") == "1"
    qs = notify.inbox(request.user)
    if only_unread:
        qs = qs.filter(read_at=None)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "supervision/alerts/inbox.html", {
        "page": page, "unread": notify.unread_count(request.user), "only_unread": only_unread,
    })


@login_required
@require_POST
def inbox_read(request, pk):
    note = notify.inbox(request.user).filter(pk=pk).first()
    if note is None:
        raise Http404
    notify.notification_mark_read(actor=request.user, pk=pk)
    if request.POST.get("open") and note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return redirect(note.url)
    return redirect("supervision-alerts:inbox")


@login_required
@require_POST
def inbox_read_all(request):
    n = notify.notification_mark_read(actor=request.user)
    messages.success(request, f"已将 {n} 条通知标为已读")
    return redirect("supervision-alerts:inbox")


# --- cards -----------------------------------------------------------------------------------------


class AppealForm(forms.Form):
    reasons = forms.CharField(label="申诉理由", widget=forms.Textarea(attrs={"rows": 4}), required=False,
                              max_length=4000, help_text="说明记牌依据的预警为何不成立（如系统故障、特别程序未登记、非本人经办等）")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="复核结论", choices=CardAppeal.Decision.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="复核意见", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)


class ManualCardForm(forms.Form):
    colour = forms.ChoiceField(label="牌色", choices=list(COLOURS.items()))
    window = forms.ModelChoiceField(label="窗口", queryset=None, required=False, empty_label="（不对窗口记牌）")
    person = forms.ModelChoiceField(label="工作人员", queryset=None, required=False, empty_label="（不对个人记牌）")
    reason = forms.CharField(label="记牌事由", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset, self.fields["person"].queryset = cards.card_targets(user)


class RuleForm(forms.Form):
    name = forms.CharField(label="规则名称", max_length=100, required=False)
    organisation = forms.ModelChoiceField(label="适用机构（含下级）", queryset=None, required=False, empty_label="全部机构")
    level = forms.ChoiceField(label="预警类型", choices=list(LEVELS.items()))
    threshold = forms.IntegerField(label="当月累计次数", min_value=1, max_value=1000, initial=3)
    against = forms.ChoiceField(label="记牌对象", choices=CardRule.Against.choices)
    colour = forms.ChoiceField(label="牌色", choices=list(COLOURS.items()))
    active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_for(user, cards.DESK).order_by("path")


def _card(request, pk) -> Card:
    card = cards.card_for(request.user, pk)
    if card is None:
        raise Http404
    return card


@login_required
@require_safe
def card_list(request):
    qs = cards.visible_cards(request.user)
    status = request.GET.get("status") or ""
    if status and status not in Card.Status.values:
        return render(request, "portal/error.html", {"title": "请求有误", "message": "状态（status）无效"}, status=400)
    if status:
        qs = qs.filter(status=status)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "supervision/alerts/cards.html", {
        "page": page, "status": status, "statuses": Card.Status.choices, "is_desk": cards.is_desk(request.user),
    })


def _detail(request, card: Card, *, status: int = 200, appeal_form=None, decision_form=None):
    appeal = CardAppeal.objects.filter(card=card).select_related("filed_by", "decided_by").first()
    context = {
        "card": card, "appeal": appeal, "alerts": card.alerts.order_by("raised_at")[:50],
        "can_appeal": card.status == Card.Status.ISSUED and cards.can_appeal(request.user, card),
        "can_decide": card.status == Card.Status.APPEALED and cards.can_decide(request.user, card),
    }
    context["appeal_form"] = appeal_form or AppealForm()
    context["decision_form"] = decision_form or DecisionForm()
    return render(request, "supervision/alerts/card_detail.html", context, status=status)


@login_required
@require_safe
def card_detail(request, pk):
    return _detail(request, _card(request, pk))


@login_required
@require_POST
def card_appeal(request, pk):
    card = _card(request, pk)
    form = AppealForm(request.POST)
    if form_submitted(request, form, "申诉已提交，等待电子监察（效能办）复核", lambda: cards.card_appeal(
            actor=request.user, card=card, reasons=form.cleaned_data["reasons"],
    )):
        return redirect("supervision-alerts:card-detail", pk=card.pk)
    return _detail(request, card, status=400, appeal_form=form)


@login_required
@require_POST
def card_decide(request, pk):
    card = _card(request, pk)
    form = DecisionForm(request.POST)
    if form_submitted(request, form, "复核结论已记录", lambda: cards.card_decide(
            actor=request.user, card=card, decision=form.cleaned_data["decision"], note=form.cleaned_data["note"],
    )):
        return redirect("supervision-alerts:card-detail", pk=card.pk)
    return _detail(request, card, status=400, decision_form=form)


def _require_desk(user) -> None:
    if not cards.is_desk(user):
        raise PermissionDenied("只有电子监察（效能办）人员可以使用此功能")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def card_new(request):
    _require_desk(request.user)
    form = ManualCardForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                card = cards.card_issue(actor=request.user, colour=d["colour"], reason=d["reason"], window=d["window"],
                                        person=d["person"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "已记牌并通知相关人员")
                return redirect("supervision-alerts:card-detail", pk=card.pk)
        return render(request, "supervision/alerts/card_form.html", {"form": form}, status=400)
    return render(request, "supervision/alerts/card_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def card_rules(request, pk=None):
    _require_desk(request.user)
    rule = None
    if pk is not None:
        rule = cards.rules_for(request.user).filter(pk=pk).first()
        if rule is None:
            raise Http404
    initial = {}
    if rule is not None:
        initial = {"name": rule.name, "organisation": rule.organisation, "level": rule.level, "threshold": rule.threshold,
                   "against": rule.against, "colour": rule.colour, "active": rule.active}
    form = RuleForm(request.POST or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form_submitted(request, form, "记牌规则已保存", lambda: cards.card_rule_save(
                actor=request.user, rule=rule, **form.cleaned_data,
        )):
            return redirect("supervision-alerts:card-rules")
    return render(request, "supervision/alerts/rules.html", {
        "rules": cards.rules_for(request.user), "form": form, "rule": rule,
    }, status=status)
