from django.urls import include, path

from wuyedesk.accounts import twofactor_views as two_factor
from wuyedesk.accounts import views as accounts
from wuyedesk.api.main import api
from wuyedesk.audit import views as audit
from wuyedesk.channels import portal
from wuyedesk.channels import urls as portal_urls
from wuyedesk.notifications import portal_urls as notification_portal_urls
from wuyedesk.policies import calendar_views
from wuyedesk.policies import views as policies
from wuyedesk.properties import views as properties
from wuyedesk.tickets.category_tree import views as category_views
from wuyedesk.tickets.views import search as ticket_search
from wuyedesk.web import metrics, records
from wuyedesk.web import views as web

portal_patterns = (
    [
        path("", portal.home, name="home"),
        path("login/", accounts.resident_login, name="login"),
        *portal_urls.patterns,
        path("notifications/", include(notification_portal_urls.patterns)),
    ],
    "portal",
)

urlpatterns = [
    path("", web.home, name="home"),
    path("healthz", web.healthz, name="healthz"),
    path("login/", accounts.staff_login, name="login"),
    path("logout/", accounts.logout_view, name="logout"),
    path("language/", accounts.set_language, name="set_language"),
    path("account/password/", accounts.password_change, name="password_change"),
    path("account/tokens/", accounts.tokens, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", accounts.token_revoke, name="token_revoke"),
    path("account/two-factor/", two_factor.overview, name="two_factor"),
    path("account/two-factor/verify/", two_factor.verify, name="two_factor_verify"),
    path("account/two-factor/setup/", two_factor.setup, name="two_factor_setup"),
    path("account/two-factor/recovery/", two_factor.recovery, name="two_factor_recovery"),
    path("account/two-factor/disable/", two_factor.disable, name="two_factor_disable"),
    path("settings/two-factor/", two_factor.admin_list, name="two_factor_admin"),
    path("settings/two-factor/<int:pk>/reset/", two_factor.admin_reset, name="two_factor_reset"),
    path("portal/", include(portal_patterns)),
    path("audit/", audit.audit_list, name="audit_list"),
    path("audit/access/", audit.access_log, name="access_log"),
    path("settings/company/", properties.company_settings, name="company_settings"),
    path("import/", properties.import_start, name="import_start"),
    path("import/<int:pk>/", properties.import_batch, name="import_batch"),
    path("import/template/<str:kind>.xlsx", properties.import_template, name="import_template"),
    path("rooms/lookup/", properties.room_lookup, name="room_lookup"),
    path(
        "buildings/lookup/",
        properties.structure_lookup,
        {"kind": "building"},
        name="building_lookup",
    ),
    path("units/lookup/", properties.structure_lookup, {"kind": "unit"}, name="unit_lookup"),
    path(
        "residents/<int:pk>/reveal/<str:field>/",
        properties.resident_reveal,
        name="resident_reveal",
    ),
    path("search/", ticket_search.global_search, name="global_search"),
    path("reports/", include("wuyedesk.reports.urls")),
    path("knowledge/", include("wuyedesk.tickets.knowledge.urls")),
    path("tickets/", include("wuyedesk.tickets.urls")),
    path("notifications/", include("wuyedesk.notifications.urls")),
    path("mail/", include("wuyedesk.mailbox.urls")),
    path("calls/", include("wuyedesk.telephony.urls")),
    path("surveys/", include("wuyedesk.surveys.urls")),
    path("improvements/", include("wuyedesk.improvements.urls")),
    path("data-quality/", include("wuyedesk.dataquality.urls")),
    path("archive/", include("wuyedesk.archive.urls")),
    path("workplans/", include("wuyedesk.workplans.urls")),
    path("rewards/", include("wuyedesk.rewards.urls")),
    path("staffing/", include("wuyedesk.staffing.urls")),
    path("training/", include("wuyedesk.training.urls")),
    path("supervision/", include("wuyedesk.supervision.urls")),
    path("appraisal/", include("wuyedesk.appraisal.urls")),
    path("meetings/", include("wuyedesk.meetings.urls")),
    path("recruitment/", include("wuyedesk.recruitment.urls")),
    path("policies/", include("wuyedesk.policies.urls")),
    path("settings/policy/", policies.policy_settings, name="policy_settings"),
    path("settings/calendar/", calendar_views.calendar_page, name="calendar_days"),
    path(
        "settings/calendar/<int:pk>/delete/",
        calendar_views.calendar_day_delete,
        name="calendar_day_delete",
    ),
    path("settings/categories/", category_views.category_tree_page, name="category_tree"),
    path("settings/categories/<int:pk>/", category_views.category_edit, name="category_edit"),
    path(
        "settings/categories/<int:pk>/<slug:action>/",
        category_views.category_action,
        name="category_action",
    ),
    path("system/jobs/", web.system_jobs, name="system_jobs"),
    path("system/metrics", metrics.metrics, name="system_metrics"),
    path("api/v1/", api.urls),
    path("<str:key>/", records.record_list, name="record_list"),
    path("<str:key>/export.xlsx", records.record_export, name="record_export"),
    path("<str:key>/export.csv", records.record_export, {"fmt": "csv"}, name="record_export_csv"),
    path("<str:key>/new/", records.record_create, name="record_create"),
    path("<str:key>/<int:pk>/", records.record_detail, name="record_detail"),
    path("<str:key>/<int:pk>/edit/", records.record_edit, name="record_edit"),
    path("<str:key>/<int:pk>/archive/", records.record_archive_view, name="record_archive"),
]

handler403 = "wuyedesk.core.errors.forbidden"
handler404 = "wuyedesk.core.errors.not_found"
