from django.contrib import admin

from health.models import PulseAnswer


@admin.register(PulseAnswer)
class PulseAnswerAdmin(admin.ModelAdmin):
    list_display = ("from_department", "about_department", "cycle", "score", "answered_by")
    list_filter = ("workspace",)
    list_select_related = ("from_department", "about_department", "cycle", "answered_by")
    raw_id_fields = ("cycle", "from_department", "about_department", "answered_by")
