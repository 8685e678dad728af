"""服务时限 (POL-3): the settings in force, a change as a new version, and the history."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import require_post
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.form_errors import FormInvalid
from wuyedesk.policies import selectors
from wuyedesk.policies.choices import Severity
from wuyedesk.policies.forms import PolicySettingsForm
from wuyedesk.policies.services import EDITABLE, policy, policy_update

POLICY_POSTS = (Post.MANAGER, Post.ADMIN)


def _shown(version, name):
    value = getattr(version, name)
    if name == "complaint_notify_severities":
        labels = dict(Severity.choices)
        return "、".join(str(labels.get(v, v)) for v in value)
    return value


@staff_required
def policy_settings(request):
    require_post(request.user, *POLICY_POSTS)
    current = policy()
    form = PolicySettingsForm(request.POST or None, instance=current)
    status = 200
    if request.method == "POST":
        if form.is_valid() and form.cleaned_data.get("based_on") != current.pk:
            form.add_error(None, _("设置已被他人修改,请刷新后重试。"))
            status = 409
        elif form.is_valid():
            try:
                policy_update(by=request.user, form=form)
            except FormInvalid:
                pass
            else:
                messages.success(request, _("已保存。新设置只影响此后开始计时的工单。"))
                return redirect("policy_settings")
        messages.error(request, _("未保存:请更正标出的错误。"))
    history = list(selectors.policy_history())
    fields = [current._meta.get_field(name) for name in EDITABLE]
    return render(
        request,
        "policies/settings.html",
        {
            "form": form,
            "current": current,
            "history": [(v, [_shown(v, f.name) for f in fields]) for v in history],
            "fields": fields,
            "title": _("服务时限"),
        },
        status=status,
    )
