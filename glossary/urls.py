from django.urls import path

from glossary import views

# Mounted under /w/<ws>/.
urlpatterns = [
    path("glossary/", views.glossary, name="glossary"),
    path("glossary/new/", views.term_create, name="term_create"),
    path("glossary/<id:pk>/edit/", views.term_edit, name="term_edit"),
    path("glossary/<id:pk>/delete/", views.term_delete, name="term_delete"),
]
