from django.urls import path

from wuyedesk.meetings import notice_views, views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("new/", views.meeting_create, name="meeting_create"),
    path("series/", views.series_list, name="series_list"),
    path("series/new/", views.series_create, name="series_create"),
    path("series/<int:pk>/", views.series_detail, name="series_detail"),
    path("series/<int:pk>/next/", views.series_next, name="series_next"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/agenda/propose/", views.agenda_propose, name="agenda_propose"),
    path("<int:pk>/agenda/add/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/agenda/<int:item_pk>/", views.agenda_edit, name="agenda_edit"),
    path("<int:pk>/agenda/<int:item_pk>/remove/", views.agenda_remove, name="agenda_remove"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/minutes/", views.minutes_edit, name="minutes_edit"),
    path("<int:pk>/minutes/pdf-status/", views.minutes_pdf_status, name="minutes_pdf_status"),
    path("<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("<int:pk>/minutes/<str:action>/", views.minutes_action, name="minutes_action"),
    path("<int:pk>/actions/add/", views.action_add, name="action_add"),
    path("<int:pk>/actions/<int:action_pk>/remove/", views.action_remove, name="action_remove"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/<int:action_pk>/done/", views.action_done, name="action_done"),
    path(
        "decisions/<int:decision_pk>/improvement/",
        views.decision_improvement,
        name="decision_improvement",
    ),
    path("notices/", notice_views.notice_list, name="notice_list"),
    path("notices/new/", notice_views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", notice_views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/read/", notice_views.notice_read, name="notice_read"),
]
