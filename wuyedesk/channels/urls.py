"""The portal's pages (namespace "portal", under /portal/), added to urls.portal_patterns."""

from django.urls import path

from wuyedesk.channels import portal, staff_views

patterns = [
    path("signup/", portal.signup, name="signup"),
    path("signup/buildings/", portal.signup_buildings, name="signup_buildings"),
    path("signup/rooms/", portal.signup_rooms, name="signup_rooms"),
    path("signup/status/", portal.signup_status, name="signup_status"),
    path("signup/verify/", portal.signup_verify, name="signup_verify"),
    path("signup/verify/resend/", portal.signup_resend, name="signup_resend"),
    path("new/", portal.submit, name="submit"),
    path("tickets/", portal.ticket_list, name="tickets"),
    path("tickets/<int:pk>/", portal.ticket_detail, name="ticket"),
    path("tickets/<int:pk>/reply/", portal.ticket_reply, name="ticket_reply"),
    path("tickets/<int:pk>/confirm/", portal.ticket_confirm, name="ticket_confirm"),
    path("tickets/<int:pk>/rate/", portal.ticket_rate, name="ticket_rate"),
    path(
        "tickets/<int:pk>/files/<int:attachment_pk>/",
        portal.attachment_download,
        name="attachment",
    ),
    path("announcements/<int:pk>/", portal.announcement_detail, name="announcement"),
    path("account/password/", portal.password_change, name="password_change"),
    path("password/reset/", portal.password_reset, name="password_reset"),
    path("password/reset/sent/", portal.password_reset_done, name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        portal.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password/reset/done/", portal.password_reset_complete, name="password_reset_complete"),
    # Staff pages of the portal.
    path("staff/signups/", staff_views.signup_queue, name="signup_queue"),
    path("staff/signups/<int:pk>/", staff_views.signup_decide, name="signup_decide"),
    path("staff/announcements/", staff_views.announcement_list, name="announcements"),
    path("staff/announcements/new/", staff_views.announcement_create, name="announcement_new"),
    path(
        "staff/announcements/<int:pk>/edit/",
        staff_views.announcement_edit,
        name="announcement_edit",
    ),
    path(
        "staff/announcements/<int:pk>/withdraw/",
        staff_views.announcement_withdraw,
        name="announcement_withdraw",
    ),
]
