from django.urls import path

from wuyedesk.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/calculator/", views.campaign_calculator, name="campaign_calculator"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/progress/", views.campaign_progress, name="campaign_progress"),
    path("campaigns/<int:pk>/calls/", views.call_list, name="call_list"),
    path("campaigns/<int:pk>/<str:action>/", views.campaign_action, name="campaign_action"),
    path("invitations/<int:pk>/call/", views.call_page, name="call_page"),
    path("questionnaires/", views.questionnaire_list, name="questionnaire_list"),
    path("questionnaires/new/", views.questionnaire_new, name="questionnaire_new"),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("versions/<int:pk>/<str:action>/", views.version_action, name="version_action"),
    path("dimensions/<int:pk>/", views.dimension_department, name="dimension_department"),
    path("t/<str:token>/", views.answer_token, name="answer_token"),
    path("t/<str:token>/unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("my/<int:pk>/", views.answer_portal, name="answer_portal"),
]
