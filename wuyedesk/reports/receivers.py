"""What reports registers at start-up (core/appconfig.py): the figures of a policy
document's periodic evaluation, which policies (below tickets) cannot compute itself; and
the version of the quarterly reports (survey_reports.VERSION), bumped by every write to a
report or a campaign (whose state and scope decide who sees its report)."""

from wuyedesk.core import versions
from wuyedesk.policies.services import evaluations
from wuyedesk.reports import policy_evaluation
from wuyedesk.reports.models import QuarterlyReport
from wuyedesk.reports.survey_reports import VERSION
from wuyedesk.surveys.models import Campaign

evaluations.register_figures(policy_evaluation.figures)
versions.bump_on_change(VERSION, QuarterlyReport, Campaign)
