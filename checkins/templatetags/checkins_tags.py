from django import template

from checkins.selectors import notification_unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    """The signed-in person's unread notifications in the current workspace (one COUNT)."""
    request = context.get("request")
    workspace = context.get("current_workspace")
    if request is None or workspace is None or not request.user.is_authenticated:
        return 0
    return notification_unread_count(user=request.user, workspace=workspace)
