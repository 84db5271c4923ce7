"""Views of cases: the online application and public progress page, the window's workspace.
Thin adapters over selectors and services."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yangguang.core import context
from yangguang.core.selectors import roles_of
from yangguang.disclosure.views import _apply_errors
from yangguang.services import forms, guides, notices, rules, selectors, services

# --- public -----------------------------------------------------------------------------------------


def _client_ip(request) -> str:
    return context.client_ip.get() or request.META.get("REMOTE_ADDR", "")


def apply(request, code: str):
    """网上申报 of one item; no account needed (a signed-in person's account is linked)."""
    item = guides.public_item(code)
    if item is None:
        raise Http404
    if not item.online_allowed:
        return render(request, "services/apply_closed.html", {"item": item}, status=404)
    form = forms.ApplicantForm(request.POST or None, item=item)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                submitted = services.case_submit_online(
                    item=item, data=form.applicant_data(), provided=form.provided(), client_ip=_client_ip(request),
                    submission_key=form.cleaned_data.get("submission_key"),
                    user=request.user if request.user.is_authenticated else None,
                )
            except services.RateLimited as exc:
                _apply_errors(form, exc)
                status = 429
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                return render(request, "services/submitted.html", {"submitted": submitted, "case": submitted.case})
    return render(request, "services/apply.html", {"form": form, "item": item}, status=status)


def _lookup(request, form_class=forms.ProgressForm):
    form = form_class(request.POST or None, initial={"tracking_code": request.GET.get("code", "")[:32]})
    if request.method != "POST" or not form.is_valid():
        return form, None
    case = selectors.public_lookup(form.cleaned_data["tracking_code"], form.cleaned_data["secret"])
    if case is None:
        form.add_error(None, "查询码或查询密码不正确，请核对后重新输入")
    return form, case


def progress(request):
    """Progress with the tracking code and the secret, by POST (never in a URL or a log); the QR
    code on a notice opens this page with only the code filled in."""
    form, case = _lookup(request)
    if case is None:
        return render(request, "services/progress_form.html", {"form": form}, status=400 if request.method == "POST" else 200)
    return render(request, "services/progress.html", {
        "progress": selectors.public_progress(case), "tracking_code": case.tracking_code,
        "secret": form.cleaned_data["secret"], "light": selectors.case_light(case),
        "withdraw_form": forms.WithdrawPublicForm(initial={"tracking_code": case.tracking_code}),
    })


@require_POST
def progress_notice(request, kind: str):
    form, case = _lookup(request)
    if case is None or kind not in notices.available(case):
        raise Http404
    return _notice_response(case, kind, "pdf")


@require_POST
def withdraw(request):
    form, case = _lookup(request, forms.WithdrawPublicForm)
    if case is None:
        return render(request, "services/progress_form.html", {"form": form}, status=400)
    try:
        services.case_withdraw(case=case, secret=form.cleaned_data["secret"], reason=form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as exc:
        form.add_error(None, "；".join(getattr(exc, "messages", [str(exc)])))
        return render(request, "services/progress_form.html", {"form": form}, status=400)
    case.refresh_from_db()
    return render(request, "services/progress.html", {
        "progress": selectors.public_progress(case), "tracking_code": case.tracking_code,
        "secret": form.cleaned_data["secret"], "light": "", "withdrawn": True,
    })


def _notice_response(case, kind: str, fmt: str) -> HttpResponse:
    if fmt == "pdf":
        content, mime = notices.pdf(case, kind), "application/pdf"
    elif fmt == "docx":
        content, mime = notices.docx(case, kind), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        raise Http404
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{case.number}-{notices.KINDS[kind]}.{fmt}')}"
    return response


# --- staff ------------------------------------------------------------------------------------------


def _staff(request) -> None:
    if not roles_of(request.user) & set(selectors.STAFF_ROLES):
        raise PermissionDenied("只有窗口受理、审核、核准人员和监督人员可以使用办件工作台")


@login_required
def staff_queue(request):
    _staff(request)
    today = timezone.localdate()
    form = forms.QueueForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.QueueFilter(status=data.get("status") or "open", light=data.get("light") or "", q=data.get("q") or "")
    rows = list(selectors.queue(request.user, filters, today=today)[:300])
    for row in rows:
        row.light = selectors.case_light(row, today)
    return render(request, "services/staff_queue.html", {
        "rows": rows, "form": form, "counts": selectors.light_counts(request.user, today=today),
        "light_labels": selectors.LIGHT_LABELS, "can_register": services.can_register(request.user),
    })


@login_required
def staff_register(request):
    if not services.can_register(request.user):
        raise PermissionDenied("只有窗口受理人员或便民服务点代办人员可以登记办件")
    items = selectors.items_for_register(request.user)
    item = items.filter(code=request.GET.get("item", "")).first()
    if item is None:
        return render(request, "services/staff_register_item.html", {"items": items})
    points = selectors.agency_points_of(request.user)
    form = forms.RegisterForm(request.POST or None, item=item, points=points if points.exists() else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                submitted = services.case_register(
                    actor=request.user, item=item, data=form.applicant_data(), provided=form.provided(),
                    point=form.cleaned_data.get("point"), submission_key=form.cleaned_data.get("submission_key"),
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                case = submitted.case
                messages.success(request, (
                    f"已登记办件 {case.number}。请将查询码 {case.tracking_code} 和查询密码 {submitted.secret} 告知申请人（密码不再显示）。"
                ) if submitted.created else f"办件 {case.number} 已登记过。")
                return redirect("services:staff-detail", pk=case.pk)
    return render(request, "services/staff_register.html", {"form": form, "item": item}, status=status)


@dataclass
class Action:
    key: str
    label: str
    form: object
    open: bool = False


def _action_form(key: str, case, user, data=None):
    if key == "accept":
        windows, preferred = selectors.acceptance_windows(case)
        return forms.AcceptForm(data, case=case, windows=windows, initial={"window": preferred} if preferred else {})
    if key == "request_correction":
        return forms.CorrectionForm(data, case=case)
    form_class = {
        "forward": forms.ForwardForm, "reject": forms.ReasonForm, "review_start": forms.EmptyForm,
        "receive_correction": forms.DayForm, "suspend": forms.SuspendForm, "resume": forms.ResumeForm,
        "review_pass": forms.OpinionForm, "return_to_review": forms.OpinionForm, "decide": forms.DecideForm,
        "deliver": forms.DeliverForm, "withdraw": forms.ReasonForm,
    }[key]
    if key == "deliver":
        return form_class(data, initial={"method": case.delivery})
    return form_class(data)


def _run(key: str, user, case, form):
    d = form.cleaned_data
    on = d.get("on") or None
    if key == "forward":
        return services.case_forward(actor=user, case=case, note=d.get("note", ""))
    if key == "accept":
        return services.case_accept(actor=user, case=case, window=d["window"], provided=[int(x) for x in d.get("materials") or []],
                                    on=on, document_number=d.get("document_number", ""))
    if key == "reject":
        return services.case_reject(actor=user, case=case, reason=d["reason"])
    if key == "review_start":
        return services.case_review_start(actor=user, case=case)
    if key == "request_correction":
        return services.case_request_correction(actor=user, case=case, missing=form.items(), note=d.get("note", ""), on=on)
    if key == "receive_correction":
        return services.case_receive_correction(actor=user, case=case, on=on)
    if key == "suspend":
        return services.case_suspend(actor=user, case=case, kind=d["kind"], reason=d["reason"], on=on)
    if key == "resume":
        return services.case_resume(actor=user, case=case, on=on, outcome=d.get("outcome", ""))
    if key == "review_pass":
        return services.case_review_pass(actor=user, case=case, opinion=d["opinion"])
    if key == "return_to_review":
        return services.case_return_to_review(actor=user, case=case, opinion=d["opinion"])
    if key == "decide":
        return services.case_decide(actor=user, case=case, result=d["result"], document_number=d["document_number"],
                                    note=d.get("note", ""), on=on)
    if key == "deliver":
        return services.case_deliver(actor=user, case=case, on=on, method=d["method"])
    if key == "withdraw":
        return services.case_withdraw(actor=user, case=case, reason=d["reason"])
    raise Http404


def _case(request, pk):
    _staff(request)
    case = selectors.case_for(request.user, pk)
    if case is None:
        raise Http404
    return case


@login_required
def staff_detail(request, pk):
    case = _case(request, pk)
    allowed = services.actions_for(request.user, case)
    bound_key, bound_form, status = None, None, 200
    if request.method == "POST":
        bound_key = request.POST.get("action", "")
        if bound_key not in rules.ACTION_LABELS:
            raise Http404
        bound_form = _action_form(bound_key, case, request.user, request.POST)
        status = 400
        if bound_form.is_valid():
            try:
                _run(bound_key, request.user, case, bound_form)
            except ValidationError as exc:
                _apply_errors(bound_form, exc)
            else:
                messages.success(request, f"已{rules.ACTION_LABELS[bound_key]}。")
                return redirect("services:staff-detail", pk=case.pk)
        case = _case(request, pk)
    actions = [
        Action(key, rules.ACTION_LABELS[key], bound_form if key == bound_key else _action_form(key, case, request.user), key == bound_key)
        for key in allowed
    ]
    if bound_key and bound_key not in allowed:  # the case moved on meanwhile: show why, with the form
        actions.append(Action(bound_key, rules.ACTION_LABELS[bound_key], bound_form, True))
    events = list(selectors.history(case))
    for event in events:
        event.label = rules.HISTORY_LABELS.get(event.action, event.action)
    return render(request, "services/staff_detail.html", {
        "case": case, "clock": services.clock_for(case), "light": selectors.case_light(case), "actions": actions,
        "materials": case.materials.select_related("material"), "suspensions": case.suspensions.all(),
        "hops": case.hops.select_related("from_org", "to_org", "by"), "steps": case.steps.select_related("actor"),
        "history": events, "notices": [(k, notices.KINDS[k]) for k in notices.available(case)],
        "light_labels": selectors.LIGHT_LABELS,
    }, status=status)


@login_required
def staff_notice(request, pk, kind, fmt):
    case = _case(request, pk)
    if kind not in notices.available(case):
        raise Http404
    return _notice_response(case, kind, fmt)
