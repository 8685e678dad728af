from django.urls import path

from wuyedesk.rewards import views

app_name = "rewards"
urlpatterns = [
    path("", views.measure_list, name="list"),
    path("new/", views.measure_create, name="create"),
    path("from-appraisal/", views.measure_from_appraisal, name="from_appraisal"),
    path("<int:pk>/", views.measure_detail, name="detail"),
    path("<int:pk>/<str:action>/", views.measure_action, name="action"),
]
