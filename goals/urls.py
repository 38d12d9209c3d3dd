from django.urls import path

from goals import views

# Mounted under /w/<ws>/.
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
