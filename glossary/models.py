"""The glossary: each department's jargon and acronyms, with what they mean.

A term is unique in its workspace whatever its case ("MQL" and "mql" are one term); the
department that owns it keeps it (glossary.services says who may change it).
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from teams.models import Department, Workspace


class Term(models.Model):
    MAX_TERM = 60
    MAX_MEANING = 500

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="glossary_terms"
    )
    term = models.CharField(max_length=MAX_TERM)
    meaning = models.TextField(max_length=MAX_MEANING)
    # RESTRICT, not PROTECT: deleting the whole workspace deletes its terms with it.
    department = models.ForeignKey(
        Department, on_delete=models.RESTRICT, related_name="glossary_terms"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [Lower("term"), "id"]
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("term"),
                name="glossary_term_unique_in_workspace",
                violation_error_message="This term is already in the glossary.",
            ),
        ]

    def __str__(self) -> str:
        return self.term
