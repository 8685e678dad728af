from django.urls import path

from wuyedesk.improvements import views

urlpatterns = [
    path("", views.item_list, name="improvement_list"),
    path("board/", views.item_board, name="improvement_board"),
    path("overview/", views.item_overview, name="improvement_overview"),
    path("new/", views.item_create, name="improvement_create"),
    path("<int:pk>/", views.item_detail, name="improvement_detail"),
    path("<int:pk>/edit/", views.item_edit, name="improvement_edit"),
    path("<int:pk>/progress/", views.item_progress, name="improvement_progress"),
    path("<int:pk>/verify/", views.item_verify, name="improvement_verify"),
]
