from django.urls import path

from wuyedesk.policies import views

urlpatterns = [
    path("", views.document_list, name="policy_list"),
    path("<int:pk>/", views.document_detail, name="policy_document"),
    path("<int:pk>/propose/", views.propose, name="policy_propose"),
    path("<int:pk>/diff/", views.version_diff, name="policy_diff"),
    path("versions/<int:pk>/", views.version_detail, name="policy_version"),
    path("versions/<int:pk>/edit/", views.version_edit, name="policy_version_edit"),
    path("versions/<int:pk>/settings/", views.version_settings, name="policy_version_settings"),
    path("versions/<int:pk>/sections/new/", views.section_edit, name="policy_section_new"),
    path(
        "versions/<int:pk>/sections/<int:section_pk>/",
        views.section_edit,
        name="policy_section",
    ),
    path(
        "versions/<int:pk>/acknowledgements/",
        views.version_acknowledgements,
        name="policy_acknowledgements",
    ),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="policy_evaluation"),
]
