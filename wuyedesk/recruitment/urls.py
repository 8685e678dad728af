from django.urls import path

from wuyedesk.recruitment import views

app_name = "recruitment"
urlpatterns = [
    path("", views.opening_list, name="opening_list"),
    path("new/", views.opening_create, name="opening_create"),
    path("<int:pk>/", views.opening_detail, name="opening_detail"),
    path("<int:pk>/status/", views.opening_status, name="opening_status"),
    path("<int:pk>/candidates/new/", views.candidate_create, name="candidate_create"),
    path("candidates/", views.candidate_list, name="candidate_list"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("candidates/<int:pk>/stage/", views.candidate_stage, name="candidate_stage"),
    path("candidates/<int:pk>/offer/", views.candidate_offer, name="candidate_offer"),
    path("candidates/<int:pk>/hire/", views.candidate_hire, name="candidate_hire"),
    path(
        "candidates/<int:pk>/reveal/<str:field>/",
        views.candidate_reveal,
        name="candidate_reveal",
    ),
    path("candidates/<int:pk>/cv/", views.candidate_cv, name="candidate_cv"),
]
