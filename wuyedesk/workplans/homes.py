"""The targets of the current plans on the manager's and executive's homes and on the
dashboard (MGR-1): each published plan of the person's scope whose period holds today, its
targets against their actuals so far, green/amber/red; each figure links to the plan."""

from django.urls import reverse

from wuyedesk.workplans import figures, selectors


def current_targets(user, community_id=None, *, any_scope: bool = True) -> list[dict]:
    """[{"plan", "title", "url", "rows"}] for the current published plans the user may read
    (of `community_id` only when `any_scope` is False: the dashboard's chosen scope)."""
    if not selectors.may_read_plans(user):
        return []
    if any_scope:
        plans = selectors.current_plans(user)
    else:
        plans = selectors.current_plans(user, community_id=community_id)
    out = []
    for plan in plans:
        url = reverse("workplan_detail", kwargs={"pk": plan.pk})
        out.append(
            {
                "plan": plan.pk,
                "title": plan.title,
                "start": plan.start,
                "end": plan.end,
                "url": url,
                "rows": figures.target_rows(user, plan),
            }
        )
    return out


def dashboard_panel(user, scope) -> dict | None:
    """The dashboard's panel (registered with reports.views.register_panel)."""
    plans = current_targets(user, scope.community_id, any_scope=False)
    if not plans:
        return None
    return {"template": "workplans/_dashboard_targets.html", "plans": plans}
