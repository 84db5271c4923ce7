"""The service-item catalogue in the admin: kept by the system administrator, like the other
catalogues (core.admin). Bulk changes go through ``yangguang items import``."""

from django import forms
from django.contrib import admin

from yangguang.core import audit
from yangguang.core.admin import RoleGatedAdmin
from yangguang.core.models import Role
from yangguang.core.selectors import has_role
from yangguang.services import rules
from yangguang.services.models import Material, ServiceItem


class ServiceItemForm(forms.ModelForm):
    steps = forms.MultipleChoiceField(
        label="办理环节", choices=list(rules.STEPS.items()), widget=forms.CheckboxSelectMultiple,
        help_text="受理和办结总会包含；即办件只有受理和办结。",
    )

    class Meta:
        model = ServiceItem
        fields = "__all__"

    def clean_steps(self):
        try:
            return list(rules.normalise_steps(self.cleaned_data["steps"]))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 1
    fields = ["name", "form", "copies", "required", "note", "sort_order"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and has_role(request.user, Role.SYSTEM_ADMIN)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(ServiceItem)
class ServiceItemAdmin(RoleGatedAdmin):
    form = ServiceItemForm
    inlines = [MaterialInline]
    list_display = ["code", "name", "department", "kind", "legal_limit", "committed_limit", "immediate", "is_active"]
    list_filter = ["kind", "immediate", "online_allowed", "agency_allowed", "is_active"]
    search_fields = ["code", "name", "department__name", "department__code"]
    autocomplete_fields = ["department"]
    list_select_related = ["department"]
    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "department", "sort_order"]}),
        ("时限与流程", {"fields": ["immediate", "legal_limit", "committed_limit", "steps", "step_limits"]}),
        ("收费", {"fields": ["charges", "fee_basis", "fee_standard"]}),
        ("办事指南", {"fields": ["conditions", "legal_basis", "place", "hours", "consult_phone", "supervise_phone"]}),
        ("办理方式与状态", {"fields": ["online_allowed", "agency_allowed", "is_active", "active_from", "active_until"]}),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            # the item's own fields are audited by save_model; its materials are recorded here
            materials = [
                {"name": m.name, "form": m.form, "copies": m.copies, "required": m.required, "note": m.note}
                for m in form.instance.materials.all()
            ]
            audit.record(actor=request.user, action="admin.change", target=form.instance, after={"materials": materials})
