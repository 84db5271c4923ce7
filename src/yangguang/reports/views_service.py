"""Pages of the service-centre statistics: the staff page (any organisation the user's roles cover,
any period, with charts and downloads) and the portal's 办件公示 (the monthly or yearly figures of
a published organisation: aggregates only, nothing about any person). Thin adapters over
``service_selectors`` and ``service_render``."""

from __future__ import annotations

import calendar
from datetime import date
from urllib.parse import quote, urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from yangguang.core.models import Organisation
from yangguang.reports import service_render, service_selectors, service_stats

CHOICE_LIMIT = 300  # organisations offered in the selector; any other in scope may still be typed into the URL
CHART_ROWS = 15  # departments drawn in the charts (the busiest); the tables list them all
CHART_KEYS = ("accepted", "completed", "on_the_spot_rate", "within_commitment_rate")
PUBLIC_CACHE_SECONDS = 15 * 60
MIN_YEAR = 2000
DATE_ERRORS = {"required": "请填写日期", "invalid": "请按 YYYY-MM-DD 格式填写有效日期"}


class PeriodForm(forms.Form):
    """The organisation and period of the staff page (GET ``org``, ``from``, ``to``)."""

    def __init__(self, *args, organisations, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = organisations
        top = min((o.depth for o in choices), default=0)  # indented under the user's highest organisation
        self.fields["org"] = forms.ChoiceField(
            label="统计机构", choices=[(o.code, f"{'　' * (o.depth - top)}{o.name}") for o in choices],
            error_messages={"required": "请选择统计机构", "invalid_choice": "不在您的权限范围内"},
        )
        self.fields["from"] = forms.DateField(label="开始日期", error_messages=DATE_ERRORS,
                                              widget=forms.DateInput(attrs={"type": "date"}))
        self.fields["to"] = forms.DateField(label="结束日期（含当天）", error_messages=DATE_ERRORS,
                                            widget=forms.DateInput(attrs={"type": "date"}))

    def clean_org(self):
        organisation = self.organisations.filter(code=self.cleaned_data["org"]).first()
        if organisation is None:
            raise forms.ValidationError("不在您的权限范围内")
        return organisation

    def clean(self):
        data = super().clean()
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            self.add_error("from", f"开始日期 {data['from']} 晚于结束日期 {data['to']}")
        return data


def _form_errors(form) -> list[str]:
    return [f"{form.fields[f].label}：{e}" if f in form.fields else e for f, errs in form.errors.items() for e in errs]


def _chart_data(report: dict) -> dict:
    """The busiest departments, in the order the charts draw them (busiest at the top)."""
    rows = sorted(report["by_department"], key=lambda r: (-r["accepted"], -r["completed"]))[:CHART_ROWS]
    rows = [r for r in rows if r["accepted"] or r["completed"]][::-1]

    def percent(value):
        return None if value is None else round(value * 100, 2)

    return {
        "names": [r["name"] for r in rows],
        "accepted": [r["accepted"] for r in rows],
        "completed": [r["completed"] for r in rows],
        "on_the_spot_rate": [percent(r["on_the_spot_rate"]) for r in rows],
        "within_commitment_rate": [percent(r["within_commitment_rate"]) for r in rows],
        "labels": {k: service_stats.LABELS[k] for k in CHART_KEYS},
    }


def _shown(report: dict) -> dict:
    tables = service_render.tables(report)
    return {
        "report": report, "title": service_render.title_of(report), "period": service_render.period_text(report),
        "until": service_render.chinese_date(report["to"]), "facts": service_render.facts(report["totals"]),
        "tables": tables[1:], "chart": _chart_data(report),
    }


# --- staff ----------------------------------------------------------------------------------------


def _scope(request):
    organisations = service_selectors.organisations_for_statistics(request.user)
    if not organisations.exists():
        raise PermissionDenied("只有政务服务中心工作人员、领导、监督人员和政务公开工作人员可以查看办件统计")
    return organisations


def _form(request, organisations) -> PeriodForm:
    """The form bound to the query; without one, the user's highest organisation, this year to date."""
    ordered = organisations.order_by("path")
    # villages are many and small: offered only to whoever has nothing else
    choices = list(ordered.exclude(kind=Organisation.Kind.VILLAGE)[:CHOICE_LIMIT]) or list(ordered[:CHOICE_LIMIT])
    chosen = request.GET.get("org")
    if chosen and chosen not in {o.code for o in choices}:
        choices += list(organisations.filter(code=chosen))  # a village point, or one past the limit
    if not {"org", "from", "to"} & set(request.GET):
        today = timezone.localdate()
        data = {"org": choices[0].code, "from": date(today.year, 1, 1).isoformat(), "to": today.isoformat()}
        return PeriodForm(data, organisations=organisations, choices=choices)
    return PeriodForm(request.GET, organisations=organisations, choices=choices)


@login_required
def staff_service(request):
    organisations = _scope(request)
    form = _form(request, organisations)
    if not form.is_valid():
        return render(request, "reports/service_staff.html", {"form": form, "errors": _form_errors(form)}, status=400)
    organisation, date_from, date_to = form.cleaned_data["org"], form.cleaned_data["from"], form.cleaned_data["to"]
    report = service_selectors.service_statistics(organisation, date_from, date_to)
    query = urlencode({"org": organisation.code, "from": date_from.isoformat(), "to": date_to.isoformat()})
    downloads = [(label, f"{reverse('reports:service-staff-download', args=[fmt])}?{query}")
                 for fmt, label in (("xlsx", "Excel（XLSX）"), ("json", "数据（JSON）"), ("html", "网页版（HTML）"))]
    return render(request, "reports/service_staff.html", {"form": form, "downloads": downloads, **_shown(report)})


@login_required
def staff_service_download(request, fmt: str):
    if fmt not in service_render.FORMATS:
        raise Http404
    organisations = _scope(request)
    form = _form(request, organisations)
    if not form.is_valid():
        return HttpResponse("；".join(_form_errors(form)), status=400, content_type="text/plain; charset=utf-8")
    report = service_selectors.service_statistics(form.cleaned_data["org"], form.cleaned_data["from"],
                                                  form.cleaned_data["to"])
    response = HttpResponse(service_render.export(report, fmt), content_type=service_render.FORMATS[fmt])
    disposition = "inline" if fmt == "html" else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(service_render.filename(report, fmt))}"
    if fmt == "html":
        response["Content-Security-Policy"] = service_render.document_csp(response.content.decode())
    return response


