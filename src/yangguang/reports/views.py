"""Views of the annual report on government information disclosure: the officers' pages (draft,
edit, recount, publish, correct, download) and the public archive of the published versions.
Thin adapters over reports.selectors and reports.services."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from yangguang.core.models import Organisation
from yangguang.core.selectors import organisations_for
from yangguang.foi import selectors as foi_selectors
from yangguang.reports import exports, forms, render as documents, selectors, services
from yangguang.reports.models import AnnualReport
from yangguang.reports.render import paragraphs  # the page breaks the texts as the documents do

SUMMARY = AnnualReport.Scope.SUMMARY
OWN = AnnualReport.Scope.OWN
FORMAT_LABELS = {"html": "网页版（HTML）", "pdf": "PDF", "docx": "Word（DOCX）", "xlsx": "Excel（XLSX）", "json": "数据（JSON）"}
ORGANISATION_LIMIT = 200
EXPORT_CACHE_SECONDS = 24 * 3600
# The keys a service's ValidationError may carry, named in words for a message at the top of a page.
ERROR_FIELDS = {
    "status": "状态", "texts": "第一、五、六部分", "s3_applications": "", "members": "汇总的机关",
    "year": "年度", "reason": "更正理由", "__all__": "",
}  # s3_applications: the refusal to publish names the 勾稽关系 itself


def _messages(exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    labels = {**forms.section_labels(), **ERROR_FIELDS}
    return [f"{labels.get(field, field)}：{m}" if labels.get(field, field) else m
            for field, errors in exc.message_dict.items() for m in errors]


def _apply_errors(form, exc: ValidationError) -> list[str]:
    """Field errors go to the form's fields; what no field of the form shows is returned."""
    rest = []
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            if field in form.fields:
                form.add_error(field, errors)
            else:
                rest += _messages(ValidationError({field: errors}))
    else:
        rest += exc.messages
    return rest


def _form_messages(form) -> list[str]:
    return [f"{form.fields[f].label}：{e}" if f in form.fields else e for f, errs in form.errors.items() for e in errs]


def _export(report: AnnualReport, fmt: str) -> bytes:
    """The document of a report. A published version never changes and anyone may ask for it, so
    its documents are kept (a PDF takes most of a second to set); the key is the content itself."""
    summary = report.scope == SUMMARY
    name = report.organisation.name
    if report.status != AnnualReport.Status.PUBLISHED:
        return exports.export(report.data, fmt, org_name=name, summary=summary)
    source = json.dumps([report.data, name, summary, fmt], ensure_ascii=False, sort_keys=True)
    key = "reports:annual:" + hashlib.sha256(source.encode()).hexdigest()
    return cache.get_or_set(key, lambda: exports.export(report.data, fmt, org_name=name, summary=summary),
                            timeout=EXPORT_CACHE_SECONDS)


def _attachment(report: AnnualReport, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404
    summary = report.scope == SUMMARY
    content = _export(report, fmt)
    response = HttpResponse(content, content_type=exports.FORMATS[fmt])
    # the HTML document is meant to be read in the browser; its own policy lets it show and run nothing
    disposition = "inline" if fmt == "html" else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(exports.filename(report.data, fmt, summary))}"
    if fmt == "html":
        response["Content-Security-Policy"] = documents.document_csp(content.decode())
    return response


def _body(report: AnnualReport) -> dict:
    """The report as a page: sections one, five and six as paragraphs, the tables in between."""
    labels = forms.section_labels()
    data = report.data

    def text(key):
        return {"key": key, "label": labels[key], "paragraphs": paragraphs(data.get(key, ""))}

    return {
        "before": [text("s1_overview")],
        "tables": mark_safe(documents.render_tables_fragment(data)),  # rendered with autoescape
        "after": [text("s5_problems"), text("s6_other")],
    }


# --- staff ----------------------------------------------------------------------------------------


def _require_report_role(request) -> None:
    if not organisations_for(request.user, selectors.REPORT_ROLES).exists():
        raise PermissionDenied("只有政务公开工作人员和领导可以办理政府信息公开工作年度报告")


def _report(request, pk: int) -> AnnualReport:
    _require_report_role(request)
    report = selectors.reports_for(request.user).select_related("organisation").filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


@dataclass
class Row:
    organisation: Organisation
    own: AnnualReport | None
    summary: AnnualReport | None
    children: list[Organisation]  # a government's organisations that a summary may add up
    summary_form: forms.SummaryForm | None


