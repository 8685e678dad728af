"""Work reports (AST-2): drafted from the data by the worker, the assistant's commentary per
section, submitted to the manager, approved (and sent to the executives) or returned.

A report is one per cadence, period and scope. Asking for it again while it is a draft (or
returned) drafts its figures afresh; once submitted its figures stay as they were drafted.
The periodic job (tasks.py) drafts the reports the version in force says are due
(PolicySettings.work_report_weekly / _monthly / _quarterly) for the period just ended.
"""

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from huey.contrib.djhuey import db_task

from wuyedesk.accounts.access import community_ids, in_scope
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import User
from wuyedesk.lib.messages import Msg, label
from wuyedesk.notifications.services import notify
from wuyedesk.policies.services import policy
from wuyedesk.workplans import drafting, periods, selectors
from wuyedesk.workplans.choices import (
    EDITABLE_STATES,
    SECTIONS,
    Cadence,
    ReportEventKind,
    ReportStatus,
)
from wuyedesk.workplans.models import WorkReport, WorkReportEvent
from wuyedesk.workplans.services.common import invalid, require_scope

log = logging.getLogger(__name__)
MAX_COMMENT = 5000


def _event(report, kind, by, text=""):
    return WorkReportEvent.objects.create(report=report, kind=kind, by=by, text=text)


def _lock(report) -> WorkReport:
    return WorkReport.objects.select_for_update().get(pk=report.pk)


def link(report) -> str:
    return reverse("workreport_detail", kwargs={"pk": report.pk})


def _title(report) -> Msg:
    """The report's name in the reader's language (a notification is read later)."""
    return Msg(
        gettext_noop("%(cadence)s %(start)s–%(end)s"),
        cadence=label(Cadence(report.cadence).label),
        start=report.start.isoformat(),
        end=report.end.isoformat(),
    )


def _people(post, community_id):
    users = User.objects.filter(
        is_active=True, staff__archived_at__isnull=True, staff__posts__post=post
    )
    found = []
    for user in users.distinct():
        if community_id is None or in_scope(user, community_id):
            found.append(user)
    return found


def _queue_draft(report, requested_at):
    pk, stamp = report.pk, requested_at.isoformat()
    transaction.on_commit(lambda: draft_report_task(pk, stamp))


def _start_draft(report, by):
    now = timezone.now()
    WorkReport.objects.filter(pk=report.pk).update(
        draft_requested_at=now,
        drafted_at=None,
        draft_error="",
        draft_step=0,
        draft_steps=len(drafting.STEPS),
    )
    report.refresh_from_db()
    _queue_draft(report, now)
    return report


@transaction.atomic
def report_request(*, by, cadence: str, day: dt.date, community=None) -> WorkReport:
    """Draft (or draft again) the weekly, monthly or quarterly report of the period holding
    `day`, as `by` sees the data; the worker computes it."""
    if not selectors.may_edit(by):
        raise PermissionDenied
    if cadence not in Cadence.values:
        raise invalid("cadence", _("请选择报告类型。"))
    if day is None:
        raise invalid("day", _("请选择报告期间内的日期。"), "required")
    require_scope(by, community)
    start, end = periods.bounds(periods.OF_CADENCE[cadence], day)
    if start > timezone.localdate():
        raise invalid("day", _("报告期间尚未开始。"))
    report = (
        WorkReport.objects.select_for_update()
        .filter(cadence=cadence, start=start, community=community)
        .first()
    )
    if report is not None and report.status not in EDITABLE_STATES:
        raise invalid("day", _("该期间的报告已提交,不能重新起草。"), "invalid_state")
    if report is None:
        try:
            with transaction.atomic():
                report = WorkReport.objects.create(
                    cadence=cadence, start=start, end=end, community=community, drafted_by=by
                )
        except IntegrityError:
            raise invalid("day", _("该期间的报告正在起草,请稍后刷新。"), "conflict") from None
    else:
        report.drafted_by = by
        report.save(update_fields=["drafted_by"])
    _event(report, ReportEventKind.DRAFTED, by)
    return _start_draft(report, by)


def run_draft(report_id: int, requested_at: str) -> bool:
    """The worker's part: compute the figures for the request made at `requested_at`,
    recording the progress after each section. A newer request supersedes this one."""
    report = WorkReport.objects.select_related("drafted_by").get(pk=report_id)
    if report.draft_requested_at is None or report.draft_requested_at.isoformat() != requested_at:
        return False
    current = WorkReport.objects.filter(pk=report_id, draft_requested_at=report.draft_requested_at)

    def progress(done, total):
        current.update(draft_step=done, draft_steps=total)

    try:
        figures = drafting.draft(report.drafted_by, drafting.scope_of(report), progress)
    except Exception as error:  # shown on the page; the draft can be asked for again
        log.exception("work report %s: drafting failed", report_id)
        current.update(draft_error=str(error)[:300])
        return False
    return bool(
        current.filter(status__in=EDITABLE_STATES).update(
            figures=figures, drafted_at=timezone.now()
        )
    )


@db_task(retries=1, retry_delay=30)
def draft_report_task(report_id: int, requested_at: str):
    """Draft a work report's figures (seconds over a large database: never in a request)."""
    return run_draft(report_id, requested_at)


def _clean_commentary(commentary: dict) -> dict:
    clean = {}
    for key, text in (commentary or {}).items():
        if key not in SECTIONS:
            raise invalid("commentary", _("未知的报告部分:%(key)s") % {"key": key})
        text = (text or "").strip()
        if len(text) > MAX_COMMENT:
            raise invalid(key, _("评述最多 %(n)s 字。") % {"n": MAX_COMMENT}, "max_length")
        if text:
            clean[key] = text
    return clean


