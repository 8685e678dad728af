from django.urls import path

from wuyedesk.supervision import views
from wuyedesk.supervision import views_inspections as inspections

app_name = "supervision"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("members/", views.members, name="members"),
    path("members/<int:pk>/end/", views.member_end, name="member_end"),
    path("checklists/", views.checklists, name="checklists"),
    path("checklists/new/", views.checklist_new, name="checklist_new"),
    path("checklists/<int:pk>/", views.checklist_detail, name="checklist"),
    path("plans/", views.plans, name="plans"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/progress/", views.plan_progress, name="plan_progress"),
    path("plans/<int:pk>/sample/", views.plan_sample, name="plan_sample"),
    path("inspections/", inspections.inspection_list, name="inspections"),
    path("inspections/new/", inspections.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", inspections.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/score/", inspections.inspection_score, name="inspection_score"),
    path("inspections/<int:pk>/close/", inspections.inspection_close, name="inspection_close"),
    path("inspections/<int:pk>/answer/", inspections.inspection_answer, name="inspection_answer"),
    path(
        "inspections/<int:pk>/replace/", inspections.inspection_replace, name="inspection_replace"
    ),
    path("inspections/<int:pk>/photos/", inspections.inspection_photo, name="inspection_photo"),
    path("inspections/<int:pk>/photos/<int:photo>/", inspections.photo_file, name="photo_file"),
    path(
        "inspections/<int:pk>/calibrate/",
        inspections.inspection_calibrate,
        name="inspection_calibrate",
    ),
    path("calibrations/", inspections.calibration_list, name="calibrations"),
    path("calibrations/<int:pk>/", inspections.calibration_detail, name="calibration"),
    path("people/<int:user_id>/", inspections.person, name="person"),
]
