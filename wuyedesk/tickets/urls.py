from django.urls import path

from wuyedesk.tickets import views

urlpatterns = [
    path("", views.ticket_queue, name="ticket_queue"),
    path("<int:pk>/", views.ticket_detail, name="ticket_detail"),
]
