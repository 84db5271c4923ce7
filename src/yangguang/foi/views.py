"""Views of applications for disclosure: the public form and progress page, the officer's
workspace. Thin adapters over selectors and services."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yangguang.core import context
from yangguang.core.selectors import organisations_for, roles_of
from yangguang.disclosure.views import _apply_errors
from yangguang.foi import forms, letters, rules, selectors, services
from yangguang.foi.models import LetterTemplate, Review

# --- public ---------------------------------------------------------------------------------------------


def _files(form) -> list[tuple[str, bytes]]:
    return [(f.name, f.read()) for f in form.cleaned_data.get("attachments") or []]


def _all_applicant_errors(form) -> None:
    """A form that failed its own checks still gets the domain checks of the other fields, so the
    applicant sees every problem at once instead of one round at a time."""
    raw = {name: form.data.get(name, "") for name in services.APPLICANT_FIELDS}
    try:
        services.clean_applicant(raw)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            if field in form.fields and field not in form.errors:
                form.add_error(field, errors)


def apply(request):
    """The application form (第二十九条); no account needed."""
    form = forms.PublicApplicationForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                submitted = services.application_submit(
                    organisation=form.cleaned_data["organisation"], data=form.applicant_data(),
                    client_ip=context.client_ip.get() or request.META.get("REMOTE_ADDR", ""),
                    submission_key=form.cleaned_data.get("submission_key"), attachments=_files(form),
                )
            except services.RateLimited as exc:
                _apply_errors(form, exc)
                status = 429
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                return render(request, "foi/submitted.html", {"submitted": submitted, "application": submitted.application})
        else:
            _all_applicant_errors(form)
    return render(request, "foi/apply.html", {"form": form}, status=status)


def _lookup(request):
    form = forms.ProgressForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return form, None
    application = selectors.public_lookup(form.cleaned_data["tracking_code"], form.cleaned_data["secret"])
    if application is None:
        form.add_error(None, "查询码或查询密码不正确，请核对后重新输入")
    return form, application


def progress(request):
    """Progress only with both the tracking code and the secret, sent by POST so that neither ends
    up in a URL, a browser history or a server log."""
    form, application = _lookup(request)
    if application is None:
        return render(request, "foi/progress_form.html", {"form": form}, status=400 if request.method == "POST" else 200)
    return render(request, "foi/progress.html", {
        "progress": selectors.public_progress(application), "tracking_code": application.tracking_code,
        "secret": form.cleaned_data["secret"], "light": _light(application),
    })


@require_POST
def progress_letter(request, pk: int, fmt: str):
    form, application = _lookup(request)
    if application is None:
        raise Http404
    letter = application.letters.filter(pk=pk).first()
    if letter is None:
        raise Http404
    return _letter_response(letter, fmt)


def _letter_response(letter, fmt: str) -> HttpResponse:
    if fmt == "docx":
        content, mime = letters.letter_docx(letter), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    elif fmt == "pdf":
        content, mime = letters.letter_pdf(letter), "application/pdf"
    else:
        raise Http404
    response = HttpResponse(content, content_type=mime)
    from urllib.parse import quote

    name = quote(f"{letter.application.number}-{letter.title}.{fmt}")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


def _light(application) -> str:
    if application.status == rules.CLOSED:
        return ""
    return rules.light(due_on=application.due_on, warning_on=application.warning_on, today=timezone.localdate())


# --- staff ------------------------------------------------------------------------------------------------


def _staff(request) -> None:
    if not roles_of(request.user) & set(selectors.STAFF_ROLES):
        raise PermissionDenied("只有政务公开工作人员、领导和监督人员可以使用依申请公开工作台")


@login_required
def staff_queue(request):
    _staff(request)
    today = timezone.localdate()
    filters = selectors.QueueFilter(
        status=request.GET.get("status", "open"), light=request.GET.get("light", ""),
        assignee=request.GET.get("assignee", ""), q=request.GET.get("q", "")[:100],
    )
    rows = list(selectors.queue(request.user, filters, today=today)[:300])
    for row in rows:
        row.light = _light(row)
    return render(request, "foi/staff_queue.html", {
        "rows": rows, "filters": filters, "counts": selectors.light_counts(request.user, today=today), "today": today,
        "statuses": rules.STATUSES, "light_labels": rules.LIGHT_LABELS,
        "can_register": organisations_for(request.user, services.OFFICER_ROLES).exists(),
    })


@login_required
def staff_register(request):
    organisations = organisations_for(request.user, services.OFFICER_ROLES).filter(is_active=True).order_by("path")
    if not organisations.exists():
        raise PermissionDenied("只有政务公开工作人员可以登记申请")
    form = forms.RegisterForm(request.POST or None, request.FILES or None, organisations=organisations,
                              initial={"received_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                submitted = services.application_register(
                    actor=request.user, organisation=data["organisation"], data=form.applicant_data(),
                    channel=data["channel"], received_on=data["received_on"], receipt_note=data["receipt_note"],
                    attachments=_files(form), submission_key=data.get("submission_key"),
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(
                    request, f"已登记申请 {submitted.application.number}。请将查询码 {submitted.application.tracking_code} "
                    f"和查询密码 {submitted.secret} 告知申请人（密码不再显示）。" if submitted.created else
                    f"申请 {submitted.application.number} 已登记过。",
                )
                return redirect("foi:staff-detail", pk=submitted.application.pk)
        else:
            _all_applicant_errors(form)
    return render(request, "foi/staff_register.html", {"form": form}, status=status)


@dataclass
class Action:
    key: str
    label: str
    form: object
    open: bool = False


ACTION_FORMS = {
    "confirm_receipt": forms.ConfirmForm,
    "request_correction": forms.CorrectionForm,
    "receive_correction": forms.ReceiveCorrectionForm,
    "close_no_correction": forms.CloseForm,
    "start_consultation": forms.ConsultationForm,
    "end_consultation": forms.EndConsultationForm,
    "extend": forms.ExtendForm,
    "notify_fee": forms.FeeForm,
    "record_payment": forms.PaymentForm,
    "close_fee_unpaid": forms.CloseForm,
    "reply": forms.ReplyForm,
    "withdraw": forms.WithdrawForm,
}


def _run(action: str, user, app, data: dict):
    d = {k: v for k, v in data.items() if v not in (None, "")}
    if action == "confirm_receipt":
        return services.application_confirm_receipt(actor=user, application=app, received_on=d.get("received_on"))
    if action == "request_correction":
        return services.application_request_correction(actor=user, application=app, items=data["items"],
                                                       correction_due_on=data["correction_due_on"], requested_on=d.get("requested_on"))
    if action == "receive_correction":
        return services.application_receive_correction(actor=user, application=app, received_on=d.get("received_on"))
    if action == "close_no_correction":
        return services.application_close_no_correction(actor=user, application=app)
    if action == "start_consultation":
        return services.application_start_consultation(actor=user, application=app, kind=data["kind"], party=data["party"],
                                                       started_on=d.get("started_on"), note=data.get("note", ""))
    if action == "end_consultation":
        return services.application_end_consultation(actor=user, application=app, ended_on=d.get("ended_on"), note=data.get("note", ""))
    if action == "extend":
        return services.application_extend(actor=user, application=app, workdays_added=data["workdays"], reason=data["reason"],
                                           notified_on=d.get("notified_on"))
    if action == "notify_fee":
        return services.application_notify_fee(actor=user, application=app, method=data["method"], pages=data.get("pages") or 0,
                                               notified_on=d.get("notified_on"))
    if action == "record_payment":
        return services.application_record_payment(actor=user, application=app, paid_on=d.get("paid_on"), reference=data.get("reference", ""))
    if action == "close_fee_unpaid":
        return services.application_close_fee_unpaid(actor=user, application=app)
    if action == "reply":
        article = data.get("article") or (rules.RESULTS[data["result"]].article if data.get("result") in rules.RESULTS else "")
        return services.application_reply(actor=user, application=app, result=data["result"], article=article,
                                          summary=data["summary"], replied_on=d.get("replied_on"))
    if action == "withdraw":
        return services.application_withdraw(actor=user, application=app, reason=data["reason"], on=d.get("on"))
    raise Http404


def _application(request, pk):
    _staff(request)
    app = selectors.application_for(request.user, pk)
    if app is None:
        raise Http404
    return app


@login_required
def staff_detail(request, pk):
    app = _application(request, pk)
    bound_action, bound_form, status = None, None, 200
    if request.method == "POST":
        bound_action = request.POST.get("action", "")
        if bound_action not in ACTION_FORMS:
            raise Http404
        bound_form = ACTION_FORMS[bound_action](request.POST)
        status = 400
        if bound_form.is_valid():
            try:
                _run(bound_action, request.user, app, bound_form.cleaned_data)
            except PermissionDenied:
                raise
            except ValidationError as exc:
                _apply_errors(bound_form, exc)
            else:
                messages.success(request, f"已{rules.ACTION_LABELS[bound_action]}。")
                return redirect("foi:staff-detail", pk=app.pk)
        app = _application(request, pk)
    is_officer = organisations_for(request.user, services.OFFICER_ROLES).filter(pk=app.organisation_id).exists()
    is_head = organisations_for(request.user, services.HEAD_ROLES).filter(pk=app.organisation_id).exists()
    allowed = rules.available_actions(
        app.status, officer=is_officer, head=is_head, correction_asked=bool(app.correction_requested_on),
        extended=bool(app.extension_workdays), fee_notified=hasattr(app, "fee"),
    )
    actions = [
        Action(key, rules.ACTION_LABELS[key], bound_form if key == bound_action else form_class(), open=key == bound_action)
        for key, form_class in ACTION_FORMS.items() if key in allowed
    ]
    return render(request, "foi/staff_detail.html", {
        "app": app, "clock": services.clock_for(app), "light": _light(app), "actions": actions,
        "is_officer": is_officer,
        "earlier": selectors.earlier_applications(app).select_related("organisation")[:20],
        "history": _labelled(selectors.history(app)),
        "assign_form": forms.AssignForm(officers=selectors.officers_of(app), initial={"assignee": app.assignee_id}),
        "note_form": forms.NoteForm(), "review_form": forms.ReviewForm(), "decide_form": forms.ReviewDecideForm(),
        "fee": getattr(app, "fee", None),
    }, status=status)


def _labelled(events):
    events = list(events)
    for event in events:
        event.label = rules.HISTORY_LABELS.get(event.action, event.action)
    return events


def _small_post(request, app, form, call, success: str):
    """The side forms of the detail page: validate, call the service, say what happened, go back."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
            messages.success(request, success)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, "；".join(
            f"{form.fields[f].label}：{e}" if f in form.fields else e for f, errs in form.errors.items() for e in errs
        ))
    return redirect("foi:staff-detail", pk=app.pk)


