from django.urls import include, path

from wuyedesk.reports import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tickets/", views.drill_down, name="report_tickets"),
    path("surveys/", include("wuyedesk.reports.survey_urls")),
]
