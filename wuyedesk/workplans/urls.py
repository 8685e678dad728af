from django.urls import path

from wuyedesk.workplans import report_views, views

urlpatterns = [
    path("", views.plan_list, name="workplan_list"),
    path("new/", views.plan_create, name="workplan_create"),
    path("<int:pk>/", views.plan_detail, name="workplan_detail"),
    path("<int:pk>/<str:action>/", views.plan_action, name="workplan_action"),
    path("reports/", report_views.report_list, name="workreport_list"),
    path("reports/<int:pk>/", report_views.report_detail, name="workreport_detail"),
    path("reports/<int:pk>/status/", report_views.report_progress, name="workreport_status"),
    path("reports/<int:pk>/report.pdf", report_views.report_pdf, name="workreport_pdf"),
    path("reports/<int:pk>/report.xlsx", report_views.report_xlsx, name="workreport_xlsx"),
    path("reports/<int:pk>/<str:action>/", report_views.report_action, name="workreport_action"),
]
