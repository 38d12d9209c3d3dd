from django.urls import path

from goals.views import kpis

# Mounted under /w/<ws>/.
urlpatterns = [
    path("kpis/panel/", kpis.kpi_panel, name="kpi_panel"),
]
