"""What reports registers at start-up (core/appconfig.py): the figures of a policy
document's periodic evaluation, which policies (below tickets) cannot compute itself."""

from wuyedesk.policies.services import evaluations
from wuyedesk.reports import policy_evaluation

evaluations.register_figures(policy_evaluation.figures)