# --- portal: 办件公示 -------------------------------------------------------------------------------


class PublicForm(forms.Form):
    org = forms.ChoiceField(label="机构", required=False,
                            error_messages={"invalid_choice": "没有公示该机构的办件统计"})
    year = forms.TypedChoiceField(label="年度", coerce=int, required=False,
                                  error_messages={"invalid_choice": "年度无效，只能选择列出的年度"})
    month = forms.TypedChoiceField(label="月份", coerce=int, required=False, empty_value=None,
                                   choices=[("", "全年")] + [(m, f"{m}月") for m in range(1, 13)],
                                   error_messages={"invalid_choice": "月份应为 1 至 12"})

    def __init__(self, *args, organisations, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["org"].choices = [(o.code, o.name) for o in organisations]
        self.fields["year"].choices = [(y, f"{y}年") for y in range(today.year, MIN_YEAR - 1, -1)]

    def clean(self):
        data = super().clean()
        year, month = data.get("year") or self.today.year, data.get("month")
        if year == self.today.year and month and month > self.today.month:
            self.add_error("month", f"{year}年{month}月尚未开始")
        return data


def _default_published(organisations: list[Organisation]) -> Organisation | None:
    """The city's service centre: the highest centre; failing that, the highest organisation listed."""
    centres = [o for o in organisations if o.kind == Organisation.Kind.SERVICE_CENTRE]
    candidates = centres or organisations
    return min(candidates, key=lambda o: (o.depth, o.path)) if candidates else None


PUBLIC_BREAKDOWNS = ("by_department",)  # what the portal shows besides the totals


def _public_statistics(organisation: Organisation, date_from: date, date_to: date) -> dict:
    """The figures the portal shows, kept a while: the page is public and a city-year reads every case."""

    def count() -> dict:
        report = service_selectors.service_statistics(organisation, date_from, date_to)
        return {**report, **{k: [] for k, _, _ in service_render.BREAKDOWNS if k not in PUBLIC_BREAKDOWNS}}

    key = f"reports:service:public:{organisation.pk}:{date_from.isoformat()}:{date_to.isoformat()}"
    return cache.get_or_set(key, count, timeout=PUBLIC_CACHE_SECONDS)


def public_service(request):
    """办件公示: ``?org=CODE&year=2026&month=10`` (month left out: the whole year, to date)."""
    organisations = list(service_selectors.published_organisations())
    today = timezone.localdate()
    default = _default_published(organisations)
    data = request.GET.copy()  # what was left out is the default, and the form shows it chosen
    if not data.get("org") and default is not None:
        data["org"] = default.code
    if not data.get("year"):
        data["year"] = str(today.year)
    form = PublicForm(data, organisations=organisations, today=today)
    context = {"form": form}
    if not form.is_valid():
        return render(request, "reports/service_public.html", {**context, "errors": _form_errors(form)}, status=400)
    organisation = next((o for o in organisations if o.code == form.cleaned_data["org"]), None)
    if organisation is None:
        return render(request, "reports/service_public.html", context)
    year, month = form.cleaned_data["year"] or today.year, form.cleaned_data["month"]
    date_from = date(year, month or 1, 1)
    period_end = date(year, month or 12, calendar.monthrange(year, month or 12)[1])
    date_to = min(period_end, today)
    report = _public_statistics(organisation, date_from, date_to)
    context.update(_shown(report))
    context.update(organisation=organisation, year=year, month=month, running=date_to < period_end)
    response = render(request, "reports/service_public.html", context)
    response["Cache-Control"] = f"public, max-age={PUBLIC_CACHE_SECONDS}"
    return response
