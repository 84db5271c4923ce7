"""The Chinese admin, split by 三权分立: the system administrator keeps the catalogues, the
security administrator keeps roles, tokens and lockouts, the audit administrator reads the trail.
None of them can open the others' pages; a Django superuser is never created by the platform."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from yangguang.core import audit, calendar
from yangguang.core.models import (
    ApiToken,
    AuditEvent,
    CalendarDay,
    CalendarYear,
    NumberingRule,
    Organisation,
    Region,
    Role,
    RoleAssignment,
    User,
    Window,
    WindowAuthorisation,
)
from yangguang.core.numbering import validate_template
from yangguang.core.selectors import has_role


class RoleGatedAdmin(admin.ModelAdmin):
    """Every permission comes from one administrator role; Django's per-model permissions are not used."""

    admin_role: str = Role.SYSTEM_ADMIN
    read_only = False

    def _allowed(self, request) -> bool:
        return request.user.is_active and has_role(request.user, self.admin_role)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request) and not self.read_only

    def has_change_permission(self, request, obj=None):
        return self._allowed(request) and not self.read_only

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request) and not self.read_only

    def save_model(self, request, obj, form, change):
        with audit.action(actor=request.user, action=f"admin.{'change' if change else 'add'}", target=obj):
            super().save_model(request, obj, form, change)
            audit.record(
                actor=request.user,
                action=f"admin.{'change' if change else 'add'}",
                target=obj,
                after={name: _plain(form.cleaned_data.get(name)) for name in form.changed_data},
            )

    def delete_model(self, request, obj):
        with audit.action(actor=request.user, action="admin.delete", target=obj):
            audit.record(actor=request.user, action="admin.delete", target=obj)
            super().delete_model(request, obj)


def _plain(value):
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


@admin.register(Region)
class RegionAdmin(RoleGatedAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


@admin.register(Organisation)
class OrganisationAdmin(RoleGatedAdmin):
    list_display = ["code", "name", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent", "region"]
    readonly_fields = ["path"]


class WindowAuthorisationInline(admin.TabularInline):
    model = WindowAuthorisation
    extra = 0
    autocomplete_fields = ["department", "chief_representative"]

    def _allowed(self, request):
        return has_role(request.user, Role.SYSTEM_ADMIN)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(Window)
class WindowAdmin(RoleGatedAdmin):
    list_display = ["number", "name", "kind", "centre", "is_active"]
    list_filter = ["kind", "centre"]
    search_fields = ["number", "name"]
    inlines = [WindowAuthorisationInline]


@admin.register(User)
class UserAdmin(RoleGatedAdmin):
    list_display = ["username", "full_name", "organisation", "masked_phone", "is_active"]
    search_fields = ["username", "full_name"]
    list_filter = ["is_active"]
    fields = ["username", "full_name", "organisation", "phone", "id_number", "is_active", "last_login", "date_joined"]
    readonly_fields = ["last_login", "date_joined"]
    autocomplete_fields = ["organisation"]

    @admin.display(description="手机号码")
    def masked_phone(self, obj):
        return str(obj.phone)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.set_unusable_password()  # the person sets it through the reset flow
        super().save_model(request, obj, form, change)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(RoleGatedAdmin):
    admin_role = Role.SECURITY_ADMIN
    list_display = ["user", "role", "organisation", "include_descendants", "granted_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]

    def has_change_permission(self, request, obj=None):
        return False  # revoke and grant anew, so every change is one audited event

    def save_model(self, request, obj, form, change):
        from yangguang.core.services import role_grant

        try:
            role_grant(
                actor=request.user,
                user=obj.user,
                organisation=obj.organisation,
                role=obj.role,
                include_descendants=obj.include_descendants,
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))

    def delete_model(self, request, obj):
        from yangguang.core.services import role_revoke

        try:
            role_revoke(actor=request.user, assignment=obj)
        except PermissionDenied as exc:
            messages.error(request, str(exc))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(ApiToken)
class ApiTokenAdmin(RoleGatedAdmin):
    admin_role = Role.SECURITY_ADMIN
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "expires_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False  # issued with `yangguang token create`, which shows the key once


@admin.register(CalendarYear)
class CalendarYearAdmin(RoleGatedAdmin):
    list_display = ["year", "source", "document", "configured_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        calendar.calendar_year_configure(actor=request.user, year=obj.year, document=obj.document)


@admin.register(CalendarDay)
class CalendarDayAdmin(RoleGatedAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        calendar.calendar_day_set(actor=request.user, day=obj.date, kind=obj.kind, name=obj.name)

    def delete_model(self, request, obj):
        calendar.calendar_day_remove(actor=request.user, day=obj.date)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(NumberingRule)
class NumberingRuleAdmin(RoleGatedAdmin):
    list_display = ["kind", "organisation", "template"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class Form(form):
            def clean_template(self):
                value = self.cleaned_data["template"]
                try:
                    validate_template(value)
                except ValidationError as exc:
                    raise ValidationError(exc.message_dict["template"]) from None
                return value

        return Form


@admin.register(AuditEvent)
class AuditEventAdmin(RoleGatedAdmin):
    admin_role = Role.AUDIT_ADMIN
    read_only = True
    list_display = ["seq", "occurred_at", "actor_label", "action", "object_repr", "success", "client_ip"]
    list_filter = ["success", "action"]
    search_fields = ["actor_label", "action", "object_repr", "object_id"]
    date_hierarchy = "occurred_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


def _gate_axes_admin() -> None:
    """django-axes registers its own admin pages; only the security administrator may use them."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            continue
        for name in ("has_module_permission", "has_view_permission", "has_change_permission"):
            setattr(model_admin, name, _security_only)
        model_admin.has_delete_permission = _security_only  # deleting an attempt unlocks the account
        model_admin.has_add_permission = lambda request: False


def _security_only(request, obj=None):
    return request.user.is_active and has_role(request.user, Role.SECURITY_ADMIN)


_gate_axes_admin()
