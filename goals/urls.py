from django.urls import path

from goals.views import csv, goals, kpis

# Mounted under /w/<ws>/.
urlpatterns = [
    path("", goals.dashboard, name="dashboard"),
    path("goals/", goals.goal_list, name="goal_list"),
    path("goals/new/", goals.goal_create, name="goal_create"),
    path("goals/smart-check/", goals.goal_smart_check, name="goal_smart_check"),
    path("goals/carry-over/", goals.goal_carry_over, name="goal_carry_over"),
    path("goals/export.csv", csv.goal_export, name="goal_export"),
    path("goals/import/", csv.goal_import, name="goal_import"),
    path("goals/import/template.csv", csv.goal_import_template, name="goal_import_template"),
    path("goals/import/<id:pk>/", csv.goal_import_progress, name="goal_import_progress"),
    path("goals/<id:pk>/", goals.goal_detail, name="goal_detail"),
    path("goals/<id:pk>/edit/", goals.goal_edit, name="goal_edit"),
    path("goals/<id:pk>/close/", goals.goal_close, name="goal_close"),
    path("goals/<id:pk>/weights/", goals.goal_weights, name="goal_weights"),
    path("tree/", goals.alignment_tree, name="alignment_tree"),
    path("priorities/", goals.priorities, name="priorities"),
    path("priorities/move/", goals.priority_move, name="priority_move"),
    path("lessons/", goals.retrospectives, name="retrospectives"),
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
