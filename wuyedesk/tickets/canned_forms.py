"""The form of a canned reply (issue #12 point 7); the rules are tickets/canned.py's."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wuyedesk.core.forms import StyledFormMixin
from wuyedesk.properties.selectors import active_departments
from wuyedesk.tickets.canned import may_edit_shared
from wuyedesk.tickets.canned_models import BODY_MAX, TITLE_MAX


class CannedReplyForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("内容"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "可用占位符:{客户}(客户姓名)、{工单号}、{期限}(工单的下一个期限,北京时间)。"
            "插入时按该工单自动填写。"
        ),
    )
    department = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("共享给部门"),
        help_text=_("留空:仅自己使用。共享的快捷回复由经理和管理员维护,部门成员均可使用。"),
    )

    def __init__(self, *args, user, reply=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Whose a reply is is chosen when it is made; only the editors of shared ones choose.
        if reply is not None or not may_edit_shared(user):
            del self.fields["department"]
        else:
            self.fields["department"].queryset = active_departments(user).order_by("code")
