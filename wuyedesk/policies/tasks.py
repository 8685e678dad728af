"""Policies' periodic jobs (core.jobs.periodic_job)."""

from django.utils.translation import gettext_lazy as _
from huey import crontab

from wuyedesk.core.jobs import HOUR, MINUTE, periodic_job
from wuyedesk.policies.services import evaluations, versions


@periodic_job("policy-switch", crontab(minute="*"), every=MINUTE, label=_("制度版本到期生效"))
def policy_switch_task():
    """Every minute: approved versions whose effective time has come go into force, once
    each (versions.switch_due claims each under a row lock)."""
    return versions.switch_due()


@periodic_job("policy-evaluations", crontab(minute="5"), every=HOUR, label=_("制度定期评估"))
def policy_evaluation_task():
    """Every hour: open the evaluations whose review date has come (once per date)."""
    return evaluations.open_due()
