"""What workplans registers with the layers below it at start-up: its panel of the
dashboard (reports cannot import this app; see docs/architecture.md); and the version of
its work reports, bumped by every write to one (selectors.REPORTS_VERSION)."""

from wuyedesk.core import versions
from wuyedesk.reports.views import register_panel
from wuyedesk.workplans.homes import dashboard_panel
from wuyedesk.workplans.models import WorkReport
from wuyedesk.workplans.selectors import REPORTS_VERSION

register_panel(dashboard_panel)
versions.bump_on_change(REPORTS_VERSION, WorkReport)
