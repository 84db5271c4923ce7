"""Consultations on drafts (征求意见): the public pages and the disclosure office's pages.

Thin adapters: every fetch goes through a selector in ``consultation`` (the staff ones are scoped to
the officer's organisations, so anything else is a 404), every write is one service call, and a
refused write re-renders the page with the Chinese reason and a 4xx status."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from yangguang.core.models import Role
from yangguang.core.selectors import has_role, organisations_for
from yangguang.disclosure import consultation as svc
from yangguang.disclosure.models import Comment, Consultation

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TextField(forms.CharField):
    """Free text whose checks (required, length, markup, control characters) belong to the
    service, so the form and the API give the same Chinese messages."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]


def date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=DATE_INPUT,
        error_messages={"invalid": f"{label}格式应为 YYYY-MM-DD"},
    )


class CommentForm(forms.Form):
    body = TextField(label="意见内容", widget=forms.Textarea(attrs={"rows": 8, "maxlength": svc.COMMENT_MAX}),
                     help_text=f"不超过 {svc.COMMENT_MAX} 字；请勿填写身份证号、电话等个人信息。")
    author_name = TextField(label="署名（可不填）", widget=forms.TextInput(attrs={"maxlength": svc.AUTHOR_MAX, "autocomplete": "name"}))


class ConsultationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="发起机关", queryset=None, empty_label=None,
        error_messages={"required": "请选择发起机关", "invalid_choice": "发起机关：请选择您负责的机关"},
    )
    title = TextField(label="标题", widget=forms.TextInput(attrs={"maxlength": svc.TITLE_MAX}))
    body = TextField(label="草案内容", widget=forms.Textarea(attrs={"rows": 14}),
                     help_text="可直接粘贴文本；空行分段。")
    opens_on = date_field("开始日期")
    closes_on = date_field("截止日期")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_for(user, [Role.DISCLOSURE_OFFICER]).order_by("path")


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label="审核结果", choices=[(Comment.State.APPROVED, "公开"), (Comment.State.REJECTED, "不予公开")],
        error_messages={"required": "请选择“公开”或“不予公开”", "invalid_choice": "请选择“公开”或“不予公开”"},
    )
    reason = TextField(label="审核意见（不予公开时必填）", widget=forms.TextInput(attrs={"maxlength": svc.REASON_MAX}))


class ConcludeForm(forms.Form):
    feedback_note = TextField(label="意见采纳情况说明", widget=forms.Textarea(attrs={"rows": 10}),
                              help_text="说明收到的意见数量、采纳情况及未采纳的理由。")
    final_record = TextField(label="最终决定的索引号（可不填，以后可补充关联）", widget=forms.TextInput(attrs={"maxlength": 60}))


class FinalRecordForm(forms.Form):
    final_record = TextField(label="最终决定的索引号", widget=forms.TextInput(attrs={"maxlength": 60}))


def _apply(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's errors next to the fields they name; the rest go to the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _status_for(exc: ValidationError) -> int:
    if isinstance(exc, svc.RateLimited):
        return 429
    if hasattr(exc, "error_dict") and "state" in exc.error_dict:
        return 409  # someone else changed it first
    return 400


# --- public ----------------------------------------------------------------------------------------


@require_safe
def consultation_list(request):
    today = svc.local_today()
    consultations = list(svc.public_consultations(today=today)[:200])
    for c in consultations:
        c.status_label = svc.public_status(c, today)
        c.accepting = svc.accepts_comments(c, today)
    return render(request, "disclosure/consultation_list.html", {"consultations": consultations})


@require_http_methods(["GET", "HEAD", "POST"])
def consultation_detail(request, pk):
    today = svc.local_today()
    consultation = svc.public_consultation(pk=pk, today=today)
    if consultation is None:
        raise Http404
    form = CommentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                svc.comment_submit(
                    consultation=consultation, actor=request.user, client_ip=request.META.get("REMOTE_ADDR", ""),
                    body=form.cleaned_data["body"], author_name=form.cleaned_data["author_name"],
                )
            except ValidationError as exc:
                _apply(form, exc)
                status = _status_for(exc)
            else:
                messages.success(request, "您的意见已提交，正在等待审核；审核通过后将在本页公开。感谢您的参与！")
                return redirect("disclosure:consultation-detail", pk=consultation.pk)
    response = render(
        request,
        "disclosure/consultation_detail.html",
        {
            "consultation": consultation,
            "comments": svc.public_comments(consultation),
            "status_label": svc.public_status(consultation, today),
            "accepting": svc.accepts_comments(consultation, today),
            "form": form,
            "period": f"{svc.cn_date(consultation.opens_on)}至{svc.cn_date(consultation.closes_on)}",
        },
        status=status,
    )
    if status == 429:
        response["Retry-After"] = str(int(svc.PER_CONSULTATION_LIMIT.window.total_seconds()))
    return response


# --- staff -----------------------------------------------------------------------------------------


def _require_officer(user) -> None:
    if not has_role(user, Role.DISCLOSURE_OFFICER):
        raise PermissionDenied("只有政务公开工作人员可以管理征求意见")


def _staff_consultation(request, pk) -> Consultation:
    _require_officer(request.user)
    consultation = svc.staff_consultation(request.user, pk)
    if consultation is None:
        raise Http404
    return consultation


@login_required
@require_safe
def staff_consultation_list(request):
    _require_officer(request.user)
    return render(request, "disclosure/consultation_staff_list.html", {"consultations": svc.staff_consultations(request.user)[:500]})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_consultation_create(request):
    _require_officer(request.user)
    form = ConsultationForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                consultation = svc.consultation_create(
                    actor=request.user, organisation=data["organisation"], title=data["title"], body=data["body"],
                    opens_on=data["opens_on"], closes_on=data["closes_on"],
                )
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, "已保存征求意见草稿。确认无误后请点击“开始征求意见”。")
                return redirect("disclosure:consultation-staff", pk=consultation.pk)
    return render(request, "disclosure/consultation_staff_form.html", {"form": form}, status=status)


