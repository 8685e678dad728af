from wuyedesk.policies.models import PolicySettings


def policy_history(limit: int = 50):
    """The versions of the settings, newest (the one in force) first."""
    return PolicySettings.objects.select_related("created_by__staff").order_by("-id")[:limit]
