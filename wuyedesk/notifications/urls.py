from django.urls import path
from django.views.generic import RedirectView

from wuyedesk.notifications import resident_views, views

urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("<int:pk>/read/", views.notification_read, name="notification_read"),
    path("read-all/", views.notification_read_all, name="notification_read_all"),
    path("webhooks/", resident_views.deliveries, name="webhook_deliveries"),
    # The portal links here by this name; the page itself lives under /portal/.
    path(
        "preferences/",
        RedirectView.as_view(pattern_name="portal:notification_preferences"),
        name="notification_preferences",
    ),
]
