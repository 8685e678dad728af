from django.urls import include, path

from wuyedesk.reports import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("tickets/", views.drill_down, name="report_tickets"),
    path("surveys/", include("wuyedesk.reports.survey_urls")),
]
