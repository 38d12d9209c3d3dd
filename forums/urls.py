from django.urls import path

from forums.views import decisions, forums, meetings, partners

# Mounted under /w/<ws>/.
urlpatterns = [
    # First: every open meeting page polls it.
    path("meetings/<id:pk>/record/", meetings.meeting_record, name="meeting_record"),
    path("forums/", forums.forum_list, name="forum_list"),
    path("forums/new/", forums.forum_create, name="forum_create"),
    path("forums/panel/", forums.forum_panel, name="forum_panel"),
    path("forums/<id:pk>/", forums.forum_detail, name="forum_detail"),
    path("forums/<id:pk>/edit/", forums.forum_edit, name="forum_edit"),
    path("meetings/<id:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<id:pk>/start/", meetings.meeting_start, name="meeting_start"),
    path("meetings/<id:pk>/end/", meetings.meeting_end, name="meeting_end"),
    path("meetings/<id:pk>/publish/", meetings.minutes_publish, name="minutes_publish"),
    path("meetings/<id:pk>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path("meetings/<id:pk>/move/", meetings.meeting_move, name="meeting_move"),
    path("meetings/<id:pk>/topics/", meetings.topic_add, name="topic_add"),
    path("meetings/<id:pk>/agenda/", meetings.agenda_arrange, name="agenda_arrange"),
    path("meetings/<id:pk>/attendance/", meetings.attendance_set, name="attendance_set"),
    path("meetings/<id:pk>/minutes/", meetings.minutes_save, name="minutes_save"),
    path("meetings/<id:pk>/items/<id:item_pk>/", meetings.item_detail, name="item_detail"),
    path(
        "meetings/<id:pk>/items/<id:item_pk>/record/",
        meetings.item_record,
        name="item_record",
    ),
    path(
        "meetings/<id:pk>/items/<id:item_pk>/decisions/",
        meetings.decision_create,
        name="decision_create",
    ),
    path(
        "meetings/<id:pk>/items/<id:item_pk>/actions/",
        meetings.action_create,
        name="action_create",
    ),
    path(
        "meetings/<id:pk>/items/<id:item_pk>/asks/",
        meetings.ask_create,
        name="ask_create",
    ),
    path("partners/", partners.partner_list, name="partner_list"),
    path("partners/new/", partners.partner_create, name="partner_create"),
    path("partners/<id:pk>/", partners.partner_detail, name="partner_detail"),
    path("partners/<id:pk>/edit/", partners.partner_edit, name="partner_edit"),
    path("decisions/", decisions.decision_log, name="decision_log"),
    path("decisions/export.csv", decisions.decision_export, name="decision_export"),
    path("decisions/<id:pk>/", decisions.decision_detail, name="decision_detail"),
    path("decisions/<id:pk>/amend/", decisions.decision_amend, name="decision_amend"),
    path("decisions/<id:pk>/supersede/", decisions.decision_supersede, name="decision_supersede"),
    path(
        "decisions/<id:pk>/superseded-by/",
        decisions.decision_supersede_by,
        name="decision_supersede_by",
    ),
    path("my-work/", decisions.my_work, name="my_work"),
    path("my-work/actions/", decisions.action_panel, name="action_panel"),
    path("actions/<id:pk>/status/", decisions.action_status, name="action_status"),
]
