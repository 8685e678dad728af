"""Each post's home page: what that person needs first thing in the morning (issue #12).

Every number on a home is a link to the list behind it, and is counted by the same selector
that list uses, narrowed by the same filters: a ticket number is `tickets.selectors.
ticket_counts` of a queue and the queue page's filters (`?queue=overdue&kind=complaint`,
`?due=soon`, `?attention=unacknowledged`, …), a sign-up, mail, improvement item or report
number the count of its own list's selector. Each home costs a fixed number of queries,
whatever the number of rows (tests in web/tests/test_homes.py).
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import posts_of, scope_key, staff_of
from wuyedesk.accounts.choices import Post
from wuyedesk.appraisal.selectors import VERSION as APPRAISAL_VERSION
from wuyedesk.archive import selectors as archive
from wuyedesk.core import reference, versions
from wuyedesk.core.jinja2 import form_tokens
from wuyedesk.core.jobs import stale_job_count
from wuyedesk.dataquality import selectors as dataquality
from wuyedesk.dataquality.choices import Problem
from wuyedesk.improvements import selectors as improvements
from wuyedesk.improvements.choices import ItemStatus, Source
from wuyedesk.lib.links import url
from wuyedesk.mailbox.choices import VERSION as MAIL_VERSION
from wuyedesk.mailbox.selectors import mail_queue
from wuyedesk.meetings import selectors as meetings
from wuyedesk.policies.homes import home_block as policy_home
from wuyedesk.properties import selectors
from wuyedesk.recruitment import selectors as recruitment
from wuyedesk.reports import survey_reports
from wuyedesk.rewards.homes import home_figures as reward_figures
from wuyedesk.rewards.selectors import VERSION as REWARDS_VERSION
from wuyedesk.supervision import selectors as supervision
from wuyedesk.supervision.access import VERSION as SUPERVISION_VERSION
from wuyedesk.surveys import selectors as surveys
from wuyedesk.tickets import rows as ticket_rows
from wuyedesk.tickets import selectors as tickets
from wuyedesk.tickets.assignments.selectors import VERSION as TASKS_VERSION
from wuyedesk.tickets.choices import Channel, Kind
from wuyedesk.training import homes as training
from wuyedesk.training.selectors import VERSION as TRAINING_VERSION
from wuyedesk.web import attendance_home, home_appraisal, home_quality
from wuyedesk.workplans import homes as workplans
from wuyedesk.workplans.selectors import (
    PLANS_VERSION,
    REPORTS_VERSION,
    filter_reports,
    reports_visible_to,
)

# A person with several posts lands on the home of the first one here.
HOME_ORDER = [
    Post.ADMIN,
    Post.MANAGER,
    Post.EXECUTIVE,
    Post.SUPERVISOR,
    Post.ASSISTANT,
    Post.SPECIALIST,
    Post.DEPARTMENT,
]
# The rows of the department's open work the department worker's home lists.
DEPARTMENT_ROWS = 10
DEPARTMENT_COLUMNS = (*ticket_rows.PAGE_COLUMNS, "description")
# The unread internal notices a home lists (the figure counts them all).
NOTICE_ROWS = 5


# The period figures (this week against last, the quality figures, the communities with the
# most complaints) read weeks of tickets: seconds at 1,000,000 tickets. They are kept in the
# cache until anything happens to a ticket (tickets.selectors.data_version) and at most
# KEEP_SECONDS, for what moves with the clock alone (bench/README.md, issue #12 Speed).
KEEP_SECONDS = 300
# The small figures every home shows from the other apps (meetings and notices, training,
# appraisals, rewards) are kept until those apps' data change (their VERSION, bumped by every
# write) and at most FIGURE_SECONDS, for what moves with the clock alone (a meeting starting,
# a dispute window closing). Together they were half of a home's queries (bench/README.md).
FIGURE_SECONDS = 60


_TICKET_VERSION = "_wuyedesk_home_ticket_version"


def _ticket_version(user) -> tuple:
    """The ticket data version, read once for a home (a home writes nothing) and kept on the
    request's user, as posts_of keeps the posts: a home asked for it four times, and on
    PostgreSQL each query costs the client about 0.3 ms whatever it reads (issue #12)."""
    found = getattr(user, _TICKET_VERSION, None)
    if found is None:
        found = tickets.data_version()
        setattr(user, _TICKET_VERSION, found)
    return found


def _kept(
    user,
    name: str,
    build,
    *versions_of: str,
    of_tickets=True,
    of_reference=False,
    seconds=KEEP_SECONDS,
):
    """`build()`, kept per person, scope, language and day, under the current versions of
    `versions_of` (core/versions.py), and `of_tickets`, the ticket data version, and
    `of_reference`, the reference data's (core/reference.py: whose department and
    communities a scope reaches)."""
    found = [
        *(_ticket_version(user) if of_tickets else ()),
        *map(versions.current, versions_of),
        *((reference.version(),) if of_reference else ()),
    ]
    version = "-".join(map(str, found))
    parts = f"{scope_key(user)}:{get_language()}:{timezone.localdate()}"
    key = f"wuyedesk:home:{name}:{version}:{hashlib.sha256(parts.encode()).hexdigest()[:32]}"
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, seconds)
    return found


