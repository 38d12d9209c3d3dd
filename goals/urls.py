from django.urls import path

from goals.views import goals as views

# Mounted under /w/<ws>/.
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
