from django.contrib import admin

from checkins.models import Ask, CheckIn, Cycle, Reminder, ReminderPreference


class CheckInInline(admin.TabularInline):
    model = CheckIn
    extra = 0
    fields = ("goal", "author", "value", "confidence")
    raw_id_fields = ("goal", "author")


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ("__str__", "workspace", "starts_on", "due_on")
    list_filter = ("workspace",)
    readonly_fields = ("starts_on", "due_on")
    inlines = [CheckInInline]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ("goal", "cycle", "author", "value", "confidence", "created_at")
    search_fields = ("goal__title", "blockers", "moved")
    list_select_related = ("goal", "cycle", "author")
    raw_id_fields = ("goal", "cycle", "author")


@admin.register(Ask)
class AskAdmin(admin.ModelAdmin):
    list_display = ("text", "from_department", "to_department", "status", "due_on", "committed_on")
    list_filter = ("status", "workspace")
    search_fields = ("text", "decline_reason", "goal__title")
    list_select_related = ("from_department", "to_department")
    raw_id_fields = ("goal", "checkin", "from_department", "to_department")
    readonly_fields = ("created_by", "created_at", "responded_by", "responded_at")


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The reminder record, for audits: who got what, when, after how many attempts."""

    list_display = ("kind", "recipient", "goal", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "kind", "workspace")
    search_fields = ("recipient__username", "recipient__email", "goal__title")
    list_select_related = ("recipient", "goal")
    raw_id_fields = ("workspace", "cycle", "goal", "ask", "recipient")
    readonly_fields = ("created_at", "queued_at", "claimed_at", "sent_at", "attempts", "last_error")


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "workspace", "before_due", "nudge", "escalation", "asks", "by_email")
    list_filter = ("workspace",)
    raw_id_fields = ("user",)
