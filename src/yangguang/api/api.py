"""REST API at /api/v1/. Validation errors are answered in Chinese, naming the field."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from pydantic import Field

from yangguang.core import calendar
from yangguang.core.limits import RateLimited
from yangguang.core.services import api_token_authenticate

from .errors import FIELD_LABELS, describe_validation_errors


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="阳光政务 API",
    version="1.0.0",
    description="阳光政务开放接口。需要登录的接口使用 `Authorization: Bearer <令牌>`。",
    urls_namespace="api",
)


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc):
    errors = describe_validation_errors(exc.errors)
    return api.create_response(request, {"detail": "；".join(e["message"] for e in errors), "errors": errors}, status=422)


@api.exception_handler(ValidationError)
def _domain_validation_error(request, exc):
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": k, "message": f"{FIELD_LABELS[k]}（{k}）：{m}" if k in FIELD_LABELS else f"{k}：{m}"}
            for k, ms in exc.message_dict.items() for m in ms
        ]
    else:
        errors = [{"field": "", "message": m} for m in exc.messages]
    status = 429 if isinstance(exc, RateLimited) else 400
    return api.create_response(request, {"detail": "；".join(e["message"] for e in errors), "errors": errors}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(request, {"detail": "未登录或令牌无效"}, status=401)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "无权访问"}, status=403)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": "未找到"}, status=404)


api.add_router("/disclosure/", "yangguang.disclosure.api.router")
api.add_router("/foi/", "yangguang.foi.api.router")
api.add_router("/services/", "yangguang.services.api.router")


class WorkdayAddQuery(Schema):
    start: date = Field(description="起始日期（不计入），YYYY-MM-DD")
    n: int = Field(ge=-10000, le=10000, description="工作日数")


class WorkdayAddOut(Schema):
    date: date
    provisional: bool = Field(description="结果涉及尚未配置放假安排的年份时为 true（暂定）")


class WorkdayCountQuery(Schema):
    start: date = Field(description="起始日期（不计入）")
    end: date = Field(description="截止日期（计入）")


class WorkdayCountOut(Schema):
    days: int
    provisional: bool


@api.get("/workdays/add", response=WorkdayAddOut, tags=["工作日"], summary="起始日之后第 n 个工作日")
def workdays_add(request, query: Query[WorkdayAddQuery]):
    result = calendar.add_workdays(query.start, query.n)
    return {"date": result.date, "provisional": result.provisional}


@api.get("/workdays/count", response=WorkdayCountOut, tags=["工作日"], summary="两个日期之间的工作日数")
def workdays_count(request, query: Query[WorkdayCountQuery]):
    result = calendar.count_workdays(query.start, query.end)
    return {"days": result.days, "provisional": result.provisional}


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[dict]


@api.get("/me", response=MeOut, auth=TokenAuth(), tags=["账户"], summary="当前令牌对应的工作人员")
def me(request):
    from yangguang.core.selectors import staff_roles_summary

    return {
        "username": request.user.username,
        "full_name": request.user.full_name,
        "roles": [
            {"role": a.role, "label": a.get_role_display(), "organisation": a.organisation.code}
            for a in staff_roles_summary(request.user)
        ],
    }
