from django.urls import path

from goals.views import csv
from goals.views import goals as views

# Mounted under /w/<ws>/.
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("goals/", views.goal_list, name="goal_list"),
    path("goals/new/", views.goal_create, name="goal_create"),
    path("goals/smart-check/", views.goal_smart_check, name="goal_smart_check"),
    path("goals/carry-over/", views.goal_carry_over, name="goal_carry_over"),
    path("goals/export.csv", csv.goal_export, name="goal_export"),
    path("goals/checkins.csv", csv.checkin_export, name="checkin_export"),
    path("goals/import/", csv.goal_import, name="goal_import"),
    path("goals/import/template.csv", csv.goal_import_template, name="goal_import_template"),
    path("goals/<id:pk>/", views.goal_detail, name="goal_detail"),
    path("goals/<id:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<id:pk>/close/", views.goal_close, name="goal_close"),
    path("goals/<id:pk>/weights/", views.goal_weights, name="goal_weights"),
    path("goals/<id:pk>/checkins.csv", csv.goal_checkin_export, name="goal_checkin_export"),
    path("tree/", views.alignment_tree, name="alignment_tree"),
    path("priorities/", views.priorities, name="priorities"),
    path("priorities/move/", views.priority_move, name="priority_move"),
    path("lessons/", views.retrospectives, name="retrospectives"),
]
