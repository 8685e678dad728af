from django.urls import path

from wuyedesk.tickets.knowledge import views

urlpatterns = [
    path("", views.knowledge_list, name="knowledge_list"),
    path("new/", views.knowledge_create, name="knowledge_create"),
    path("suggest/", views.knowledge_suggest, name="knowledge_suggest"),
    path("<int:pk>/", views.knowledge_detail, name="knowledge_detail"),
    path("<int:pk>/edit/", views.knowledge_edit, name="knowledge_edit"),
    path("<int:pk>/archive/", views.knowledge_archive, name="knowledge_archive"),
]
