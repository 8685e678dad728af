from django.urls import path

from wuyedesk.tickets import intake, views

urlpatterns = [
    path("", views.ticket_queue, name="ticket_queue"),
    path("new/", intake.ticket_intake, name="ticket_intake"),
    path("new/lookup/", intake.intake_lookup, name="ticket_intake_lookup"),
    path("new/pick/", intake.intake_pick, name="ticket_intake_pick"),
    path("new/contact/", intake.intake_contact_create, name="ticket_intake_contact"),
    path("new/answer/", intake.intake_answer, name="ticket_intake_answer"),
    path("<int:pk>/", views.ticket_detail, name="ticket_detail"),
]
