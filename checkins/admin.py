from django.contrib import admin

from checkins.models import CheckIn, Cycle


class CheckInInline(admin.TabularInline):
    model = CheckIn
    extra = 0
    fields = ("goal", "author", "value", "confidence")
    raw_id_fields = ("goal", "author")


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ("__str__", "workspace", "starts_on", "due_on")
    list_filter = ("workspace",)
    inlines = [CheckInInline]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ("goal", "cycle", "author", "value", "confidence", "created_at")
    search_fields = ("goal__title", "blockers", "moved")
    list_select_related = ("goal", "cycle", "author")
    raw_id_fields = ("goal", "cycle", "author")
