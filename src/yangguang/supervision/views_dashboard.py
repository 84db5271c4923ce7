"""The e-supervision dashboard (电子监察) of the supervision desk and the leaders: counts by light with
their breakdowns and trends, the drill-down lists behind every count, and the alert history of one
case or application. Thin adapters over ``supervision.dashboard``: every fetch is scoped to the
organisations the user's supervisor or leader roles cover (anything else is a 404), anyone without
such a role is refused (403), and bad input is a Chinese message naming the field with status 400."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from yangguang.foi import rules as foi_rules
from yangguang.services import rules as service_rules
from yangguang.supervision import dashboard
from yangguang.supervision.models.alerts import LEVELS

PAGE_SIZE = 50


class BadInput(Exception):
    pass


def _require_desk(user) -> None:
    if not dashboard.is_desk(user):
        raise PermissionDenied("只有电子监察（效能办）人员和领导可以查看电子监察")


def _as_of(request, today: date) -> date:
    raw = (request.GET.get("as_of") or "").strip()
    if not raw:
        return today
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise BadInput(f"统计日期（as_of）：“{raw[:20]}”不是 YYYY-MM-DD 格式的有效日期") from None
    if day > today:
        raise BadInput(f"统计日期（as_of）：{day} 晚于今天（{today}），只能查看今天及以前的情况")
    if day.year < 2000:
        raise BadInput("统计日期（as_of）：不能早于 2000 年")
    return day


def _scope(request) -> dashboard.Scope:
    code = (request.GET.get("org") or "").strip()
    scope = dashboard.scope_for(request.user, code[:60])
    if scope is None:
        raise Http404("机构不存在或不在您的权限范围内")
    return scope


def _bad_request(request, message: str):
    return render(request, "portal/error.html", {"title": "请求有误", "message": message}, status=400)


def _query(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v not in ("", None)})


def _cells(counts: dict, prefix: str) -> list[dict]:
    """The counts in the order of the columns (red, yellow, green, stopped, total), each with the
    query string of its drill-down list (``prefix`` already holds the rest of it)."""
    cells = [{"n": counts[light], "q": f"light={light}&{prefix}", "light": light} for light in dashboard.LIGHTS]
    return cells + [{"n": counts["total"], "q": prefix, "light": ""}]


def _decorate(summary: dict, *, kind: str, base: dict) -> None:
    rest = _query(**base)
    rest = f"&{rest}" if rest else ""
    summary["cells"] = _cells(summary["totals"], f"kind={kind}{rest}")
    for dimension, breakdown in summary["by"].items():
        breakdown["label"] = dashboard.DIMENSIONS[dimension]
        breakdown["dimension"] = dimension
        for row in breakdown["rows"]:  # keys are numbers or "none": nothing to escape
            row["cells"] = _cells(row, f"kind={kind}&by={dimension}&key={row['key']}{rest}")


def _chart(trend: dict) -> dict:
    return {"days": trend["days"], "months": trend["months"],
            "series": [{"name": s["name"], "daily": s["daily"], "monthly": s["monthly"]} for s in trend["series"]]}


@login_required
@require_safe
def index(request):
    _require_desk(request.user)
    today = dashboard.local_today()
    scope = _scope(request)
    try:
        as_of = _as_of(request, today)
    except BadInput as exc:
        return _bad_request(request, str(exc))
    data = dashboard.dashboard(scope, as_of, today=today)
    base = {"org": scope.root.code if scope.root else "", "as_of": as_of.isoformat() if as_of != today else ""}
    _decorate(data["cases"], kind="case", base=base)
    _decorate(data["applications"], kind="application", base=base)
    return render(request, "supervision/dashboard/index.html", {
        "data": data, "scope": scope, "as_of": as_of, "today": today, "base": _query(**base),
        "organisations": dashboard.choosable_organisations(request.user),
        "lights": [(light, dashboard.LIGHT_LABELS[light]) for light in dashboard.LIGHTS],
        "chart": _chart(data["trend"]), "list_url": reverse("supervision-dashboard:list"),
    })


def _drill_params(request) -> dict:
    kind = request.GET.get("kind") or "case"
    if kind not in dashboard.KINDS:
        raise BadInput(f"对象类型（kind）：应为 {'、'.join(dashboard.KINDS)} 之一")
    light = request.GET.get("light") or ""
    if light and light not in dashboard.LIGHTS:
        raise BadInput(f"灯色（light）：应为 {'、'.join(dashboard.LIGHTS)} 之一")
    dimension = request.GET.get("by") or ""
    columns = dashboard.CASE_COLUMNS if kind == "case" else dashboard.APPLICATION_COLUMNS
    if dimension and dimension not in columns:
        raise BadInput(f"分组（by）：{KIND_LABEL(kind)}只能按 {'、'.join(columns)} 分组")
    key = request.GET.get("key") or ""
    if dimension and not (key == dashboard.NONE_KEY or (key.isdigit() and len(key) < 19)):
        raise BadInput("分组值（key）：应为编号或 none")
    return {"kind": kind, "light": light, "dimension": dimension, "key": key if dimension else ""}


def KIND_LABEL(kind: str) -> str:  # noqa: N802 - reads as a label
    return dashboard.KINDS.get(kind, kind)


def _page(request, queryset):
    raw = request.GET.get("page") or "1"
    if not raw.isdigit() or int(raw) < 1:
        raise BadInput("页码（page）：应为正整数")
    paginator = Paginator(queryset, PAGE_SIZE)
    number = int(raw)
    if number > paginator.num_pages:
        raise BadInput(f"页码（page）：共 {paginator.num_pages} 页")
    return paginator.page(number)


@login_required
@require_safe
def drill_list(request):
    _require_desk(request.user)
    today = dashboard.local_today()
    scope = _scope(request)
    try:
        as_of = _as_of(request, today)
        params = _drill_params(request)
        queryset = dashboard.drill_down(scope, as_of=as_of, today=today, **params)
        page = _page(request, queryset)
    except BadInput as exc:
        return _bad_request(request, str(exc))
    rows = []
    for subject in page.object_list:
        rows.append({"subject": subject, "light": dashboard.subject_light(subject, as_of)})
    base = {"org": scope.root.code if scope.root else "", "as_of": as_of.isoformat() if as_of != today else ""}
    caption = [KIND_LABEL(params["kind"])]
    if params["light"]:
        caption.append(dashboard.LIGHT_LABELS[params["light"]])
    if params["dimension"]:
        caption.append(f"{dashboard.DIMENSIONS[params['dimension']]}：{_key_label(params)}")
    return render(request, "supervision/dashboard/list.html", {
        "rows": rows, "page": page, "params": params, "scope": scope, "as_of": as_of, "today": today,
        "caption": " · ".join(caption), "back": _query(**base),
        "page_query": _query(**base, kind=params["kind"], light=params["light"], by=params["dimension"],
                             key=params["key"]),
        "light_labels": dashboard.LIGHT_LABELS,
        "case_statuses": service_rules.STATUSES, "application_statuses": foi_rules.STATUSES,
    })


def _key_label(params: dict) -> str:
    if params["key"] == dashboard.NONE_KEY:
        return dashboard.NONE_LABELS[params["dimension"]]
    labels = dashboard._labels(params["dimension"], [int(params["key"])])
    return labels[int(params["key"])][1]


@login_required
@require_safe
def overtime(request):
    _require_desk(request.user)
    today = dashboard.local_today()
    scope = _scope(request)
    try:
        as_of = _as_of(request, today)
        page = _page(request, dashboard.overtime_alerts(scope, as_of))
    except BadInput as exc:
        return _bad_request(request, str(exc))
    base = {"org": scope.root.code if scope.root else "", "as_of": as_of.isoformat() if as_of != today else ""}
    return render(request, "supervision/dashboard/overtime.html", {
        "page": page, "scope": scope, "as_of": as_of, "back": _query(**base), "page_query": _query(**base),
    })


def _history(request, subject, kind: str):
    today = dashboard.local_today()
    return render(request, "supervision/dashboard/history.html", {
        "subject": subject, "kind": kind, "kind_label": KIND_LABEL(kind), "history": dashboard.subject_history(subject),
        "light": dashboard.subject_light(subject, today), "light_labels": dashboard.LIGHT_LABELS, "levels": LEVELS,
        "status_label": (service_rules.status_label(subject.status) if kind == "case"
                         else foi_rules.STATUSES.get(subject.status, subject.status)),
    })


@login_required
@require_safe
def case_history(request, pk: int):
    _require_desk(request.user)
    case = dashboard.case_for_desk(request.user, pk)
    if case is None:
        raise Http404
    return _history(request, case, "case")


@login_required
@require_safe
def application_history(request, pk: int):
    _require_desk(request.user)
    application = dashboard.application_for_desk(request.user, pk)
    if application is None:
        raise Http404
    return _history(request, application, "application")