@login_required
@require_POST
def staff_assign(request, pk):
    app = _application(request, pk)
    return _small_post(
        request, app, forms.AssignForm(request.POST, officers=selectors.officers_of(app)),
        lambda d: services.application_assign(actor=request.user, application=app, assignee=d["assignee"]), "已分派承办人。",
    )


@login_required
@require_POST
def staff_note(request, pk):
    app = _application(request, pk)
    return _small_post(
        request, app, forms.NoteForm(request.POST),
        lambda d: services.note_add(actor=request.user, application=app, body=d["body"]), "已添加内部备注。",
    )


@login_required
@require_POST
def staff_review(request, pk):
    app = _application(request, pk)
    return _small_post(request, app, forms.ReviewForm(request.POST), lambda d: services.review_record(
        actor=request.user, application=app, kind=d["kind"], filed_on=d["filed_on"], body=d["body"],
        case_number=d["case_number"], outcome=d["outcome"], decided_on=d["decided_on"], note=d["note"],
    ), "已登记行政复议或行政诉讼。")


@login_required
@require_POST
def staff_review_decide(request, pk, review_pk):
    app = _application(request, pk)
    review = Review.objects.filter(pk=review_pk, application=app).first()
    if review is None:
        raise Http404
    return _small_post(request, app, forms.ReviewDecideForm(request.POST), lambda d: services.review_decide(
        actor=request.user, review=review, outcome=d["outcome"], decided_on=d["decided_on"],
    ), "已更新复议或诉讼结果。")


