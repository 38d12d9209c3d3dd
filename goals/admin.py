from django import forms
from django.contrib import admin

from goals.models import KPI, Goal, Measurement, Period, Retrospective, Win
from teams.tenancy import ensure_in_workspace


class WorkspaceLinksForm(forms.ModelForm):
    """Refuses links (departments, parent, period, KPI) into another workspace."""

    linked_fields: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        workspace = cleaned.get("workspace")
        if workspace is None:
            return cleaned
        for name in self.linked_fields:
            value = cleaned.get(name)
            objects = list(value) if hasattr(value, "__iter__") else [value]
            ensure_in_workspace(workspace, objects, field=name)
        return cleaned


class GoalAdminForm(WorkspaceLinksForm):
    linked_fields = ("owner_departments", "contributing_departments", "parent", "period", "kpi")

    class Meta:
        model = Goal
        fields = "__all__"


class KPIAdminForm(WorkspaceLinksForm):
    linked_fields = ("owner_departments",)

    class Meta:
        model = KPI
        fields = "__all__"


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "start_date", "end_date")
    list_filter = ("workspace",)
    search_fields = ("name",)


class ChildGoalInline(admin.TabularInline):
    model = Goal
    fk_name = "parent"
    extra = 0
    fields = ("title", "status", "due_date", "weight")
    show_change_link = True


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    form = GoalAdminForm
    list_display = ("title", "workspace", "status", "priority", "period", "due_date")
    list_filter = ("status", "workspace", "period", "owner_departments")
    search_fields = ("title", "description", "metric")
    list_select_related = ("workspace", "period")
    autocomplete_fields = ("parent", "kpi", "accountable", "created_by")
    filter_horizontal = ("owner_departments", "contributing_departments")
    readonly_fields = ("version", "created_at", "updated_at")
    inlines = [ChildGoalInline]


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 0
    fields = ("date", "value", "source")
    ordering = ("-date",)
    max_num = 1000


@admin.register(KPI)
class KPIAdmin(admin.ModelAdmin):
    form = KPIAdminForm
    list_display = ("name", "workspace", "unit", "direction", "green_threshold", "red_threshold")
    list_filter = ("direction", "workspace")
    search_fields = ("name", "description")
    filter_horizontal = ("owner_departments",)


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = ("kpi", "date", "value", "source")
    list_filter = ("source",)
    search_fields = ("kpi__name",)
    date_hierarchy = "date"
    list_select_related = ("kpi",)
    raw_id_fields = ("kpi", "created_by")
    show_full_result_count = False


@admin.register(Retrospective)
class RetrospectiveAdmin(admin.ModelAdmin):
    list_display = ("goal", "outcome", "author", "workspace", "created_at")
    list_filter = ("outcome", "workspace")
    search_fields = ("goal__title", "what_worked", "what_to_change")
    list_select_related = ("goal", "author", "workspace")
    raw_id_fields = ("goal", "author")


@admin.register(Win)
class WinAdmin(admin.ModelAdmin):
    list_display = ("text", "workspace", "created_at")
    list_filter = ("workspace",)
    search_fields = ("text",)
    list_select_related = ("workspace",)
    raw_id_fields = ("goal",)
