from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from teams.models import Department, Invitation, Membership, User, Workspace
from teams.tenancy import ensure_in_workspace


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "last_login")


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0
    fields = ("name", "kind", "color", "lead", "executive")
    autocomplete_fields = ("lead", "executive")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role")
    autocomplete_fields = ("user",)


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "timezone", "checkin_cadence", "created_at")
    list_filter = ("checkin_cadence",)
    search_fields = ("name", "slug", "mission")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [DepartmentInline, MembershipInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "kind", "lead", "executive")
    list_filter = ("kind", "workspace")
    search_fields = ("name", "workspace__name")
    list_select_related = ("workspace", "lead", "executive")
    autocomplete_fields = ("lead", "executive")


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("workspace"):
            ensure_in_workspace(
                cleaned["workspace"], cleaned.get("departments") or [], field="departments"
            )
        return cleaned


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ("user", "workspace", "role", "created_at")
    list_filter = ("role", "workspace")
    search_fields = ("user__username", "user__email", "workspace__name")
    list_select_related = ("user", "workspace")
    autocomplete_fields = ("user",)
    filter_horizontal = ("departments",)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "workspace", "role", "created_at", "expires_at", "accepted_at")
    list_filter = ("role", "workspace")
    search_fields = ("email", "workspace__name")
    list_select_related = ("workspace",)
    readonly_fields = ("token", "accepted_at", "accepted_by")
    filter_horizontal = ("departments",)
