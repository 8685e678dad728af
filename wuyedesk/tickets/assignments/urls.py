from django.urls import path

from wuyedesk.tickets.assignments import views

urlpatterns = [
    path("", views.task_list, name="task_list"),
    path("<int:pk>/done/", views.task_done, name="task_done"),
]
