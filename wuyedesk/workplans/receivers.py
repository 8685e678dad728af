"""What workplans registers with the layers below it at start-up: its panel of the
dashboard (reports cannot import this app; see docs/architecture.md)."""

from wuyedesk.reports.views import register_panel
from wuyedesk.workplans.homes import dashboard_panel

register_panel(dashboard_panel)
