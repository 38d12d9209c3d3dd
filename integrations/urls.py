from django.urls import path

from integrations import views

# Mounted under /w/<ws>/.
urlpatterns = [
    path("integrations/webhooks/", views.webhook_list, name="webhook_list"),
    path("integrations/webhooks/new/", views.webhook_create, name="webhook_create"),
    path("integrations/webhooks/<id:pk>/", views.webhook_edit, name="webhook_edit"),
    path("integrations/webhooks/<id:pk>/delete/", views.webhook_delete, name="webhook_delete"),
    path(
        "integrations/webhooks/<id:pk>/deliveries/",
        views.webhook_deliveries,
        name="webhook_deliveries",
    ),
    path(
        "integrations/webhooks/<id:pk>/deliveries/<id:delivery>/replay/",
        views.delivery_replay,
        name="webhook_delivery_replay",
    ),
]
