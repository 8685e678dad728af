from django.urls import path

from wuyedesk.reports import survey_views

urlpatterns = [
    path("", survey_views.campaign_list, name="survey_analysis_list"),
    path("<int:pk>/", survey_views.analysis, name="survey_analysis"),
    path("<int:pk>/answers/", survey_views.answers, name="survey_answers"),
    path("<int:pk>/answers.xlsx", survey_views.answers_xlsx, name="survey_answers_xlsx"),
    path("<int:pk>/report/", survey_views.report, name="survey_report"),
    path(
        "<int:pk>/report/pdf-status/",
        survey_views.report_pdf_status,
        name="survey_report_pdf_status",
    ),
    path("<int:pk>/report.pdf", survey_views.report_pdf, name="survey_report_pdf"),
    path("<int:pk>/report/<str:action>/", survey_views.report_action, name="survey_report_action"),
]
