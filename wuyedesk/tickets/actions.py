"""The actions of the ticket page: who may (403 otherwise), when it is offered, which form,
which one service it calls.

`permitted` is about the person (post, community, the department of a dispatch); a wrong
person gets a 403 even when posting by hand. `offered` is about the ticket's state: the
form is shown only when the action makes sense now. A post in the wrong state still reaches
the service, whose ValidationError explains why nothing happened.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wuyedesk.tickets import action_forms as f
from wuyedesk.tickets import attachments, services
from wuyedesk.tickets.choices import DispatchPurpose, Kind, Severity, Status

# Who may is the services' rule (tickets/services): the page asks it to offer a form and to
# refuse a post with 403 before reading it; the service asks it again as it acts.
desk = services.is_desk
manager = services.is_manager


def anyone(user, ticket) -> bool:
    """Whoever sees the ticket (the view already fetched it through the scoped selector)."""
    return True


def workable_dispatches(user, ticket, purpose) -> list:
    return [
        d
        for d in ticket.rows("dispatches")
        if d.purpose == purpose and d.is_open and services.may_work_dispatch(user, d)
    ]


def _is_open(t) -> bool:
    return t.status != Status.CLOSED


def _complaint_open(t) -> bool:
    return _is_open(t) and t.kind == Kind.COMPLAINT


SAVED = _("已保存。")


@dataclass(frozen=True)
class Action:
    slug: str
    label: Any
    form: type
    run: Callable
    permitted: Callable = desk
    offered: Callable = _is_open
    # Additive actions (a comment, a file) cannot lose anybody's update: no version check.
    versioned: bool = True
    done: Any = SAVED
    # What will happen, asked before sending (with %(number)s): the page's confirmation.
    confirm: Any = None
    form_kwargs: Callable = field(default=lambda user, ticket: {})


def _run_transfer(user, t, form, version):
    d = form.cleaned_data
    services.ticket_transfer(
        by=user,
        ticket=t,
        department=d["department"],
        assignee=d.get("assignee"),
        note=d["note"],
        version=version,
    )


def _run_reply(user, t, form, version):
    d = form.cleaned_data
    services.dispatch_reply(by=user, dispatch=d["dispatch"], text=d["text"], version=version)


def _run_follow_up(user, t, form, version):
    d = form.cleaned_data
    services.ticket_follow_up(
        by=user, ticket=t, channel=d["channel"], text=d["text"], version=version
    )


def _run_escalate(user, t, form, version):
    d = form.cleaned_data
    services.ticket_escalate(by=user, ticket=t, reason=d["reason"], version=version)


def _run_investigate(user, t, form, version):
    d = form.cleaned_data
    services.ticket_investigate(
        by=user, ticket=t, departments=list(d["departments"]), note=d["note"], version=version
    )


def _run_decide(user, t, form, version):
    d = form.cleaned_data
    services.ticket_decide(
        by=user, ticket=t, decision=d["decision"], measures=form.measure_dicts(), version=version
    )


def _run_feedback(user, t, form, version):
    d = form.cleaned_data
    services.ticket_feedback(
        by=user, ticket=t, channel=d["channel"], text=d["text"], version=version
    )


def _run_return_visit(user, t, form, version):
    d = form.cleaned_data
    services.ticket_return_visit(
        by=user,
        ticket=t,
        channel=d["channel"],
        reached=d["reached"],
        satisfaction=d["satisfaction"],
        words=d["words"],
        version=version,
    )


def _run_reopen(user, t, form, version):
    d = form.cleaned_data
    services.ticket_reopen(by=user, ticket=t, reason=d["reason"], version=version)


def _run_close(user, t, form, version):
    d = form.cleaned_data
    services.ticket_close(by=user, ticket=t, note=d["note"], version=version)


def _run_comment(user, t, form, version):
    d = form.cleaned_data
    services.ticket_comment(by=user, ticket=t, text=d["text"])


def _run_message(user, t, form, version):
    d = form.cleaned_data
    services.ticket_comment(by=user, ticket=t, text=d["text"], public=True, channel=d["channel"])


def _run_assign(user, t, form, version):
    d = form.cleaned_data
    services.ticket_assign(by=user, ticket=t, owner=d["owner"], version=version)


def _run_merge(user, t, form, version):
    d = form.cleaned_data
    services.ticket_merge(by=user, ticket=t, into=d["into"], reason=d["reason"], version=version)


def _run_link(user, t, form, version):
    d = form.cleaned_data
    services.ticket_link(by=user, ticket=t, other=d["other"], remove=d["remove"])


def _run_incident(user, t, form, version):
    d = form.cleaned_data
    services.incident_link(by=user, incident=d["incident"], ticket=t)


def _run_acknowledge(user, t, form, version):
    services.ticket_acknowledge(by=user, ticket=t)


def _run_receipt(user, t, form, version):
    d = form.cleaned_data
    services.ticket_acknowledge_receipt(by=user, ticket=t, method=d["method"], note=d["note"])


def _run_measure(user, t, form, version):
    d = form.cleaned_data
    op = d["op"]
    if op == "done" and d["measure"].done_at is not None:
        raise ValidationError(_("该措施已标记完成。"), code="invalid_state")
    services.measure_mark(by=user, measure=d["measure"], done=op == "done", verified=op == "verify")


def _run_attach(user, t, form, version):
    d = form.cleaned_data
    attachments.attachment_add(by=user, ticket=t, upload=d["file"], public=d["public"])


def _transfer_replies(user, t):
    return {"dispatches": workable_dispatches(user, t, DispatchPurpose.TRANSFER)}


def _investigation_replies(user, t):
    return {"dispatches": workable_dispatches(user, t, DispatchPurpose.INVESTIGATION)}


def _department_of_dispatch(purpose):
    return lambda user, t: services.may_answer_dispatches(user, t, purpose)


def _has_workable(purpose):
    return lambda t: any(d.purpose == purpose and d.is_open for d in t.rows("dispatches"))


def _escalation_offered(t):
    # An inquiry has no investigation to end its clock: only complaints go to the manager, and
    # only once by hand (an unhappy return visit reports it again by itself).
    return _complaint_open(t) and t.reported_at is None


def _decision_offered(t):
    return _complaint_open(t) and t.decided_at is None


def _feedback_offered(t):
    if not _is_open(t) or t.feedback_at is not None:
        return False
    if t.kind == Kind.COMPLAINT:
        return t.decided_at is not None
    return t.kind == Kind.REPAIR


def _return_visit_offered(t):
    return _is_open(t) and t.feedback_at is not None and t.return_visit_at is None


def _reopen_offered(t):
    return t.status in (Status.CLOSED, Status.RESOLVED)


def _acknowledge_offered(t):
    return t.severity != Severity.NORMAL and t.manager_acknowledged_at is None


def _measures_offered(t):
    return _is_open(t)


def _measure_worker(user, ticket) -> bool:
    """Customer service, or the department responsible for one of its measures (CMP-3)."""
    return desk(user, ticket) or any(
        services.may_mark_measure_done(user, m) for m in ticket.rows("measures")
    )


ACTIONS: dict[str, Action] = {
    a.slug: a
    for a in [
        Action(
            "transfer",
            _("转部门"),
            f.TransferForm,
            _run_transfer,
            done=_("已转部门。"),
            confirm=_("将工单 %(number)s 转交所选部门,并通知该部门人员?"),
        ),
        Action(
            "reply",
            _("部门回复"),
            f.ReplyForm,
            _run_reply,
            permitted=_department_of_dispatch(DispatchPurpose.TRANSFER),
            offered=_has_workable(DispatchPurpose.TRANSFER),
            form_kwargs=_transfer_replies,
            done=_("已记录部门回复。"),
        ),
        Action(
            "findings",
            _("记录调查结果"),
            f.FindingsForm,
            _run_reply,
            permitted=_department_of_dispatch(DispatchPurpose.INVESTIGATION),
            offered=_has_workable(DispatchPurpose.INVESTIGATION),
            form_kwargs=_investigation_replies,
            done=_("已记录调查结果。"),
        ),
        Action(
            "follow_up",
            _("跟进客户"),
            f.FollowUpForm,
            _run_follow_up,
            done=_("已记录跟进。"),
        ),
        Action(
            "escalate",
            _("上报经理"),
            f.EscalateForm,
            _run_escalate,
            offered=_escalation_offered,
            done=_("已上报经理。"),
        ),
        Action(
            "investigate",
            _("安排调查"),
            f.InvestigateForm,
            _run_investigate,
            permitted=manager,
            offered=_decision_offered,
            done=_("已安排调查。"),
        ),
        Action(
            "decide",
            _("处理决定与整改措施"),
            f.DecideForm,
            _run_decide,
            permitted=manager,
            offered=_decision_offered,
            done=_("已记录处理决定。"),
            confirm=_("记录工单 %(number)s 的处理决定,并通知负责人?"),
        ),
        Action(
            "feedback",
            _("反馈处理结果"),
            f.FeedbackForm,
            _run_feedback,
            offered=_feedback_offered,
            done=_("已记录反馈。"),
            confirm=_("把处理结果发给工单 %(number)s 的业主,并开始回访时限?"),
        ),
        Action(
            "return_visit",
            _("回访"),
            f.ReturnVisitForm,
            _run_return_visit,
            offered=_return_visit_offered,
            done=_("已记录回访。"),
        ),
        Action(
            "reopen",
            _("重新打开"),
            f.ReopenForm,
            _run_reopen,
            offered=_reopen_offered,
            done=_("工单已重新打开。"),
            confirm=_("重新打开工单 %(number)s?时限将重新计算。"),
        ),
        Action(
            "close",
            _("关闭工单"),
            f.CloseForm,
            _run_close,
            done=_("工单已关闭。"),
            confirm=_("关闭工单 %(number)s?时限停止,业主在业主服务中看到“已完成”。"),
        ),
        Action(
            "comment",
            _("内部备注"),
            f.CommentForm,
            _run_comment,
            permitted=anyone,
            offered=lambda t: True,
            versioned=False,
            done=_("已添加备注。"),
        ),
        Action(
            "message",
            _("给客户的消息"),
            f.MessageForm,
            _run_message,
            offered=lambda t: True,
            versioned=False,
            done=_("已记录给客户的消息。"),
            confirm=_("把这条消息发给工单 %(number)s 的业主?"),
        ),
        Action("assign", _("指派负责人"), f.AssignForm, _run_assign, done=_("已指派。")),
        Action(
            "merge",
            _("合并到其他工单"),
            f.MergeForm,
            _run_merge,
            done=_("已合并。"),
            confirm=_("把工单 %(number)s 合并到所填工单并关闭它?"),
        ),
        Action(
            "link",
            _("关联相关工单"),
            f.LinkForm,
            _run_link,
            offered=lambda t: True,
            versioned=False,
            done=_("已更新关联。"),
        ),
        Action(
            "incident",
            _("关联事件"),
            f.IncidentLinkForm,
            _run_incident,
            done=_("已关联事件。"),
        ),
        Action(
            "acknowledge",
            _("确认知悉"),
            f.AcknowledgeForm,
            _run_acknowledge,
            permitted=manager,
            offered=_acknowledge_offered,
            versioned=False,
            done=_("已确认。"),
        ),
        Action(
            "receipt",
            _("告知受理"),
            f.ReceiptForm,
            _run_receipt,
            versioned=False,
            done=_("已记录告知受理。"),
        ),
        Action(
            "measure",
            _("整改措施"),
            f.MeasureMarkForm,
            _run_measure,
            permitted=_measure_worker,
            offered=_measures_offered,
            versioned=False,
            done=_("已更新整改措施。"),
        ),
        Action(
            "attach",
            _("上传附件"),
            f.AttachmentForm,
            _run_attach,
            permitted=anyone,
            offered=lambda t: True,
            versioned=False,
            done=_("已上传附件。"),
        ),
    ]
}


@dataclass(frozen=True)
class Lead:
    """What the ticket page leads with for this person (issue #12 point 3).

    `primary` is the slug of the one action to take now, or "" when the next step is
    somebody else's (or the ticket is closed); `steps` are the ticket's pending steps
    (services.pending_steps) as (step, the action this person may take for it or "");
    `waiting` the steps before the primary one that others must take."""

    primary: str
    steps: list
    waiting: list


def may_take(user, ticket, slug: str) -> bool:
    """The page's rule for showing an action: the person may, and the state offers it."""
    action = ACTIONS[slug]
    return action.permitted(user, ticket) and action.offered(ticket)


def _taker(user, ticket, step) -> str:
    """The action by which this person takes `step` now, or "" when it is not their turn."""
    if step.department and not services.is_dispatch_department(user, ticket, step.department):
        return ""
    return next((a for a in step.actions if may_take(user, ticket, a)), "")


def others_step(user, ticket, step) -> bool:
    """Whether `step` is another post's (or department's) to take, rather than this
    person's later on (a return visit before the feedback is theirs, just not yet)."""
    if step.department and not services.is_dispatch_department(user, ticket, step.department):
        return True
    return not any(ACTIONS[a].permitted(user, ticket) for a in step.actions)


def lead(user, ticket) -> Lead:
    """The primary action comes from the services' rules, not a second copy: the first
    pending step (services.pending_steps) this person may take now, or closing once nothing
    blocks it (services.close_blockers reads the same steps)."""
    steps = [(step, _taker(user, ticket, step)) for step in services.pending_steps(ticket)]
    waiting = []
    for step, mine in steps:
        if mine:
            return Lead(mine, steps, waiting)
        waiting.append(step)
        if step.waits:
            return Lead("", steps, waiting)
    closable = ticket.status != Status.CLOSED and not any(s.blocks_close for s, _a in steps)
    return Lead("close" if closable and may_take(user, ticket, "close") else "", steps, waiting)


def build_form(action: Action, user, ticket, data=None, files=None, **kwargs):
    extra = action.form_kwargs(user, ticket)
    # Many forms share a page: ids are prefixed by the action so labels find their field.
    kwargs.setdefault("auto_id", f"{action.slug}-%s")
    return action.form(data, files, user=user, ticket=ticket, **extra, **kwargs)
