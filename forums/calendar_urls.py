"""The calendar URLs of forums, in two lists: the secret feeds, mounted at /calendar/ (no
sign-in: a calendar app fetches them), and the pages under /w/<ws>/."""

from django.urls import path

from forums.views import calendar

# The keys are URL-safe tokens (forums.models.new_feed_key): letters, digits, "-" and "_".
feed_patterns = [
    path("forums/<slug:key>.ics", calendar.forum_feed, name="forum_feed"),
    path("people/<slug:key>.ics", calendar.person_feed, name="person_feed"),
]

workspace_patterns = [
    path("meetings/<id:pk>/calendar.ics", calendar.meeting_ics, name="meeting_ics"),
    path("calendar/", calendar.calendar_settings, name="calendar_settings"),
    path("calendar/revoke/", calendar.calendar_revoke, name="calendar_revoke"),
]
