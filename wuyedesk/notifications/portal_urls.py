"""The resident's notification pages, under /portal/notifications/ (namespace "portal")."""

from django.urls import path

from wuyedesk.notifications import resident_views

patterns = [
    path("", resident_views.notice_list, name="notifications"),
    path("preferences/", resident_views.preferences, name="notification_preferences"),
]
