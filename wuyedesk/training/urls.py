from django.urls import path

from wuyedesk.training import views

urlpatterns = [
    path("", views.training_home, name="training_home"),
    path("courses/new/", views.course_create, name="training_course_create"),
    path("courses/<int:pk>/", views.course_detail, name="training_course"),
    path("sessions/new/", views.session_create, name="training_session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="training_session"),
    path("sessions/<int:pk>/<str:action>/", views.session_action, name="training_session_action"),
    path("records/", views.record_list, name="training_records"),
    path("records/<int:person>/", views.record_detail, name="training_record"),
    path("due/", views.due_list, name="training_due"),
]