def _render_staff_detail(request, consultation: Consultation, *, status: int = 200, errors=(), moderation=None,
                         conclude_form=None, link_form=None):
    today = svc.local_today()
    return render(
        request,
        "disclosure/consultation_staff_detail.html",
        {
            "consultation": consultation,
            "comments": svc.staff_comments(consultation),
            "status_label": svc.public_status(consultation, today),
            "is_public": consultation.state in svc.PUBLIC_STATES and consultation.opens_on <= today,
            "can_open": consultation.state == Consultation.State.DRAFT,
            "can_close": consultation.state == Consultation.State.OPEN and consultation.closes_on < today,
            "errors": errors,
            "moderation": moderation,  # (comment pk, bound form) of a refused moderation
            "conclude_form": conclude_form or ConcludeForm(),
            "link_form": link_form or FinalRecordForm(),
            "period": f"{svc.cn_date(consultation.opens_on)}至{svc.cn_date(consultation.closes_on)}",
        },
        status=status,
    )


@login_required
@require_safe
def staff_consultation_detail(request, pk):
    return _render_staff_detail(request, _staff_consultation(request, pk))


def _transition(request, pk, service, done: str):
    consultation = _staff_consultation(request, pk)
    try:
        service(actor=request.user, consultation=consultation)
    except ValidationError as exc:
        return _render_staff_detail(request, consultation, status=_status_for(exc), errors=exc.messages)
    messages.success(request, done)
    return redirect("disclosure:consultation-staff", pk=consultation.pk)


@login_required
@require_POST
def staff_consultation_open(request, pk):
    return _transition(request, pk, svc.consultation_open, "已开始征求意见，自开始日期起在门户网站公开。")


@login_required
@require_POST
def staff_consultation_close(request, pk):
    return _transition(request, pk, svc.consultation_close, "征求意见已结束，请审核全部意见后公布采纳情况。")


@login_required
@require_POST
def staff_comment_moderate(request, pk, comment_pk):
    consultation = _staff_consultation(request, pk)
    comment = svc.staff_comment(consultation, comment_pk)
    if comment is None:
        raise Http404
    form = ModerationForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            svc.comment_moderate(actor=request.user, comment=comment, decision=form.cleaned_data["decision"],
                                 reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _apply(form, exc)
            status = _status_for(exc)
        else:
            messages.success(request, f"意见 {comment.pk} 已审核：{comment.get_state_display()}。")
            return redirect("disclosure:consultation-staff", pk=consultation.pk)
    return _render_staff_detail(request, consultation, status=status, moderation=(comment.pk, form))


def _record_from(form: forms.Form, consultation: Consultation, *, required: bool):
    index = form.cleaned_data["final_record"].strip()
    if not index:
        if required:
            form.add_error("final_record", "请填写最终决定的索引号")
        return None
    record = svc.final_record_by_index(consultation, index)
    if record is None:
        form.add_error("final_record", f"最终决定：{consultation.organisation}没有索引号为 {index} 的政府信息")
    return record


@login_required
@require_POST
def staff_consultation_conclude(request, pk):
    consultation = _staff_consultation(request, pk)
    form = ConcludeForm(request.POST)
    status = 400
    if form.is_valid():
        record = _record_from(form, consultation, required=False)
        if form.is_valid():  # the index, when given, was found
            try:
                svc.consultation_conclude(actor=request.user, consultation=consultation,
                                          feedback_note=form.cleaned_data["feedback_note"], final_record=record)
            except ValidationError as exc:
                _apply(form, exc)
                status = _status_for(exc)
            else:
                messages.success(request, "已公布意见采纳情况。")
                return redirect("disclosure:consultation-staff", pk=consultation.pk)
    return _render_staff_detail(request, consultation, status=status, conclude_form=form)


@login_required
@require_POST
def staff_consultation_link(request, pk):
    consultation = _staff_consultation(request, pk)
    form = FinalRecordForm(request.POST)
    status = 400
    if form.is_valid():
        record = _record_from(form, consultation, required=True)
        if form.is_valid():
            try:
                svc.consultation_link_final_record(actor=request.user, consultation=consultation, final_record=record)
            except ValidationError as exc:
                _apply(form, exc)
                status = _status_for(exc)
            else:
                messages.success(request, f"已关联最终决定：{record.title}。")
                return redirect("disclosure:consultation-staff", pk=consultation.pk)
    return _render_staff_detail(request, consultation, status=status, link_form=form)
