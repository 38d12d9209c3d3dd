from django.urls import path

from goals.views import goals as views

# Mounted under /w/<ws>/.
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("goals/", views.goal_list, name="goal_list"),
    path("goals/new/", views.goal_create, name="goal_create"),
    path("goals/smart-check/", views.goal_smart_check, name="goal_smart_check"),
    path("goals/carry-over/", views.goal_carry_over, name="goal_carry_over"),
    path("goals/<int:pk>/", views.goal_detail, name="goal_detail"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/close/", views.goal_close, name="goal_close"),
    path("goals/<int:pk>/weights/", views.goal_weights, name="goal_weights"),
    path("tree/", views.alignment_tree, name="alignment_tree"),
    path("priorities/", views.priorities, name="priorities"),
    path("priorities/move/", views.priority_move, name="priority_move"),
    path("lessons/", views.retrospectives, name="retrospectives"),
]
