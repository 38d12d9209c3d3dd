from django.urls import path

from health import views

# Mounted under /w/<ws>/.
urlpatterns = [
    path("health/", views.health, name="health"),
    path("health/panel/", views.health_panel, name="health_panel"),
    path("health/pulse/<id:department>/", views.health_pulse, name="health_pulse"),
    path("health/<id:a>/<id:b>/", views.health_pair, name="health_pair"),
]
