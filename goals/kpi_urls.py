from django.urls import path

from goals.views import csv, kpis

# Mounted under /w/<ws>/.
urlpatterns = [
    path("kpis/", kpis.kpi_list, name="kpi_list"),
    path("kpis/new/", kpis.kpi_create, name="kpi_create"),
    path("kpis/panel/", kpis.kpi_panel, name="kpi_panel"),
    path("kpis/<id:pk>/", kpis.kpi_detail, name="kpi_detail"),
    path("kpis/<id:pk>/edit/", kpis.kpi_edit, name="kpi_edit"),
    path("kpis/<id:pk>/measurements/", kpis.measurement_add, name="measurement_add"),
    path("kpis/<id:pk>/measurements/paste/", kpis.measurement_paste, name="measurement_paste"),
    path("kpis/<id:pk>/measurements.csv", csv.measurement_export, name="measurement_export"),
    path("kpis/<id:pk>/measurements/import/", csv.measurement_import, name="measurement_import"),
    path(
        "kpis/<id:pk>/measurements/import/template.csv",
        csv.measurement_import_template,
        name="measurement_import_template",
    ),
    path(
        "kpis/<id:pk>/measurements/<id:measurement_pk>/delete/",
        kpis.measurement_delete,
        name="measurement_delete",
    ),
]
