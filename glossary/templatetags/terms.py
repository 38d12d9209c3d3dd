"""The ``glossary`` filter, a template builtin (see TEMPLATES in the settings):
``{{ text|glossary:current_workspace }}`` marks the workspace's terms in the text.

Plain text is escaped first. Text already marked safe is HTML (the minutes, sanitised by nh3):
its terms are marked in its text only, its tags kept as they are. Without a workspace (a guest's
page passes none) the text is only escaped.
"""

from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

from glossary.marking import glossary_of
from teams.models import Workspace

register = template.Library()


@register.filter(name="glossary")
def glossary(value: Any, workspace: Workspace | None) -> SafeString:
    if value is None or value == "":
        return SafeString("")
    if not isinstance(workspace, Workspace):
        return conditional_escape(value)
    terms = glossary_of(workspace)
    if isinstance(value, SafeData):
        return mark_safe(terms.mark_html(str(value)))  # noqa: S308 -- tags kept, text escaped
    return mark_safe(terms.mark(str(value)))  # noqa: S308 -- escaped by Glossary.mark
