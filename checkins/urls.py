from django.urls import path

from checkins import views

# Mounted under /w/<ws>/.
urlpatterns = [
    path("checkins/", views.my_checkins, name="my_checkins"),
    path("checkins/panel/", views.checkin_panel, name="checkin_panel"),
    path("checkins/goals/<id:goal>/", views.checkin_form, name="checkin_form"),
    path("checkins/link/<str:token>/", views.checkin_link, name="checkin_link"),
    path("asks/", views.ask_inbox, name="ask_inbox"),
    path("asks/<id:pk>/respond/", views.ask_respond_view, name="ask_respond"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/bell/", views.notification_bell, name="notification_bell"),
    path("notifications/<id:pk>/open/", views.notification_open, name="notification_open"),
    path(
        "notifications/read/",
        views.notifications_mark_read_view,
        name="notifications_mark_read",
    ),
    path("reminders/settings/", views.reminder_settings, name="reminder_settings"),
    path("goals/checkins.csv", views.checkin_export, name="checkin_export"),
    path("goals/<id:pk>/checkins.csv", views.goal_checkin_export, name="goal_checkin_export"),
]