def _list(request, *, year: int, years: list[int], errors: list[str] | None = None,
          bound: tuple[int, forms.SummaryForm] | None = None, status: int = 200):
    # villages and communities are self-governing, not administrative organs: they publish no annual report
    organisations = list(
        organisations_for(request.user, selectors.REPORT_ROLES).filter(is_active=True)
        .exclude(kind=Organisation.Kind.VILLAGE).order_by("path")[:ORGANISATION_LIMIT + 1]
    )
    truncated = len(organisations) > ORGANISATION_LIMIT
    organisations = organisations[:ORGANISATION_LIMIT]
    latest: dict[tuple[int, str], AnnualReport] = {}
    for report in selectors.reports_for(request.user).filter(
        year=year, organisation__in=[o.pk for o in organisations]
    ).order_by("organisation_id", "scope", "-version").defer("data"):
        latest.setdefault((report.organisation_id, report.scope), report)
    governments = [o.pk for o in organisations if o.kind == Organisation.Kind.GOVERNMENT]
    children: dict[int, list[Organisation]] = {}
    for child in Organisation.objects.filter(parent_id__in=governments, is_active=True).order_by("path"):
        children.setdefault(child.parent_id, []).append(child)
    rows = []
    for org in organisations:
        kids = children.get(org.pk, [])
        form = None
        if org.pk in governments and kids and (org.pk, SUMMARY) not in latest:
            if bound and bound[0] == org.pk:
                form = bound[1]
            else:
                form = forms.SummaryForm(initial={"year": year, "members": [k.code for k in kids]},
                                         max_year=years[0], children=kids, auto_id=f"summary-{org.pk}-%s")
        rows.append(Row(org, latest.get((org.pk, OWN)), latest.get((org.pk, SUMMARY)), kids, form))
    return render(request, "reports/staff_list.html", {
        "rows": rows, "year": year, "years": years, "truncated": truncated, "limit": ORGANISATION_LIMIT,
        "errors": errors or [],
    }, status=status)


@login_required
def staff_list(request):
    _require_report_role(request)
    years = forms.recent_years(timezone.localdate().year)
    form = forms.YearForm(request.GET if "year" in request.GET else None, years=years)
    if "year" in request.GET and not form.is_valid():
        return _list(request, year=years[0], years=years, errors=_form_messages(form), status=400)
    return _list(request, year=form.cleaned_data["year"] if form.is_bound else years[0], years=years)


@login_required
@require_POST
def staff_draft(request):
    """Start (or open) the draft of an organisation's report for a year, its own or a summary."""
    _require_report_role(request)
    organisation = organisations_for(request.user, services.EDIT_ROLES).filter(
        code=request.POST.get("organisation", ""), is_active=True
    ).first()
    if organisation is None:
        raise Http404
    years = forms.recent_years(timezone.localdate().year)
    scope = request.POST.get("scope", OWN)
    bound = None
    if scope == SUMMARY and organisation.kind == Organisation.Kind.GOVERNMENT:
        kids = list(organisation.children.filter(is_active=True).order_by("path"))
        form = forms.SummaryForm(request.POST, max_year=years[0], children=kids, auto_id=f"summary-{organisation.pk}-%s")
        bound = (organisation.pk, form)
    elif scope == OWN:
        form = forms.DraftForm(request.POST, max_year=years[0])
    else:
        form = None
    year = form.cleaned_data["year"] if form is not None and form.is_valid() else years[0]
    if form is None:
        errors = ["范围：只有人民政府可以编制汇总报告" if scope == SUMMARY else "范围：无效，应为本机关或汇总"]
    elif not form.is_valid():
        errors = [f"{organisation.name}：{m}" for m in _form_messages(form)]
    else:
        existing = selectors.latest(organisation, year, scope)
        try:
            report = services.report_draft(actor=request.user, organisation=organisation, year=year, scope=scope,
                                           members=form.cleaned_data.get("members"))
        except ValidationError as exc:
            errors = [f"{organisation.name}：{m}" for m in _apply_errors(form, exc)] or [f"{organisation.name}：请更正所选内容"]
        else:
            if existing is None:
                messages.success(request, f"已生成{report.title}草稿（第{report.version}版），数字按当前数据统计。")
            elif report.status == AnnualReport.Status.PUBLISHED:
                messages.info(request, f"{report.title}已发布（第{report.version}版）；如需修改，请使用“更正”。")
            return redirect("reports:staff-detail", pk=report.pk)
    shown = year if year in years else years[0]
    return _list(request, year=shown, years=years, errors=errors, bound=bound, status=400)


@dataclass
class Fault:
    application: object
    why: str
    visible: bool


def _check(request, report: AnnualReport) -> dict:
    """The 勾稽关系 of the stored table and the applications whose data would break it."""
    try:
        problems = services.check(report)
    except ValidationError as exc:  # e.g. a member organisation of a summary has since been removed
        return {"error": "；".join(_messages(exc))}
    ids = [app.pk for app, _ in problems.applications]
    visible = set(foi_selectors.applications_for(request.user).filter(pk__in=ids).values_list("pk", flat=True))
    return {
        "ok": not problems, "table": problems.table,
        "applications": [Fault(app, why, app.pk in visible) for app, why in problems.applications],
    }


