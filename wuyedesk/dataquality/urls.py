from django.urls import path

from wuyedesk.dataquality import views

urlpatterns = [
    path("", views.worklist, name="dataquality_worklist"),
    path("merge/<int:first>/<int:second>/", views.merge, name="dataquality_merge"),
    path("dismiss/", views.dismiss, name="dataquality_dismiss"),
    path("occupancies/end/", views.occupancies_end, name="dataquality_end_occupancies"),
    path("<str:kind>/", views.problem_list, name="dataquality_kind"),
]