@login_required
def staff_letter(request, pk, letter_pk, fmt):
    app = _application(request, pk)
    letter = app.letters.filter(pk=letter_pk).first()
    if letter is None:
        raise Http404
    return _letter_response(letter, fmt)


@login_required
def staff_templates(request):
    organisations = organisations_for(request.user, services.OFFICER_ROLES).order_by("path")
    if not organisations.exists():
        raise PermissionDenied("只有政务公开工作人员可以修改告知书模板")
    own = {(t.organisation_id, t.kind) for t in LetterTemplate.objects.filter(organisation__in=organisations)}
    rows = [(org, [(kind, label, (org.pk, kind) in own) for kind, label in rules.LETTER_KINDS.items()]) for org in organisations[:50]]
    return render(request, "foi/staff_templates.html", {"rows": rows})


@login_required
def staff_template_edit(request, code, kind):
    organisation = organisations_for(request.user, services.OFFICER_ROLES).filter(code=code).first()
    if organisation is None or kind not in rules.LETTER_KINDS:
        raise Http404
    form = forms.LetterTemplateForm(request.POST or None, initial={"body": letters.template_body(organisation, kind)})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                letters.letter_template_save(actor=request.user, organisation=organisation, kind=kind, body=form.cleaned_data["body"])
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "模板已保存；此后出具的告知书使用新模板，已出具的不变。")
                return redirect("foi:staff-templates")
    return render(request, "foi/staff_template_edit.html", {
        "form": form, "organisation": organisation, "kind": kind, "label": rules.LETTER_KINDS[kind],
        "variables": letters.VARIABLES,
    }, status=status)


def portal_index(request):
    return render(request, "foi/index.html", {"organisations": forms.organisations_accepting()[:200]})

