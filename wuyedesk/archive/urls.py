from django.urls import path

from wuyedesk.archive import views

urlpatterns = [
    path("", views.document_list, name="archive_list"),
    path("new/", views.document_upload, name="archive_upload"),
    path("due/", views.due_list, name="archive_due"),
    path("types/", views.type_list, name="archive_types"),
    path("types/<int:pk>/", views.type_edit, name="archive_type_edit"),
    path("<int:pk>/", views.document_detail, name="archive_detail"),
    path("<int:pk>/file/", views.document_file, name="archive_file"),
    path("<int:pk>/destroy/", views.document_destroy, name="archive_destroy"),
]
