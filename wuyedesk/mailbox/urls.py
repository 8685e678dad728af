from django.urls import path

from wuyedesk.mailbox import views

urlpatterns = [
    path("", views.mail_queue, name="mail_queue"),
    path("<int:pk>/", views.mail_detail, name="mail_detail"),
    path("<int:pk>/raw/", views.mail_raw, name="mail_raw"),
    path("<int:pk>/link/", views.mail_link, name="mail_link"),
    path("<int:pk>/retry/", views.mail_retry, name="mail_retry"),
    path("<int:pk>/dismiss/", views.mail_dismiss, name="mail_dismiss"),
]
