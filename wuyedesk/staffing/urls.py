from django.urls import path

from wuyedesk.staffing import roster_views, views

app_name = "staffing"

urlpatterns = [
    path("", views.me, name="me"),
    path("clock/", views.clock, name="clock"),
    path("leave/new/", views.leave_new, name="leave_new"),
    path("corrections/new/", views.correction_new, name="correction_new"),
    path("requests/", views.requests, name="requests"),
    path("requests/<str:kind>/<int:pk>/", views.decide, name="decide"),
    path("exceptions/", views.exceptions, name="exceptions"),
    path("sheet/", views.sheet, name="sheet"),
    path("sheet.xlsx", views.sheet_xlsx, name="sheet_xlsx"),
    path("people/<int:user_id>/", views.person, name="person"),
    path("people/<int:user_id>/sheet.xlsx", views.person_xlsx, name="person_xlsx"),
    path("shifts/", roster_views.shifts, name="shifts"),
    path("shifts/<int:pk>/archive/", roster_views.shift_archive, name="shift_archive"),
    path("roster/", roster_views.roster, name="roster"),
    path("roster/<int:pk>/remove/", roster_views.roster_remove, name="roster_remove"),
    path("import/", roster_views.import_page, name="import"),
]
