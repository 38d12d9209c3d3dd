"""Workshops in the admin, to look at: they change only through the board (the services keep
the phase rules, the vote allowance and the version the live board polls)."""

from django.contrib import admin

from workshops.models import Proposal, Step, Vote, Workshop, WorkshopParticipant


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ParticipantInline(ReadOnlyInline):
    model = WorkshopParticipant
    fields = ("user", "last_seen")


class ProposalInline(ReadOnlyInline):
    model = Proposal
    fields = ("title", "author", "status", "merged_into", "goal")
    show_change_link = True


@admin.register(Workshop)
class WorkshopAdmin(ReadOnlyAdmin):
    list_display = ("title", "workspace", "period", "facilitator", "phase", "locked", "created_at")
    list_filter = ("phase", "workspace")
    search_fields = ("title", "workspace__name")
    list_select_related = ("workspace", "period", "facilitator")
    inlines = [ParticipantInline, ProposalInline]


class StepInline(ReadOnlyInline):
    model = Step
    fields = ("department", "title", "metric", "baseline", "target", "due_date", "goal")


class VoteInline(ReadOnlyInline):
    model = Vote
    fields = ("voter", "slot", "created_at")


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ("title", "workshop", "author", "status", "goal")
    list_filter = ("status",)
    search_fields = ("title", "workshop__title")
    list_select_related = ("workshop", "author", "goal")
    inlines = [StepInline, VoteInline]
