from django.urls import path

from wuyedesk.telephony import views

urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("new/", views.call_new, name="call_new"),
    path("pop/", views.call_pop, name="call_pop"),
    path("extension/", views.my_extension, name="call_extension"),
    path("integrations/", views.integrations, name="call_integrations"),
    path("integrations/<int:pk>/revoke/", views.integration_revoke, name="call_integration_revoke"),
    path("<int:pk>/", views.call_detail, name="call_detail"),
    path("<int:pk>/reveal/", views.call_reveal, name="call_reveal"),
    path("<int:pk>/dismiss/", views.call_pop_dismiss, name="call_pop_dismiss"),
]