def _counted(user, name: str, build, *versions_of: str):
    """A home's count of another app's list (improvement items, the supervision group's
    work, tasks, reports, sign-ups, archive documents, mail, survey calls and progress),
    kept as the everyday figures are: until that app's data (`versions_of`) or the
    reference data (the scope) change, and at most FIGURE_SECONDS, for what moves with the
    clock alone (an item becoming overdue).
    Each was a query of 0.5-1 ms, most of it the ORM's compile of the list's scope (issue
    #12 Speed). `build` is the whole count (a lambda), called only when it is not kept: a
    queryset's bound `.count` had its filters built at every view (0.1-0.3 ms each)."""
    return _kept(
        user, name, build, *versions_of, of_tickets=False, of_reference=True, seconds=FIGURE_SECONDS
    )


@dataclass
class Figure:
    """One number of a home and the list it opens."""

    key: str
    label: str
    n: int
    url: str
    alert: bool = False  # a number that is a problem when it is not 0 (shown red)
    before: int | None = None  # the previous period's number, when the home compares
    before_url: str = ""

    @property
    def change(self) -> int | None:
        return None if self.before is None else self.n - self.before


def primary_post(user) -> Post:
    posts = posts_of(user)
    return next(post for post in HOME_ORDER if post.value in posts)


def render_home(request):
    """The post's home: its content drawn by Jinja2 (jinja2/web/home_<post>.html), placed
    in the Django page (web/home.html), as the ticket page's is."""
    user = request.user
    post = primary_post(user)
    tokens = form_tokens(request)
    context = {"post": post, "staff": staff_of(user), **tokens}
    builder = BUILDERS.get(post)
    if builder is not None:
        context.update(builder(user))
    context.update(everyday(user))
    context["policy"] = policy_home(user)
    body = render_to_string(f"web/home_{post.value}.html", context, using="jinja2")
    # An autoescaping template's output.
    body = mark_safe(body)  # noqa: S308
    return render(request, "web/home.html", {"title": post.label, "body": body, **tokens})


# --- links ---------------------------------------------------------------------------------


def queue_url(queue: str, **filters) -> str:
    """The queue page showing exactly the rows `tickets.ticket_counts` counts for these."""
    params = {"queue": queue}
    for name, value in filters.items():
        params[name] = value.isoformat() if isinstance(value, dt.date) else value
    return f"{url('ticket_queue')}?{urlencode(params)}"


def dq_url(kind: str) -> str:
    return url("dataquality_kind", args=[kind])