def _detail(request, report: AnnualReport, *, texts_form=None, correct_form=None, errors=None, refusal=None,
            status: int = 200):
    versions = list(selectors.reports_for(request.user).filter(
        organisation=report.organisation_id, scope=report.scope, year=report.year
    ).select_related("created_by", "published_by").defer("data").order_by("-version"))
    newest = versions[0] if versions else report
    is_draft = report.status == AnnualReport.Status.DRAFT
    if is_draft and texts_form is None:
        texts_form = forms.TextsForm(initial={k: report.data.get(k, "") for k in services.TEXT_SECTIONS})
    if not is_draft and correct_form is None:
        correct_form = forms.CorrectForm()
    shown_correct = not is_draft and newest.pk == report.pk
    errors = list(errors or [])
    for form, shown in ((texts_form, is_draft), (correct_form, shown_correct)):
        if form is not None and form.is_bound and not shown:  # the page moved on: say why here
            errors += _form_messages(form)
    members = []
    if report.scope == SUMMARY:
        names = dict(Organisation.objects.filter(code__in=report.members).values_list("code", "name"))
        members = [names.get(code, code) for code in report.members]
    return render(request, "reports/staff_detail.html", {
        "report": report, "is_draft": is_draft, "newest": newest, "versions": versions, "members": members,
        "check": _check(request, report), "texts_form": texts_form if is_draft else None,
        "correct_form": correct_form if shown_correct else None, "errors": errors, "refusal": refusal or [],
        "formats": FORMAT_LABELS, "public_url": _public_url(report) if not is_draft else "",
        **_body(report),
    }, status=status)


@login_required
def staff_detail(request, pk: int):
    return _detail(request, _report(request, pk))


@login_required
@require_POST
def staff_texts(request, pk: int):
    report = _report(request, pk)
    form = forms.TextsForm(request.POST)
    errors = []
    if form.is_valid():
        try:
            services.report_edit_texts(actor=request.user, report=report, texts=form.cleaned_data)
        except ValidationError as exc:
            errors = _apply_errors(form, exc)
        else:
            messages.success(request, "已保存第一、五、六部分的文字。")
            return redirect("reports:staff-detail", pk=report.pk)
    return _detail(request, report, texts_form=form, errors=errors, status=400)


@login_required
@require_POST
def staff_refresh(request, pk: int):
    report = _report(request, pk)
    try:
        report = services.report_refresh(actor=request.user, report=report)
    except ValidationError as exc:
        return _detail(request, report, errors=_messages(exc), status=400)
    messages.success(request, "已按当前数据重新统计第二、三、四部分；已编辑的文字保留不变。")
    return redirect("reports:staff-detail", pk=report.pk)


@login_required
@require_POST
def staff_publish(request, pk: int):
    report = _report(request, pk)
    try:
        report = services.report_publish(actor=request.user, report=report)
    except ValidationError as exc:
        report.refresh_from_db()
        return _detail(request, report, refusal=_messages(exc), status=400)
    messages.success(request, f"已发布{report.title}（第{report.version}版），公众可在政府信息公开年报栏目查看。")
    return redirect("reports:staff-detail", pk=report.pk)


@login_required
@require_POST
def staff_correct(request, pk: int):
    report = _report(request, pk)
    form = forms.CorrectForm(request.POST)
    errors = []
    if form.is_valid():
        try:
            new = services.report_correct(actor=request.user, report=report, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            errors = _apply_errors(form, exc)
        else:
            messages.success(request, f"已生成第{new.version}版草稿，数字已按当前数据重新统计；修改完成后请发布。"
                                      f"第{new.version - 1}版仍然公开。")
            return redirect("reports:staff-detail", pk=new.pk)
    return _detail(request, report, correct_form=form, errors=errors, status=400)


@login_required
def staff_download(request, pk: int, fmt: str):
    return _attachment(_report(request, pk), fmt)


# --- public archive -------------------------------------------------------------------------------


def _public_url(report: AnnualReport) -> str:
    suffix = "-summary" if report.scope == SUMMARY else ""
    return reverse(f"reports:archive{suffix}", kwargs={"code": report.organisation.code, "year": report.year})


def _public_downloads(report: AnnualReport) -> list[tuple[str, str]]:
    suffix = "-summary" if report.scope == SUMMARY else ""
    kwargs = {"code": report.organisation.code, "year": report.year, "version": report.version}
    return [(label, reverse(f"reports:archive-download{suffix}", kwargs={**kwargs, "fmt": fmt}))
            for fmt, label in FORMAT_LABELS.items()]


def _published(code: str, year: int, scope: str):
    if not 2000 <= year <= 2100:
        raise Http404
    return selectors.published_reports().filter(organisation__code=code, year=year, scope=scope)


def archive(request, code: str, year: int, scope: str = OWN):
    """The latest published version of a year, as a page; every earlier version listed with its reason."""
    versions = list(_published(code, year, scope).select_related("organisation"))
    if not versions:
        raise Http404
    for version in versions:
        version.downloads = _public_downloads(version)
    report, earlier = versions[0], versions[1:]
    return render(request, "reports/archive.html", {
        "report": report, "earlier": earlier, "versions": versions, **_body(report),
    })


def archive_download(request, code: str, year: int, version: int, fmt: str, scope: str = OWN):
    if not 1 <= version <= 32767:
        raise Http404
    report = _published(code, year, scope).filter(version=version).first()
    if report is None:  # a draft is never public
        raise Http404
    response = _attachment(report, fmt)
    response["Cache-Control"] = "public, max-age=3600"  # a published version never changes
    return response
