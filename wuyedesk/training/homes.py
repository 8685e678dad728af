"""The training figures of the homes (MGT-5): "my trainings due" for every staff member and
"trainings due" of their people for the organisers (the manager, the assistant). Each is
the number of rows of the list it links to (/training/due/?mine=1, /training/due/)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import staff_of
from wuyedesk.training import selectors


def figures(user) -> list[dict]:
    """[{key, label, n, url, alert}] for web/home.py's Figure."""
    if staff_of(user) is None:
        return []
    url = reverse("training_due")
    out = [
        {
            "key": "my_trainings_due",
            "label": _("我的待完成培训"),
            "n": len(selectors.my_due(user)),
            "url": f"{url}?mine=1",
            "alert": True,
        }
    ]
    if selectors.may_organise(user):
        out.append(
            {
                "key": "trainings_due",
                "label": _("待完成的必修培训"),
                "n": len(selectors.due_for(user)),
                "url": url,
                "alert": False,
            }
        )
    return out