def _require_editable(report):
    if report.status not in EDITABLE_STATES:
        raise ValidationError(_("报告已提交,不能再修改。"), code="invalid_state")


@transaction.atomic
def report_save(*, by, report, commentary: dict) -> WorkReport:
    """The assistant's (or manager's) commentary, one text per section; the figures stay
    computed."""
    if not selectors.may_edit(by):
        raise PermissionDenied
    report = _lock(report)
    _require_editable(report)
    report.commentary = _clean_commentary(commentary)
    report.save(update_fields=["commentary"])
    _event(report, ReportEventKind.SAVED, by)
    return report


@transaction.atomic
def report_submit(*, by, report, commentary: dict | None = None) -> WorkReport:
    if not selectors.may_edit(by):
        raise PermissionDenied
    report = _lock(report)
    _require_editable(report)
    if commentary is not None:
        report.commentary = _clean_commentary(commentary)
    if report.drafted_at is None or not report.figures:
        raise invalid("figures", _("报告的数据尚未起草完成,请稍候再提交。"), "not_ready")
    now = timezone.now()
    report.status, report.submitted_at, report.submitted_by = ReportStatus.SUBMITTED, now, by
    report.decided_at = report.decided_by = None
    report.save()
    _event(report, ReportEventKind.SUBMITTED, by)
    managers = [m for m in _people(Post.MANAGER, report.community_id) if m.pk != by.pk]
    text = Msg(gettext_noop("工作报告待您审批:%(name)s"), name=_title(report))
    transaction.on_commit(
        lambda: notify(
            users=managers,
            kind="work_report",
            text=text,
            link=link(report),
            key=f"work_report:{report.pk}:submitted:{now.isoformat()}",
            email=True,
        )
    )
    return report


def _decide(by, report, status, remarks, kind):
    if not selectors.may_approve(by):
        raise PermissionDenied
    if report.community_id and not in_scope(by, report.community_id):
        raise PermissionDenied
    if report.community_id is None and community_ids(by) is not None:
        raise PermissionDenied
    report = _lock(report)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("只有已提交的报告可以批准或退回。"), code="invalid_state")
    report.status, report.remarks = status, (remarks or "").strip()
    report.decided_at, report.decided_by = timezone.now(), by
    report.save(update_fields=["status", "remarks", "decided_at", "decided_by"])
    _event(report, kind, by, report.remarks)
    return report


@transaction.atomic
def report_approve(*, by, report, remarks: str = "") -> WorkReport:
    """Approve and send to the executives (a notification each, by mail too)."""
    report = _decide(by, report, ReportStatus.APPROVED, remarks, ReportEventKind.APPROVED)
    executives = _people(Post.EXECUTIVE, report.community_id)
    preparer = [report.submitted_by] if report.submitted_by_id else []
    text = Msg(gettext_noop("客服部工作报告:%(name)s"), name=_title(report))
    done = Msg(gettext_noop("工作报告已批准:%(name)s"), name=_title(report))
    stamp = report.decided_at.isoformat()

    def send():
        notify(
            users=executives,
            kind="work_report",
            text=text,
            link=link(report),
            key=f"work_report:{report.pk}:sent:{stamp}",
            email=True,
        )
        notify(
            users=preparer,
            kind="work_report",
            text=done,
            link=link(report),
            key=f"work_report:{report.pk}:approved:{stamp}",
        )

    transaction.on_commit(send)
    return report


@transaction.atomic
def report_return(*, by, report, remarks: str) -> WorkReport:
    if not (remarks or "").strip():
        raise invalid("remarks", _("退回时请写明修改意见。"), "required")
    report = _decide(by, report, ReportStatus.RETURNED, remarks, ReportEventKind.RETURNED)
    preparer = [report.submitted_by] if report.submitted_by_id else []
    text = Msg(gettext_noop("工作报告被退回修改:%(name)s"), name=_title(report))
    stamp = report.decided_at.isoformat()
    transaction.on_commit(
        lambda: notify(
            users=preparer,
            kind="work_report",
            text=text,
            link=link(report),
            key=f"work_report:{report.pk}:returned:{stamp}",
        )
    )
    return report


# --- the periodic drafting -------------------------------------------------------------------


def due_cadences() -> list[str]:
    """The cadences the version in force has the worker draft."""
    rules = policy()
    flags = {
        Cadence.WEEKLY: rules.work_report_weekly,
        Cadence.MONTHLY: rules.work_report_monthly,
        Cadence.QUARTERLY: rules.work_report_quarterly,
    }
    return [c.value for c, on in flags.items() if on]


def company_drafter():
    """Whose view the company's reports are drafted in: the first active manager who sees
    every community."""
    for user in _people(Post.MANAGER, None):
        if community_ids(user) is None:
            return user
    return None


def draft_due(today: dt.date | None = None) -> list[WorkReport]:
    """Draft the company's report of the period just ended for each due cadence, once
    (an existing report of that period is left as it is)."""
    today = today or timezone.localdate()
    drafter = company_drafter()
    if drafter is None:
        log.warning("work reports: no company-wide manager to draft them as")
        return []
    made = []
    for cadence in due_cadences():
        start, end = periods.previous(periods.OF_CADENCE[cadence], today)
        if WorkReport.objects.filter(cadence=cadence, start=start, community=None).exists():
            continue
        with transaction.atomic():
            try:
                with transaction.atomic():
                    report = WorkReport.objects.create(
                        cadence=cadence, start=start, end=end, community=None, drafted_by=drafter
                    )
            except IntegrityError:
                continue  # another worker made it
            _event(report, ReportEventKind.DRAFTED, None, _("按制度周期自动起草"))
            made.append(_start_draft(report, None))
    return made
