from django.urls import path

from goals.views import kpis

# Mounted under /w/<ws>/.
urlpatterns = [
    path("kpis/", kpis.kpi_list, name="kpi_list"),
    path("kpis/new/", kpis.kpi_create, name="kpi_create"),
    path("kpis/panel/", kpis.kpi_panel, name="kpi_panel"),
    path("kpis/<int:pk>/", kpis.kpi_detail, name="kpi_detail"),
    path("kpis/<int:pk>/edit/", kpis.kpi_edit, name="kpi_edit"),
    path("kpis/<int:pk>/measurements/", kpis.measurement_add, name="measurement_add"),
    path("kpis/<int:pk>/measurements/paste/", kpis.measurement_paste, name="measurement_paste"),
    path(
        "kpis/<int:pk>/measurements/<int:measurement_pk>/delete/",
        kpis.measurement_delete,
        name="measurement_delete",
    ),
]
