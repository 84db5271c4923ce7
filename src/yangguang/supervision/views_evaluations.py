"""好差评 pages: the public rating (web: tracking code + secret; SMS: a signed link), the window
device endpoint, the public figures (好评率), and the staff desk of rectifications (整改).
Thin adapters: every fetch goes through a role-scoped selector, every write is one service call, a
refused write answers 4xx with the Chinese reason."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from yangguang.core.selectors import has_role
from yangguang.foi import selectors as foi_selectors
from yangguang.services import selectors as service_selectors
from yangguang.services.models import Case
from yangguang.supervision import evaluation_selectors as sel
from yangguang.supervision import evaluations
from yangguang.supervision.models import Rectification
from yangguang.supervision.models.evaluations import LEVELS
from yangguang.supervision.web import apply_errors, form_submitted

LEVEL_CHOICES = [(str(k), v) for k, v in LEVELS.items()]
_req = {"required": "请填写此项"}


class RatingForm(forms.Form):
    level = forms.ChoiceField(label="评价等级", choices=LEVEL_CHOICES, widget=forms.RadioSelect,
                              error_messages={"required": "请选择评价等级", "invalid_choice": "评价等级无效"})
    comment = forms.CharField(label="评价内容（选填）", required=False, max_length=evaluations.COMMENT_MAX,
                              widget=forms.Textarea(attrs={"rows": 3}))


class WebRatingForm(RatingForm):
    tracking_code = forms.CharField(label="查询码", max_length=32, error_messages=_req)
    secret = forms.CharField(label="查询密码", max_length=32, widget=forms.PasswordInput, error_messages=_req)
    field_order = ["tracking_code", "secret", "level", "comment"]


# --- public ------------------------------------------------------------------------------------------


def _lookup(code: str, secret: str):
    """The case, else the application, whose code and secret both match (never says which was wrong)."""
    return service_selectors.public_lookup(code, secret) or foi_selectors.public_lookup(code, secret)


@require_http_methods(["GET", "HEAD", "POST"])
def rate_web(request):
    form = WebRatingForm(request.POST or None, initial={"tracking_code": request.GET.get("code", "")[:32]})
    if request.method == "POST":
        if form.is_valid():
            subject = _lookup(form.cleaned_data["tracking_code"], form.cleaned_data["secret"])
            if subject is None:
                form.add_error(None, "查询码或查询密码不正确，请核对后重新输入")
            else:
                try:
                    evaluation = evaluations.evaluation_rate_web(
                        subject=subject, level=form.cleaned_data["level"], comment=form.cleaned_data["comment"])
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    return render(request, "supervision/evaluations/thanks.html", {"evaluation": evaluation})
        return render(request, "supervision/evaluations/rate.html", {"form": form, "channel": "网上评价"}, status=400)
    return render(request, "supervision/evaluations/rate.html", {"form": form, "channel": "网上评价"})


@require_http_methods(["GET", "HEAD", "POST"])
def rate_sms(request, token: str):
    subject = evaluations.subject_from_sms_token(token)
    if subject is None:
        return render(request, "portal/error.html", {"title": "评价链接无效", "message": "评价链接无效或已过期。"}, status=404)
    form = RatingForm(request.POST or None)
    context = {"form": form, "channel": "短信评价", "subject": subject, "is_case": isinstance(subject, Case)}
    if request.method == "POST":
        if form.is_valid():
            try:
                evaluation = evaluations.evaluation_rate_sms(token=token, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return render(request, "supervision/evaluations/thanks.html", {"evaluation": evaluation})
        return render(request, "supervision/evaluations/rate.html", context, status=400)
    return render(request, "supervision/evaluations/rate.html", context)


def _int(request, name: str, label: str, *, low: int, high: int, default: int | None) -> int | None:
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ValidationError(f"{label}（{name}）应为 {low} 到 {high} 之间的整数")
    return int(raw)


@require_safe
def figures(request):
    try:
        year = _int(request, "year", "年份", low=2000, high=2100, default=sel.local_today().year)
        month = _int(request, "month", "月份", low=1, high=12, default=None)
    except ValidationError as exc:
        return render(request, "portal/error.html", {"title": "请求有误", "message": "；".join(exc.messages)}, status=400)
    years = sel.years_with_ratings()
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    return render(request, "supervision/evaluations/figures.html", {
        "year": year, "month": month, "years": years, "months": range(1, 13), **sel.public_figures(year=year, month=month),
    })


# --- the window device ----------------------------------------------------------------------------------


@login_required
@require_POST
def rate_device(request):
    """The window's evaluation device posts ``case`` (办件编号), ``window`` (id), ``level`` and
    ``comment`` through the session of the clerk signed in at that window; answers JSON."""
    form = RatingForm(request.POST)
    case = sel.case_for_clerk(request.user, number=request.POST.get("case", ""))
    if case is None:
        return JsonResponse({"ok": False, "error": "办件编号（case）不存在或不在本人负责的机构"}, status=404)
    try:
        window_id = int(request.POST.get("window", ""))
    except ValueError:
        return JsonResponse({"ok": False, "error": "窗口（window）应为窗口编号"}, status=400)
    if not form.is_valid():
        errors = "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items())
        return JsonResponse({"ok": False, "error": errors}, status=400)
    try:
        evaluation = evaluations.evaluation_rate_device(actor=request.user, case=case, window_id=window_id, **form.cleaned_data)
    except PermissionDenied as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=403)
    except ValidationError as exc:
        return JsonResponse({"ok": False, "error": "；".join(exc.messages)}, status=400)
    return JsonResponse({"ok": True, "id": evaluation.pk, "level": evaluation.get_level_display()}, status=201)


# --- staff ------------------------------------------------------------------------------------------


def _require_staff(user) -> None:
    if not has_role(user, *sel.VIEW_ROLES):
        raise PermissionDenied("只有工作人员可以查看差评整改")


class SmsLinkForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=[("case", "办件"), ("application", "依申请公开")])
    number = forms.CharField(label="编号", max_length=60, error_messages=_req)


@login_required
@require_safe
def staff_list(request):
    _require_staff(request.user)
    status = request.GET.get("status", "")
    if status and status not in Rectification.Status.values:
        return render(request, "portal/error.html", {"title": "请求有误", "message": "状态（status）无效"}, status=400)
    overdue = request.GET.get("overdue") == "1"
    rows = list(sel.rectifications_for(request.user, status=status, overdue=overdue)[:500])
    today = sel.local_today()
    return render(request, "supervision/evaluations/staff_list.html", {
        "rows": [(r, sel.is_overdue(r, today)) for r in rows], "status": status, "overdue": overdue,
        "statuses": Rectification.Status.choices, "sms_form": SmsLinkForm(),
    })


@login_required
@require_POST
def staff_sms_link(request):
    _require_staff(request.user)
    form = SmsLinkForm(request.POST)
    link = None
    status = 400
    if form.is_valid():
        number = form.cleaned_data["number"]
        if form.cleaned_data["kind"] == "case":
            subject = sel.case_for_clerk(request.user, number=number)
        else:
            subject = sel.application_for_officer(request.user, number=number)
        if subject is None:
            form.add_error("number", "编号不存在或不在本人负责的机构")
        else:
            url = request.build_absolute_uri(reverse("supervision-evaluations:rate-sms", args=[evaluations.sms_token(subject)]))
            try:
                link = evaluations.sms_link_issue(actor=request.user, subject=subject, url=url)
                status = 200
            except ValidationError as exc:
                apply_errors(form, exc)
    return render(request, "supervision/evaluations/sms_link.html", {"form": form, "link": link}, status=status)


class VerifyForm(forms.Form):
    verification = forms.CharField(label="核实情况", widget=forms.Textarea(attrs={"rows": 3}), error_messages=_req)


class ReplyForm(forms.Form):
    measures = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 3}), error_messages=_req)
    reply = forms.CharField(label="答复申请人的内容", widget=forms.Textarea(attrs={"rows": 3}), error_messages=_req)


class RevisitForm(forms.Form):
    result = forms.ChoiceField(label="回访结果", choices=list(evaluations.REVISIT_RESULTS.items()),
                               error_messages={"required": "请选择回访结果", "invalid_choice": "回访结果无效"})
    note = forms.CharField(label="回访情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AppealForm(forms.Form):
    reasons = forms.CharField(label="申诉理由（误评、恶意差评的事实和依据）", widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": "请填写申诉理由"})


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label="复核结论", choices=[("upheld", "申诉成立（差评不计）"), ("rejected", "申诉不成立（继续整改）")],
                                 widget=forms.RadioSelect, error_messages={"required": "请选择复核结论"})
    note = forms.CharField(label="复核意见", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "请填写复核意见"})


ACTIONS = {
    "verify": (VerifyForm, "核实", lambda u, r, d: evaluations.rectification_verify(actor=u, rectification=r, **d)),
    "reply": (ReplyForm, "整改答复", lambda u, r, d: evaluations.rectification_reply(actor=u, rectification=r, **d)),
    "revisit": (RevisitForm, "登记回访", lambda u, r, d: evaluations.rectification_revisit(actor=u, rectification=r, **d)),
    "appeal": (AppealForm, "申诉复核", lambda u, r, d: evaluations.rectification_appeal(actor=u, rectification=r, **d)),
    "decide": (DecideForm, "复核决定", lambda u, r, d: evaluations.rectification_decide_appeal(
        actor=u, rectification=r, upheld=d["decision"] == "upheld", note=d["note"])),
}

PERMISSIONS = {"verify": sel.can_handle, "reply": sel.can_handle, "appeal": sel.can_handle,
               "revisit": sel.can_revisit, "decide": sel.can_decide_appeal}


def _rectification(request, pk: int) -> Rectification:
    rectification = sel.rectification_for(request.user, pk)
    if rectification is None:
        raise Http404
    return rectification


def _detail(request, rectification, *, status=200, bound=None):
    allowed = sel.allowed_actions(request.user, rectification)
    forms_shown = [(key, ACTIONS[key][1], bound if bound is not None and bound[0] == key else None) for key in allowed]
    forms_shown = [(key, label, b[1] if b else ACTIONS[key][0](prefix=key)) for key, label, b in forms_shown]
    evaluation = rectification.evaluation
    return render(request, "supervision/evaluations/staff_detail.html", {
        "r": rectification, "e": evaluation, "subject": evaluation.case or evaluation.application,
        "overdue": sel.is_overdue(rectification), "actions": forms_shown,
    }, status=status)


@login_required
@require_safe
def staff_detail(request, pk: int):
    return _detail(request, _rectification(request, pk))


@login_required
@require_POST
def staff_action(request, pk: int, action: str):
    rectification = _rectification(request, pk)
    if action not in ACTIONS:
        raise Http404
    form_class, label, run = ACTIONS[action]
    if action not in sel.allowed_actions(request.user, rectification):
        # Wrong role → 403; right role but the wrong moment → 400 with the reason.
        if not PERMISSIONS[action](request.user, rectification):
            raise PermissionDenied(f"您无权对该差评整改{label}")
        messages.error(request, f"当前状态为“{rectification.get_status_display()}”，不能{label}")
        return _detail(request, rectification, status=400)
    form = form_class(request.POST, prefix=action)
    if form_submitted(request, form, f"已{label}。", lambda: run(request.user, rectification, form.cleaned_data)):
        return redirect("supervision-evaluations:staff-detail", pk=rectification.pk)
    return _detail(request, rectification, status=400, bound=(action, form))
