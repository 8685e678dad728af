from django.urls import include, path

from wuyedesk.tickets.views import canned, incidents, intake
from wuyedesk.tickets.views import tickets as views

urlpatterns = [
    path("", views.ticket_queue, name="ticket_queue"),
    path("export.xlsx", views.ticket_queue_export, name="ticket_export"),
    path("new/", intake.ticket_intake, name="ticket_intake"),
    path("new/lookup/", intake.intake_lookup, name="ticket_intake_lookup"),
    path("new/history/", intake.intake_history, name="ticket_intake_history"),
    path("new/pick/", intake.intake_pick, name="ticket_intake_pick"),
    path("new/contact/", intake.intake_contact_create, name="ticket_intake_contact"),
    path("new/answer/", intake.intake_answer, name="ticket_intake_answer"),
    path("canned/", canned.canned_list, name="canned_list"),
    path("canned/new/", canned.canned_create, name="canned_new"),
    path("canned/<int:pk>/", canned.canned_edit, name="canned_edit"),
    path("canned/<int:pk>/delete/", canned.canned_delete, name="canned_delete"),
    path("<int:pk>/", views.ticket_detail, name="ticket_detail"),
    # Before the actions' pattern, which would take "canned" for an action.
    path("<int:pk>/canned/", canned.canned_for_ticket, name="canned_for_ticket"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("<int:pk>/<slug:action>/", views.ticket_action, name="ticket_action"),
    path("<int:pk>/<slug:action>/form/", views.action_form, name="ticket_action_form"),
    path("incidents/", incidents.incident_list, name="incident_list"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/update/", incidents.incident_update, name="incident_update"),
    path("incidents/<int:pk>/link/", incidents.incident_link_ticket, name="incident_link"),
    path("tasks/", include("wuyedesk.tickets.assignments.urls")),
]
