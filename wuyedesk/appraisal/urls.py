from django.urls import path

from wuyedesk.appraisal import views

app_name = "appraisal"

urlpatterns = [
    path("", views.index, name="index"),
    path("cycles/open/", views.cycle_open, name="cycle_open"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle"),
    path("cycles/<int:pk>/progress/", views.cycle_progress, name="cycle_progress"),
    path("cycles/<int:pk>/retry/", views.cycle_retry, name="cycle_retry"),
    path("disputes/", views.disputes, name="disputes"),
    path("disputes/<int:pk>/answer/", views.dispute_answer, name="dispute_answer"),
    path("<int:pk>/", views.appraisal_detail, name="appraisal"),
    path("<int:pk>/records/<int:item>/", views.records, name="records"),
    path("<int:pk>/self/", views.appraisal_self, name="self"),
    path("<int:pk>/review/", views.appraisal_review, name="review"),
    path("<int:pk>/publish/", views.appraisal_publish, name="publish"),
    path("<int:pk>/reopen/", views.appraisal_reopen, name="reopen"),
    path("<int:pk>/disputes/", views.dispute_new, name="dispute_new"),
]