def _ticket_figures(user, specs: list[tuple]) -> list[Figure]:
    """Figures of (key, label, queue, filters, alert), counted in one query."""
    counts = tickets.ticket_counts(
        user,
        {key: {"queue": queue, **filters} for key, _label, queue, filters, _a in specs},
        version=_ticket_version(user),
    )
    return [
        Figure(key, str(label), counts[key], queue_url(queue, **filters), alert)
        for key, label, queue, filters, alert in specs
    ]


KIND_OVERDUE = {
    Kind.INQUIRY: gettext_lazy("超时咨询"),
    Kind.COMPLAINT: gettext_lazy("超时投诉"),
    Kind.REPAIR: gettext_lazy("超时报修"),
    Kind.SUGGESTION: gettext_lazy("超时建议"),
}
KIND_NEW = {
    "": gettext_lazy("新登记工单"),
    Kind.COMPLAINT: gettext_lazy("其中投诉"),
    Kind.REPAIR: gettext_lazy("其中报修"),
}


def _soon_label() -> str:
    minutes = tickets.reminder_minutes()
    if minutes % 60 == 0:
        return _("%(n)s 小时内到期") % {"n": minutes // 60}
    return _("%(n)s 分钟内到期") % {"n": minutes}


# --- the homes -----------------------------------------------------------------------------


def everyday(user) -> dict:
    """What every home shows after its post's work: the meetings and notices, attendance,
    training, appraisal and rewards figures, each kept under its app's version."""

    def kept(name, build, version):
        return _kept(user, name, build, version, of_tickets=False, seconds=FIGURE_SECONDS)

    return {
        **kept("daily", lambda: daily_affairs(user), meetings.VERSION),
        "attendance": [Figure(*spec) for spec in attendance_home.figures(user)],  # MGT-1
        # MGT-5, after the work
        "training": kept(
            "training", lambda: [Figure(**f) for f in training.figures(user)], TRAINING_VERSION
        ),
        "appraisal": kept("appraisal", lambda: _appraisal(user), APPRAISAL_VERSION),
        "rewards": kept(
            "rewards", lambda: [Figure(**f) for f in reward_figures(user)], REWARDS_VERSION
        ),
    }


def daily_affairs(user) -> dict:
    """On every home (#15, AST-5, SUP-3): my open meeting action items, the notices I have not
    read (listed until read), minutes waiting for the assistant or the manager, the next
    meeting."""
    actions = url("meetings:action_list")
    meeting_list = url("meetings:meeting_list")
    daily = [
        Figure(
            "my_actions",
            _("我的会议行动项(未完成)"),
            meetings.open_actions_of(user).count(),
            f"{actions}?mine=1",
        )
    ]
    waiting = meetings.minutes_waiting(user)
    if "to_draft" in waiting:
        daily.append(
            Figure(
                "minutes_to_draft",
                _("待编写的会议纪要"),
                waiting["to_draft"],
                f"{meeting_list}?minutes=to_draft",
            )
        )
    if "submitted" in waiting:
        daily.append(
            Figure(
                "minutes_to_approve",
                _("待审批的会议纪要"),
                waiting["submitted"],
                f"{meeting_list}?minutes=submitted",
                alert=True,
            )
        )
    unread = meetings.unread_notices_of(user).order_by("-created_at", "-id")
    daily.append(
        Figure(
            "unread_notices",
            _("未读内部通知"),
            unread.count(),
            f"{url('meetings:notice_list')}?unread=1",
            alert=True,
        )
    )
    return {
        "daily": daily,
        "unread_notices": list(unread[:NOTICE_ROWS]),
        "next_meeting": meetings.next_meeting(user),
    }


def manager_home(user) -> dict:
    attention = _ticket_figures(
        user,
        [
            (
                "unacknowledged",
                gettext_lazy("待确认的重大投诉/突发事件"),
                "team",
                {"attention": "unacknowledged"},
                True,
            ),
            (
                "investigation_late",
                gettext_lazy("调查处理超时"),
                "team",
                {"attention": "investigation_late"},
                True,
            ),
            # CMP-1 (#14): open tickets recorded late after the contact, in the same count.
            (
                "recorded_late",
                gettext_lazy("迟登记(未结)"),
                "team",
                {"attention": "recorded_late"},
                True,
            ),
        ],
    )
    measures = _counted(
        user,
        "measures-to-verify",
        lambda: improvements.filter_items(
            improvements.items_visible_to(user), status=ItemStatus.DONE, source=Source.COMPLAINT
        ).count(),
        improvements.VERSION,
    )
    query = urlencode({"status": ItemStatus.DONE.value, "source": Source.COMPLAINT.value})
    attention.append(
        Figure(
            "measures_to_verify",
            _("待验证的整改措施"),
            measures,
            f"{url('improvement_list')}?{query}",
        )
    )
    attention.append(
        Figure(
            "reports_to_approve",
            _("待审批的季度报告"),
            _counted(
                user,
                "reports-submitted",
                lambda: survey_reports.campaigns_with_report(user, "submitted").count(),
                survey_reports.VERSION,
            ),
            f"{url('survey_analysis_list')}?report=submitted",
        )
    )
    attention.append(
        Figure(
            "work_reports_to_approve",
            _("待审批的工作报告"),
            _counted(
                user,
                "work-reports-submitted",
                lambda: filter_reports(reports_visible_to(user), status="submitted").count(),
                REPORTS_VERSION,
            ),
            f"{url('workreport_list')}?status=submitted",
        )
    )
    deadlines = _ticket_figures(
        user,
        [
            *(
                (f"overdue_{kind.value}", label, "overdue", {"kind": kind.value}, True)
                for kind, label in KIND_OVERDUE.items()
            ),
            ("due_today", gettext_lazy("今天到期"), "team", {"due": "today"}, False),
        ],
    )
    return {
        "attention": attention,
        "deadlines": deadlines,
        "weeks": _kept(user, "weeks", lambda: _weeks(user)),
        # MGR-1: each links to its plan; actuals over the plan's period, kept as the weeks.
        "targets": _targets(user),
        "recruitment": _kept(  # MGR-2
            user,
            "recruitment",
            # The labels as text in the reader's language (the key's): a lazy one is kept as
            # a proxy whose every unpickling builds a class (0.2 ms of the manager's home).
            lambda: [
                Figure(key, str(label), n, url)
                for key, label, n, url in recruitment.home_figures(user)
            ],
            recruitment.VERSION,
            of_tickets=False,
            seconds=FIGURE_SECONDS,
        ),
    }


def _weeks(user) -> list[Figure]:
    """This week's new tickets (Monday to today) against the same days of last week (Monday
    to the same weekday), so that a Tuesday does not compare two days with seven."""
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    last_monday, last_sunday = monday - dt.timedelta(days=7), today - dt.timedelta(days=7)
    specs = {}
    for kind in KIND_NEW:
        extra = {"kind": kind} if kind else {}
        specs[f"now_{kind}"] = {"queue": "all", "date_from": monday, "date_to": today, **extra}
        specs[f"before_{kind}"] = {
            "queue": "all",
            "date_from": last_monday,
            "date_to": last_sunday,
            **extra,
        }
    counts = tickets.ticket_counts(user, specs, version=_ticket_version(user))
    figures = []
    for kind, label in KIND_NEW.items():
        spec = dict(specs[f"now_{kind}"])
        figure = Figure(f"week_{kind or 'all'}", str(label), counts[f"now_{kind}"], "")
        figure.url = queue_url(spec.pop("queue"), **spec)
        before = dict(specs[f"before_{kind}"])
        figure.before = counts[f"before_{kind}"]
        figure.before_url = queue_url(before.pop("queue"), **before)
        figures.append(figure)
    return figures


def specialist_home(user) -> dict:
    mine = _ticket_figures(
        user,
        [
            ("my_overdue", gettext_lazy("我的超时工单"), "mine", {"due": "overdue"}, True),
            ("my_soon", _soon_label(), "mine", {"due": "soon"}, True),
            (
                "visits_today",
                gettext_lazy("今天待回访"),
                "return_visits",
                {"due": "today"},
                False,
            ),
            (
                "unassigned_portal",
                gettext_lazy("未分配的业主平台工单"),
                "unassigned",
                {"channel": Channel.PORTAL.value},
                False,
            ),
            (
                "unassigned_email",
                gettext_lazy("未分配的邮件工单"),
                "unassigned",
                {"channel": Channel.EMAIL.value},
                False,
            ),
        ],
    )
    mine.insert(
        2,
        Figure(
            "my_tasks",
            _("交办给我的任务"),
            _counted(user, "my-tasks", lambda: tickets.open_tasks_of(user).count(), TASKS_VERSION),
            f"{url('ticket_queue')}?queue=mine#my-tasks",
        ),
    )
    mine.append(_my_items(user))
    return {"figures": mine, "calls": _call_lists(user)}


def _my_items(user) -> Figure:
    """My open improvement items (rectifications of inspections among them)."""

    def count() -> int:  # the list's scope is compiled only when the count is not kept
        items = improvements.items_visible_to(user)
        return improvements.filter_items(items, owner=user.pk, active=True).count()

    return Figure(
        "my_items",
        _("我负责的改进事项(未完成)"),
        _counted(user, "my-items", count, improvements.VERSION),
        f"{url('improvement_list')}?mine=on&active=on",
    )


def supervisor_home(user) -> dict:
    """The quality figures, and the group's work: inspections due this period, open
    calibrations, rectifications overdue (supervision.selectors.home_counts)."""
    counts = _counted(
        user,
        "supervision",
        lambda: supervision.home_counts(user),
        SUPERVISION_VERSION,
        improvements.VERSION,
    )
    links = supervision.home_links()
    work = [
        Figure("inspections_due", _("本期待检查"), counts["due"], links["due"]),
        Figure(
            "calibrations_open", _("进行中的校准"), counts["calibrations"], links["calibrations"]
        ),
        Figure(
            "rectifications_overdue", _("逾期整改"), counts["overdue"], links["overdue"], alert=True
        ),
    ]
    return {**quality_home(user), "supervision": work}


def _call_lists(user) -> list[Figure]:
    """My open survey calls, per running campaign: each opens that campaign's call list."""
    return [
        Figure(
            f"calls_{row['campaign_id']}",
            row["campaign__name"],
            row["n"],
            url("surveys:call_list", args=[row["campaign_id"]]),
        )
        for row in _counted(
            user, "calls", lambda: surveys.open_calls_by_campaign(user), surveys.VERSION
        )
    ]


def assistant_home(user) -> dict:
    from wuyedesk.channels.selectors import SIGNUPS_VERSION, pending_signups

    # channels is a sibling of surveys and mailbox; the shell imports all of them, each
    # where it is used, so this module reads as the list of what each home needs.
    figures = [
        Figure(
            "signups",
            _("待审核的注册"),
            _counted(user, "signups", lambda: pending_signups(user).count(), SIGNUPS_VERSION),
            url("portal:signup_queue"),
            alert=True,
        ),
        Figure(
            "mail_unknown",
            _("待匹配住户的邮件"),
            _counted(
                user, "mail-unknown", lambda: mail_queue(user, "unknown").count(), MAIL_VERSION
            ),
            f"{url('mail_queue')}?queue=unknown",
            alert=True,
        ),
        Figure(
            "report_drafts",
            _("编写中的季度报告"),
            _counted(
                user,
                "report-drafts",
                lambda: survey_reports.campaigns_with_report(user, "drafts").count(),
                survey_reports.VERSION,
            ),
            f"{url('survey_analysis_list')}?report=drafts",
        ),
    ]
    figures.append(
        Figure(
            "archive_due",
            _("待销毁的客户档案"),
            _counted(
                user,
                "archive-due",
                lambda: archive.due_count(user),
                archive.VERSION,
                selectors.RECORDS_VERSION,
            ),
            url("archive_due"),
            alert=True,
        )
    )
    return {
        "figures": figures,
        "data_problems": _data_problems(user),
        "data_trend": _kept(
            user,
            "data-trend",
            lambda: _trend_rows(user),
            dataquality.DATA_QUALITY,
            of_tickets=False,
            seconds=dataquality.KEEP_SECONDS,
        ),
        "campaigns": _counted(
            user, "campaigns", lambda: surveys.open_campaign_progress(user), surveys.VERSION
        ),
        "overview": _overview(user),
    }


def _drawn(user, name: str, template: str, build, *versions_of: str, **kept) -> str:
    """The fragment `template` drawn with `build()`'s context, kept (`_kept`) as drawn: a
    table of a home is drawn again only when what it shows changes (issue #12)."""
    return _kept(user, name, lambda: render_to_string(template, build()), *versions_of, **kept)


def _overview(user) -> str:
    """The table of the user's communities (rooms, occupied, residents). Its three grouped
    counts read every room, resident and household (5 ms at 200,000 residents) and drawing
    its rows took 1.4 ms of the assistant's home; kept until the records change."""
    return _drawn(
        user,
        "overview-html",
        "web/_overview.html",
        lambda: {"overview": selectors.community_overview(user)},
        selectors.RECORDS_VERSION,
        of_tickets=False,
        seconds=dataquality.KEEP_SECONDS,
    )


def _targets(user) -> str:
    """The targets of the plans in force with their actual figures (MGR-1); drawing them
    took 0.9 ms of the manager's home. Kept until a ticket or a plan changes."""
    return _drawn(
        user,
        "targets-html",
        "workplans/_home_targets.html",
        lambda: {"targets": workplans.current_targets(user)},
        PLANS_VERSION,
    )


def _trend_rows(user) -> list[tuple[str, list[dict]]]:
    """(label, daily points) of each kind of data problem, in the worklist's order: the
    snapshots change once a day (dataquality.services.snapshot_take bumps DATA_QUALITY)."""
    points = dataquality.trend(user)
    return [(str(kind.label), points.get(kind.value, [])) for kind in Problem]


def _data_problems(user) -> list[Figure]:
    """Each kind of the data-quality worklist (AST-3): its count, opening its list."""
    counts = dataquality.kept_problem_counts(user, version=_ticket_version(user))
    return [
        Figure(
            f"dq_{kind.value}", str(kind.label), counts[kind.value], dq_url(kind.value), alert=True
        )
        for kind in Problem
    ]


def department_home(user) -> dict:
    department, served = _department_of(staff_of(user))
    figures = _ticket_figures(
        user,
        [
            ("department_open", gettext_lazy("部门待办工单"), "department", {}, False),
            (
                "department_overdue",
                gettext_lazy("其中已超时"),
                "department",
                {"due": "overdue"},
                True,
            ),
            (
                "department_soon",
                _soon_label(),
                "department",
                {"due": "soon"},
                True,
            ),
        ],
    )
    figures.append(_my_items(user))
    # The ids first, then their columns by the queue page's own statement (tickets/rows.py):
    # the queue's nine joins compiled by the ORM took 2 ms of the home, even for none. The
    # ids are kept under the ticket data's version (the queue's compile was a tenth of the
    # home); the rows are read at each view, so their time left follows the clock.
    ids = _kept(
        user,
        "department-ids",
        lambda: list(
            tickets.queue(user, "department").values_list("id", flat=True)[:DEPARTMENT_ROWS]
        ),
        seconds=FIGURE_SECONDS,
    )
    rows = ticket_rows.page_rows(ticket_rows.by_ids(ids, DEPARTMENT_COLUMNS))
    return {
        "department": department,
        "department_line": _("所属部门:%(name)s") % {"name": department.name} if department else "",
        "figures": figures,
        "rows": rows,
        "served": served,
    }


def _department_of(staff) -> tuple:
    """(the worker's department, the communities it serves), held by each process until the
    reference data changes (core/reference.py), as the worker's scope is: two queries a
    home fewer."""
    if staff is None or staff.department_id is None:
        return None, ()

    def build():
        department = staff.department
        return department, tuple(department.communities.all())

    return reference.memo(("home-department", staff.department_id), build)


def quality_home(user) -> dict:
    """The supervisor's and the executive's: the figures of their scope over the last
    web/home_quality.py DAYS days beside the DAYS before, and the communities with the most
    complaints (kept, `_kept`). Each figure opens the dashboard's list of the tickets behind
    it. "Overdue now" is counted at each request."""
    overdue = tickets.ticket_counts(
        user, {"overdue": {"queue": "overdue"}}, version=_ticket_version(user)
    )["overdue"]
    quality = _kept(user, "quality", lambda: home_quality.period(user))
    period, days = quality["period"], quality["quality_days"]
    return {
        **quality,
        "quality_period": _("%(start)s 至 %(end)s(近 %(days)s 天),与之前 %(days)s 天相比")
        % {"start": period.start.isoformat(), "end": period.end.isoformat(), "days": days},
        "overdue_now": Figure("overdue_now", _("当前超时"), overdue, queue_url("overdue")),
        # MGR-1 (executives; [] for supervisors)
        "targets": _targets(user),
    }


def admin_home(user) -> dict:
    stale = stale_job_count()
    return {
        "stale_jobs": stale,
        "stale_line": ngettext("%(count)s 个未按时完成", "%(count)s 个未按时完成", stale)
        % {"count": stale},
        "overview": _overview(user),
    }


def _appraisal(user) -> list[Figure]:
    return [Figure(*figure) for figure in home_appraisal.figures(user)]


def home_numbers(user) -> tuple[Post, list[dict]]:
    """The person's post and every number of their home as {key, label, n, url}: the same
    keys, numbers and links as the page's `data-figure` links (GET /api/v1/home)."""
    post = primary_post(user)
    context = BUILDERS[post](user) | everyday(user)
    numbers = []
    for value in context.values():
        for item in value if isinstance(value, list) else [value]:
            numbers.extend(_numbers_of(item))
    return post, numbers


def _numbers_of(item) -> list[dict]:
    if isinstance(item, Figure):
        out = [{"key": item.key, "label": str(item.label), "n": item.n, "url": item.url}]
        if item.before_url:
            out.append(
                {
                    "key": f"{item.key}_before",
                    "label": str(item.label),
                    "n": item.before,
                    "url": item.before_url,
                }
            )
        return out
    if isinstance(item, dict) and "numerator" in item and "url" in item:  # a quality figure
        return [
            {
                "key": item["name"],
                "label": str(item["label"]),
                "n": item["numerator"],
                "url": item["url"],
            }
        ]
    if isinstance(item, dict) and "complaints" in item:  # a community with complaints
        return [
            {
                "key": f"worst_{item['id']}",
                "label": item["name"],
                "n": item["complaints"],
                "url": item["url"],
            }
        ]
    return []


BUILDERS = {
    Post.ADMIN: admin_home,
    Post.MANAGER: manager_home,
    Post.EXECUTIVE: quality_home,
    Post.SUPERVISOR: supervisor_home,
    Post.ASSISTANT: assistant_home,
    Post.SPECIALIST: specialist_home,
    Post.DEPARTMENT: department_home,
}
