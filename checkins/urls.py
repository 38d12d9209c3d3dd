from django.urls import path

from checkins import views

# Mounted under /w/<ws>/.
urlpatterns = [
    path("checkins/panel/", views.checkin_panel, name="checkin_panel"),
]
