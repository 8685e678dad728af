"""The permission matrix (#11 point 11, MGT-3): every page and API operation × every post,
anonymous, a resident and an archived staff member × an object in scope and one out of scope.

Pages come from the URL configuration, API operations from the OpenAPI document, so a new
URL or operation is in the matrix the day it is added. The expected outcome of every cell is
in `permission_matrix.tsv` beside this file: one line per request and variant, one column
per persona. A route the table does not have, or a cell that differs, fails the test with
the lines to review. After a deliberate change, write the table again and read its diff:

    WUYEDESK_MATRIX_WRITE=1 .venv/bin/python -m pytest wuyedesk/core/tests/test_permission_matrix.py

Outcomes: `ok` (200), `login` (a redirect to a login page), `second-step` (a redirect to
the two-factor step), `portal` (a redirect into the resident portal), `redirect` (a redirect
elsewhere), otherwise the status code (204, 401,
403, 404, 405, 400, 422 …). Pages are asked with GET
and with an empty POST, API operations with their own method and an empty body: the matrix
is about who is let in, not about what a valid form does. Each request runs in a
transaction that is rolled back, so no request changes what the next one sees.

Beside the table, rules that hold whatever the table says are checked on every cell: no
server error; anonymous and archived staff reach only the public doors; a resident reaches
no staff page; a person scoped to community A never reaches an object of community B.
"""

import copy
import csv
import datetime as dt
import io
import os
import re
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

TABLE = Path(__file__).with_name("permission_matrix.tsv")
PERSONAS = [
    "anonymous",
    "resident",
    "archived",
    "unverified",
    "admin",
    "executive",
    "manager",
    "specialist",
    "assistant",
    "department",
    "supervisor",
]
# Posts that see every community; the others are assigned community A only.
COMPANY_WIDE = {"admin", "executive"}

# Doors open to anyone (a login, a sign-up, a survey link, the health check, the docs).
PUBLIC = re.compile(
    r"^(GET|POST) /("
    r"healthz|login/|logout/|language/"
    r"|portal/(login/|signup/.*|password/reset/.*)"
    r"|surveys/t/.*"
    r"|api/v1/(auth/token|portal/token|portal/signup.*|surveys/token/.*"
    r"|openapi\.json|docs.*|)"
    r")$"
)


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def page_routes() -> list[str]:
    """Every page route; the API's own routes are taken from its OpenAPI document."""
    return [route for route in walk(get_resolver().url_patterns) if not route.startswith("api/")]


def api_operations() -> list[tuple[str, str]]:
    from wuyedesk.api.main import api

    schema = api.get_openapi_schema()
    return [
        (method.upper(), path.removeprefix("/"))
        for path, operations in schema["paths"].items()
        for method in operations
    ]


# --- the world ------------------------------------------------------------------------------


class Objects:
    """One object of each kind in community A (in scope of every persona) and one in
    community B (out of scope of everyone but the administrator and executives)."""

    def __init__(self, world):
        self.world = world
        self.a = self._make(world, world.a, world.rooms_a, world.resident_a, world.resident)
        resident_user_b = self._resident_user(world.resident_b, "resident-b")
        self.b = self._make(world, world.b, world.rooms_b, world.resident_b, resident_user_b)
        self.shared = self._shared(world)
        appraisal = appraisal_objects(world)
        self.shared["cycle"] = appraisal.pop("cycle")
        self.a.update(appraisal["a"])
        self.b.update(appraisal["b"])

    @staticmethod
    def _shared(world) -> dict:
        """Objects of the whole company: one variant, no scope."""
        from wuyedesk.archive.models import DocumentType
        from wuyedesk.surveys.models import Dimension
        from wuyedesk.telephony.services import integration_create
        from wuyedesk.tickets.defaults import load_categories
        from wuyedesk.tickets.models import KnowledgeArticle

        categories = load_categories()
        article = KnowledgeArticle.objects.create(
            question="停水怎么办",
            answer="请关注公告",
            category=categories["UTILITY"],
            updated_by=world.manager,
        )
        integration, _raw = integration_create(by=world.admin, name="PBX", source="pbx-matrix")
        version = survey_version()
        from wuyedesk.policies.models import CalendarDay

        calendar_day = CalendarDay.objects.create(
            date=dt.date(2026, 10, 8), working=False, name="台风停工"
        )
        from wuyedesk.tickets.canned import canned_create

        # A reply the engineering department shares (its worker uses it; the manager edits it).
        shared_reply = canned_create(
            by=world.manager, title="维修答复", body="{客户}您好", department=world.engineering
        )
        from wuyedesk.staffing.models import Shift
        from wuyedesk.supervision.models import Checklist

        return {
            "shift": Shift.objects.order_by("pk").first(),  # #16: made with the rosters
            **training_objects(world),
            "checklist": Checklist.objects.order_by("pk").first(),
            "calendar_day": calendar_day,
            "canned": shared_reply,
            "category": categories["LIFT"],
            "article": article,
            "integration": integration,
            "version": version,
            "dimension": Dimension.objects.order_by("pk").first(),
            "archive_type": DocumentType.objects.get(code="LEASE"),
            **policy_objects(world),
        }

    @staticmethod
    def _resident_user(resident, username):
        from wuyedesk.accounts.choices import UserKind
        from wuyedesk.accounts.models import User
        from wuyedesk.testing import PASSWORD

        return User.objects.create_user(
            username=username, password=PASSWORD, kind=UserKind.RESIDENT, resident=resident
        )

    def _make(self, world, community, rooms, resident, resident_user) -> dict:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from wuyedesk.accounts.choices import Post
        from wuyedesk.accounts.services import token_create
        from wuyedesk.channels.models import Signup
        from wuyedesk.channels.services import announcement_create, portal_submit
        from wuyedesk.improvements.services import item_create
        from wuyedesk.notifications.models import Notification
        from wuyedesk.notifications.services import notify
        from wuyedesk.properties.models import Building, Department, Occupancy, Resident, Unit
        from wuyedesk.surveys.services import campaign_create
        from wuyedesk.telephony.services import call_log
        from wuyedesk.testing import make_staff
        from wuyedesk.tickets.assignments.services import task_create
        from wuyedesk.tickets.attachments import attachment_add
        from wuyedesk.tickets.defaults import load_categories
        from wuyedesk.tickets.services import incident_create, ticket_create

        categories = load_categories()
        code = community.code
        desk = make_staff(f"desk-{code}", [Post.SPECIALIST], [community], name=f"{code}专员")
        manager = make_staff(f"mgr-{code}", [Post.MANAGER], [community], name=f"{code}经理")
        ticket = ticket_create(
            by=desk,
            kind="inquiry",
            channel="phone",
            category=categories["UTILITY"],
            title="",
            description="卫生间漏水",
            resident=resident,
            room=rooms[0],
        )
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
        attachment = attachment_add(
            by=desk,
            ticket=ticket,
            upload=SimpleUploadedFile("a.png", png, content_type="image/png"),
            public=True,
        )
        mine = portal_submit(
            by=resident_user,
            kind="complaint",
            category=categories["NOISE"],
            title="楼上夜间噪音",
            description="每晚十一点后有拖动家具的声音",
            room=rooms[0],
        )
        incident = incident_create(by=manager, community=community, title="停水")
        task = task_create(
            by=manager, assignee=desk, title="回电", due=timezone.now() + dt.timedelta(days=1)
        )
        announcement = announcement_create(
            by=manager, community=community, title="停水通知", body="明天上午停水"
        )
        signup = Signup.objects.create(
            phone="1370000000" + ("1" if code == "A" else "2"),
            name="新住户",
            room=rooms[1],
            community=community,
        )
        call = call_log(
            by=desk,
            direction="out",
            started_at=timezone.now(),
            outcome="answered",
            number=resident.phone,
            ticket=ticket,
            resident=resident,
        )
        item = item_create(
            by=manager,
            title="路灯不亮",
            source="inspection",
            # B's item belongs to B's own contractor: engineering serves both communities.
            department=world.engineering if code == "A" else world.partner_b,
            community=community,
            measures="更换灯具",
            due=timezone.localdate() + dt.timedelta(days=10),
        )
        version = survey_version()
        campaign = campaign_create(
            by=world.admin,
            name=f"{code} 调查",
            version=version,
            communities=[community],
            quarter="2027Q1" if code == "A" else "2027Q2",
        )
        invitation = campaign.invitations.first()
        notify(users=[manager], kind="test", text="测试通知")
        token, _raw = token_create(user=manager, name="matrix")
        work = work_objects(community, manager, desk)
        department = Department.objects.create(code=f"D{code}", name=f"{code}保洁")
        department.communities.set([community])
        supervision = supervision_objects(world, community, desk, ticket, call)
        return {
            **supervision,
            "ticket": ticket,
            "attachment": attachment,
            "mine": mine,
            "mine_attachment": attachment_add(
                by=desk,
                ticket=mine,
                upload=SimpleUploadedFile("b.png", png, content_type="image/png"),
                public=True,
            ),
            "incident": incident,
            "task": task,
            "announcement": announcement,
            "signup": signup,
            "call": call,
            "item": item,
            "campaign": campaign,
            "invitation": invitation,
            "notification": Notification.objects.filter(user=manager).latest("pk"),
            "token": token,
            "mail": inbound_mail(resident, code),
            "communities": community,
            "buildings": Building.objects.filter(community=community).first(),
            "units": Unit.objects.filter(community=community).first(),
            "rooms": rooms[0],
            "residents": resident,
            "occupancies": Occupancy.objects.filter(resident=resident).first(),
            "departments": department,
            "staff": desk.staff,
            # A lease in the customer archive (#15 point 8).
            "document": archive_document(world, rooms[0]),
            # The same person entered twice (the data-quality worklist's merge, #15).
            "twin": Resident.objects.create(
                name=resident.name, phone=resident.phone, community=community
            ),
            **work,
            **meeting_objects(world, community),
            **reward_objects(world, community),
            **recruitment_objects(world, community),
            **staffing_objects(world, community),
            # A person's training record (#16 point 2): A's specialist, B's.
            "training_person": world.specialist if code == "A" else world.specialist_b,
        }


def archive_document(world, room):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wuyedesk.archive.models import DocumentType
    from wuyedesk.archive.services import document_upload
    from wuyedesk.testing import make_staff

    keeper = make_staff(f"archivist-{room.community.code}", ["assistant"], [room.community])
    return document_upload(
        by=keeper,
        doc_type_id=DocumentType.objects.get(code="LEASE").pk,
        title="租赁合同",
        upload=SimpleUploadedFile("lease.pdf", b"%PDF-1.4\n%%EOF\n"),
        room_id=room.pk,
    )


def recruitment_objects(world, community) -> dict:
    """#16 point 6 (MGR-2): an opening of the customer-service department in the community,
    opened by its manager, with a candidate and a CV."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wuyedesk.accounts.choices import Post
    from wuyedesk.recruitment import services as recruitment
    from wuyedesk.testing import make_staff

    kf = world.manager.staff.department
    manager = (
        world.manager
        if community == world.a
        else make_staff("rec-mgr-B", [Post.MANAGER], [community], kf, "B招聘经理")
    )
    opening = recruitment.opening_create(
        by=manager, title="客服专员", post="specialist", communities=[community], headcount=1
    )
    candidate = recruitment.candidate_create(
        by=manager,
        opening=opening,
        name="应聘人",
        phone="1380000000" + ("1" if community == world.a else "2"),
        source="referral",
        cv=SimpleUploadedFile("cv.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    return {"opening": opening, "candidate": candidate}


def training_objects(world) -> dict:
    """A course and a session of it that started an hour ago, the world's specialist
    enrolled (issue #16 point 2): company-wide, one variant."""
    from wuyedesk.training.services import courses, sessions

    course = courses.course_create(by=world.manager, title="服务礼仪", kind="regular", hours="2")
    session = sessions.session_create(
        by=world.manager,
        course=course,
        starts_at=timezone.now() - dt.timedelta(hours=1),
        trainer="讲师",
        place="培训室",
        attendees=[world.specialist],
    )
    return {"training_course": course, "training_session": session}


def work_objects(community, manager, desk) -> dict:
    """A work plan with a target and an initiative, and a drafted monthly work report, of
    the community (issue #15 points 5-6)."""
    from wuyedesk.workplans.services import plans, reports

    today = timezone.localdate()
    plan = plans.plan_create(
        by=manager, title="月度计划", period="month", day=today, community=community
    )
    target = plans.target_set(by=manager, plan=plan, metric="satisfied", value=95)
    initiative = plans.initiative_add(by=manager, plan=plan, text="培训", owner=desk, due=plan.end)
    report = reports.report_request(by=manager, cadence="monthly", day=today, community=community)
    reports.run_draft(report.pk, report.draft_requested_at.isoformat())
    return {
        "workplan": plan,
        "target": target,
        "initiative": initiative,
        "workreport": report,
    }


def reward_objects(world, community) -> dict:
    """A warning proposed about the community's customer-service specialist (issue #16
    point 5): A's by the world's manager, B's by a manager of B in the same department."""
    from wuyedesk.rewards.services import measure_propose
    from wuyedesk.testing import make_staff

    if community == world.a:
        by, person = world.manager, world.specialist
    else:
        department = world.manager.staff.department
        by = make_staff("reward-mgr-B", ["manager"], [community], department, "B奖惩经理")
        person = world.specialist_b
    warning = measure_propose(
        by=by, staff=person.staff, kind="warning", facts="未按时回访", reason="违反规定"
    )
    return {"reward": warning}


def supervision_objects(world, community, desk, ticket, call) -> dict:
    """The supervision group (issue #15): in community A the world's supervisor and a second
    one (appointed), in B two of B's own; a checklist, an inspection of the desk's ticket, an
    on-site check with a photo, a plan and a calibration."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wuyedesk.accounts.choices import Post
    from wuyedesk.supervision.models import Checklist, GroupMember
    from wuyedesk.supervision.services import calibration, group, inspections, sampling
    from wuyedesk.testing import make_staff

    code = community.code
    first = (
        world.supervisor
        if code == "A"
        else make_staff(f"sup-{code}", [Post.SUPERVISOR], [community], name=f"{code}监督")
    )
    second = make_staff(f"sup2-{code}", [Post.SUPERVISOR], [community], name=f"{code}监督二")
    member = group.member_appoint(by=world.executive, user=first, remit="检查")
    group.member_appoint(by=world.executive, user=second, remit="校准")
    if not Checklist.objects.exists():
        group.checklist_save(
            by=world.executive,
            post=Post.SPECIALIST,
            title="专员检查表",
            items=[{"code": "G1", "text": "礼貌用语", "weight": 100}],
        )
    inspection = inspections.inspection_create(by=first, kind="ticket", person=desk, ticket=ticket)
    twin_of = inspections.inspection_create(by=first, kind="call", person=desk, call=call)
    pair = calibration.calibration_create(by=first, inspection=twin_of, second=second)
    onsite = inspections.inspection_create(by=first, kind="onsite", person=desk)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    photo = inspections.photo_add(
        by=first,
        inspection=onsite,
        upload=SimpleUploadedFile("p.png", png, content_type="image/png"),
    )
    plan = sampling.plan_create(
        by=first,
        month=timezone.localdate(),
        tickets_per_person=1,
        calls_per_person=0,
        people=[desk],
        seed=1,
    )
    assert GroupMember.objects.filter(pk=member.pk).exists()
    return {
        "member": member,
        "inspection": inspection,
        "onsite": onsite,
        "photo": photo,
        "plan": plan,
        "calibration": pair,
        "desk": desk,
    }


def appraisal_objects(world) -> dict:
    """#16: the previous quarter's appraisal cycle, computed; in A the world's specialist's
    appraisal (the customer-service department, the manager's), in B that of a specialist of
    B's partner department (no persona's department); both published, each with an open
    dispute of its person."""
    from wuyedesk.accounts.choices import Post
    from wuyedesk.appraisal.models import Appraisal, Item
    from wuyedesk.appraisal.services import cycles, workflow
    from wuyedesk.testing import make_staff

    person_b = make_staff("appr-B", [Post.SPECIALIST], [world.b], world.partner_b, "B维保专员")
    year, quarter = cycles.previous_quarter(timezone.localdate())
    cycle = cycles.cycle_open(by=world.executive, year=year, quarter=quarter)
    cycles.run_compute(cycle.pk)
    out = {"cycle": cycle}
    for code, person in (("a", world.specialist), ("b", person_b)):
        appraisal = Appraisal.objects.get(cycle=cycle, person=person)
        workflow.review(by=world.executive, appraisal=appraisal, rating=80, reason="良好")
        workflow.publish(by=world.executive, appraisal=appraisal)
        dispute = workflow.dispute_open(by=person, appraisal=appraisal, item=None, comment="申诉")
        out[code] = {"appraisal": appraisal, "appraisal_dispute": dispute}
        # A row behind a score (the matrix world has no work in the previous quarter).
        out[code]["appraisal_item"] = Item.objects.create(
            appraisal=appraisal,
            criterion="quality",
            component="deadline",
            label="× 1",
            value=100,
            refs=[[0, "matrix"]],
        )
    return out


def meeting_objects(world, community) -> dict:
    """#15: a weekly series of the customer-service department in the community, a meeting
    of it held yesterday with approved minutes (one decision, one action item of the
    community's specialist), an agenda item, and a notice to the community's staff."""
    from wuyedesk.accounts.choices import Post
    from wuyedesk.meetings import notices
    from wuyedesk.meetings import services as meetings
    from wuyedesk.testing import make_staff

    kf = world.manager.staff.department
    if community == world.a:
        manager, assistant, desk = world.manager, world.assistant, world.specialist
    else:
        manager = make_staff("mtg-mgr-B", [Post.MANAGER], [community], kf, "B经理")
        assistant = make_staff("mtg-ast-B", [Post.ASSISTANT], [community], kf, "B助理")
        desk = world.specialist_b
    people = [manager, assistant, desk]
    series = meetings.series_create(
        by=manager,
        title="周例会",
        weekday=0,
        start_time=dt.time(9),
        duration_minutes=60,
        attendees=people,
        community=community,
    )
    meeting = meetings.meeting_create(
        by=manager,
        title="周例会",
        starts_at=timezone.now() - dt.timedelta(days=1),
        duration_minutes=60,
        attendees=people,
        community=community,
        series=series,
    )
    agenda_item = meetings.agenda_add(by=manager, meeting=meeting, title="本周投诉")
    meetings.minutes_save(by=assistant, meeting=meeting, discussion="讨论", decisions=["加强巡查"])
    action = meetings.action_add(
        by=assistant,
        meeting=meeting,
        title="回访",
        owner=desk,
        due=timezone.localdate() + dt.timedelta(days=3),
    )
    meetings.minutes_submit(by=assistant, meeting=meeting)
    meetings.minutes_approve(by=manager, meeting=meeting)
    notice = notices.notice_create(
        by=manager, title="排班调整", body="下周起早班提前", community=community
    )
    return {
        "series": series,
        "meeting": meeting,
        "agenda_item": agenda_item,
        "action": action,
        "decision": meeting.decisions.get(),
        "notice": notice,
    }


def staffing_objects(world, community) -> dict:
    """#16 point 1: a roster entry of the community's specialist (drawn up by the community's
    customer-service manager), a leave request and a correction request of theirs."""
    from wuyedesk.accounts.models import User
    from wuyedesk.staffing import services as staffing
    from wuyedesk.staffing.models import Shift

    if community == world.a:
        manager, desk = world.manager, world.specialist
    else:
        manager, desk = User.objects.get(username="mtg-mgr-B"), world.specialist_b
    shift = Shift.objects.first() or staffing.shift_save(
        by=world.manager, name="白班", start=dt.time(9), end=dt.time(17)
    )
    day = timezone.localdate() - dt.timedelta(days=1)
    entry = staffing.roster_add(
        by=manager, user=desk, date=day, shift=shift, duty="counter", community=community
    )
    leave = staffing.leave_request(
        by=desk, kind="annual", start_date=day, end_date=day, reason="探亲"
    )
    correction = staffing.correction_request(by=desk, date=day, reason="门禁故障")
    return {
        "roster_entry": entry,
        "staffing_leave": leave,
        "staffing_correction": correction,
        "staffing_person": desk,
    }


def policy_objects(world) -> dict:
    """The regulation (issue #14): a version in force, a draft with a section, an evaluation."""
    from wuyedesk.policies.models import PolicyEvaluation
    from wuyedesk.policies.services import evaluations, regulation
    from wuyedesk.policies.services import versions as policy_versions
    from wuyedesk.testing import policy_in_force

    in_force = policy_in_force(inquiry_follow_up_hours=12)
    document = regulation()
    document.next_review_on = timezone.localdate()
    document.save(update_fields=["next_review_on"])
    evaluations.open_due(timezone.localdate())
    draft = policy_versions.draft_open(by=world.manager, document=document)
    return {
        "policy_document": document,
        "policy_version": in_force,
        "policy_draft": draft,
        "policy_section": draft.sections.first(),
        "policy_evaluation": PolicyEvaluation.objects.get(document=document),
    }


def survey_version():
    from django.apps import apps

    from wuyedesk.surveys import defaults

    return defaults.ensure_demo_questionnaire(
        apps.get_model, published_at=timezone.now() - dt.timedelta(days=1)
    )


def inbound_mail(resident, code):
    from wuyedesk.mailbox import inbound

    raw = (
        f"From: {code} <{code.lower()}@example.cn>\r\nTo: kefu@example.com\r\n"
        f"Subject: mail {code}\r\nMessage-ID: <matrix-{code}@example.cn>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n楼道灯坏了\r\n"
    ).encode()
    mail = inbound.store(raw)
    mail.community = resident.community
    mail.save(update_fields=["community"])
    return mail


# --- what each route needs --------------------------------------------------------------------
#
# Each route with parameters names the kinds of its objects; a variant "in" takes them from
# community A, "out" from community B. Routes of one object (company-wide, or personal) have a
# single variant "-". A route not listed here fails the test: say which object it needs.


def _value(objs: dict, kind):
    """A parameter's value: the pk of the named object, or the literal itself."""
    return objs[kind].pk if isinstance(kind, str) and kind in objs else kind


def problem_kinds() -> list[str]:
    from wuyedesk.dataquality.choices import Problem

    return list(Problem.values)


def single(**kinds):
    """A route of one company-wide object (or none): one variant."""
    return lambda objects: [("-", {k: _value(objects.shared, v) for k, v in kinds.items()})]


def scoped(**kinds):
    """A route of community objects: variant "in" (community A) and "out" (community B)."""

    def variants(objects):
        return [
            (label, {name: _value(objs, kind) for name, kind in kinds.items()})
            for label, objs in (("in", objects.a), ("out", objects.b))
        ]

    return variants


def expand(name, choices, then=None):
    """One URL per choice of a finite parameter (an action, a record kind)."""

    def variants(objects):
        out = []
        for choice in choices() if callable(choices) else choices:
            inner = then(choice)(objects) if then else [("-", {})]
            for label, values in inner:
                out.append(
                    (f"{choice}:{label}" if label != "-" else choice, {name: choice} | values)
                )
        return out

    return variants


def record_kinds():
    from wuyedesk.core.resources import REGISTRY

    return sorted(REGISTRY)


def ticket_actions():
    from wuyedesk.tickets.actions import ACTIONS

    return sorted(ACTIONS)


def import_kinds():
    from wuyedesk.properties.models import ImportKind

    return sorted(ImportKind.values)


PAGE_PARAMS = {
    "account/tokens/<int:pk>/revoke/": scoped(pk="token"),
    "portal/tickets/<int:pk>/": scoped(pk="mine"),
    "portal/tickets/<int:pk>/reply/": scoped(pk="mine"),
    "portal/tickets/<int:pk>/confirm/": scoped(pk="mine"),
    "portal/tickets/<int:pk>/rate/": scoped(pk="mine"),
    "portal/tickets/<int:pk>/files/<int:attachment_pk>/": scoped(
        pk="mine", attachment_pk="mine_attachment"
    ),
    "portal/announcements/<int:pk>/": scoped(pk="announcement"),
    "portal/staff/announcements/<int:pk>/edit/": scoped(pk="announcement"),
    "portal/staff/announcements/<int:pk>/withdraw/": scoped(pk="announcement"),
    "portal/password/reset/<uidb64>/<token>/": single(uidb64="MQ", token="set-password"),
    "portal/staff/signups/<int:pk>/": scoped(pk="signup"),
    "import/<int:pk>/": single(pk=999999),
    "settings/two-factor/<int:pk>/reset/": scoped(pk="staff"),
    "import/template/<str:kind>.xlsx": expand("kind", import_kinds),
    "residents/<int:pk>/reveal/<str:field>/": expand(
        "field", ["phone"], lambda _f: scoped(pk="residents")
    ),
    "reports/surveys/<int:pk>/": scoped(pk="campaign"),
    "reports/surveys/<int:pk>/answers/": scoped(pk="campaign"),
    "reports/surveys/<int:pk>/answers.xlsx": scoped(pk="campaign"),
    "reports/surveys/<int:pk>/report/": scoped(pk="campaign"),
    "reports/surveys/<int:pk>/report/pdf-status/": scoped(pk="campaign"),
    "reports/surveys/<int:pk>/report.pdf": scoped(pk="campaign"),
    "reports/surveys/<int:pk>/report/<str:action>/": expand(
        "action", ["save", "submit"], lambda _a: scoped(pk="campaign")
    ),
    "knowledge/<int:pk>/": single(pk="article"),
    "knowledge/<int:pk>/edit/": single(pk="article"),
    "knowledge/<int:pk>/archive/": single(pk="article"),
    "tickets/<int:pk>/": scoped(pk="ticket"),
    "tickets/<int:pk>/canned/": scoped(pk="ticket"),
    "tickets/canned/<int:pk>/": single(pk="canned"),
    "tickets/canned/<int:pk>/delete/": single(pk="canned"),
    "tickets/<int:pk>/attachments/<int:attachment_pk>/": scoped(
        pk="ticket", attachment_pk="attachment"
    ),
    "tickets/<int:pk>/<slug:action>/": expand(
        "action", ticket_actions, lambda _a: scoped(pk="ticket")
    ),
    "tickets/<int:pk>/<slug:action>/form/": expand(
        "action", ticket_actions, lambda _a: scoped(pk="ticket")
    ),
    "tickets/incidents/<int:pk>/": scoped(pk="incident"),
    "tickets/incidents/<int:pk>/update/": scoped(pk="incident"),
    "tickets/incidents/<int:pk>/link/": scoped(pk="incident"),
    "tickets/tasks/<int:pk>/done/": scoped(pk="task"),
    "notifications/<int:pk>/read/": scoped(pk="notification"),
    "mail/<int:pk>/": scoped(pk="mail"),
    "mail/<int:pk>/raw/": scoped(pk="mail"),
    "mail/<int:pk>/link/": scoped(pk="mail"),
    "mail/<int:pk>/retry/": scoped(pk="mail"),
    "mail/<int:pk>/dismiss/": scoped(pk="mail"),
    "calls/integrations/<int:pk>/revoke/": single(pk="integration"),
    "calls/<int:pk>/": scoped(pk="call"),
    "calls/<int:pk>/reveal/": scoped(pk="call"),
    "calls/<int:pk>/dismiss/": scoped(pk="call"),
    "surveys/campaigns/<int:pk>/": scoped(pk="campaign"),
    "surveys/campaigns/<int:pk>/progress/": scoped(pk="campaign"),
    "surveys/campaigns/<int:pk>/calls/": scoped(pk="campaign"),
    "surveys/campaigns/<int:pk>/<str:action>/": expand(
        "action", ["open", "close"], lambda _a: scoped(pk="campaign")
    ),
    "surveys/invitations/<int:pk>/call/": scoped(pk="invitation"),
    "surveys/versions/<int:pk>/": single(pk="version"),
    "surveys/versions/<int:pk>/<str:action>/": expand(
        "action", ["publish", "new_version", "texts"], lambda _a: single(pk="version")
    ),
    "surveys/dimensions/<int:pk>/": single(pk="dimension"),
    "settings/calendar/<int:pk>/delete/": single(pk="calendar_day"),
    "settings/categories/<int:pk>/": single(pk="category"),
    "settings/categories/<int:pk>/<slug:action>/": expand(
        "action", ["up", "down", "deactivate", "activate"], lambda _a: single(pk="category")
    ),
    "surveys/t/<str:token>/": single(token="not-a-real-token"),
    "surveys/t/<str:token>/unsubscribe/": single(token="not-a-real-token"),
    "surveys/my/<int:pk>/": scoped(pk="invitation"),
    "policies/<int:pk>/": single(pk="policy_document"),
    "policies/<int:pk>/propose/": single(pk="policy_document"),
    "policies/<int:pk>/diff/": single(pk="policy_document"),
    "policies/versions/<int:pk>/": single(pk="policy_version"),
    "policies/versions/<int:pk>/edit/": single(pk="policy_draft"),
    "policies/versions/<int:pk>/settings/": single(pk="policy_draft"),
    "policies/versions/<int:pk>/sections/new/": single(pk="policy_draft"),
    "policies/versions/<int:pk>/sections/<int:section_pk>/": single(
        pk="policy_draft", section_pk="policy_section"
    ),
    "policies/versions/<int:pk>/acknowledgements/": single(pk="policy_version"),
    "policies/evaluations/<int:pk>/": single(pk="policy_evaluation"),
    "improvements/<int:pk>/": scoped(pk="item"),
    "improvements/<int:pk>/edit/": scoped(pk="item"),
    "improvements/<int:pk>/progress/": scoped(pk="item"),
    "improvements/<int:pk>/verify/": scoped(pk="item"),
    "data-quality/<str:kind>/": expand("kind", lambda: problem_kinds()),
    "archive/types/<int:pk>/": single(pk="archive_type"),
    "archive/<int:pk>/": scoped(pk="document"),
    "archive/<int:pk>/file/": scoped(pk="document"),
    "archive/<int:pk>/destroy/": scoped(pk="document"),
    "data-quality/merge/<int:first>/<int:second>/": scoped(first="residents", second="twin"),
    "recruitment/<int:pk>/": scoped(pk="opening"),
    "recruitment/<int:pk>/status/": scoped(pk="opening"),
    "recruitment/<int:pk>/candidates/new/": scoped(pk="opening"),
    "recruitment/candidates/<int:pk>/": scoped(pk="candidate"),
    "recruitment/candidates/<int:pk>/stage/": scoped(pk="candidate"),
    "recruitment/candidates/<int:pk>/offer/": scoped(pk="candidate"),
    "recruitment/candidates/<int:pk>/cv/": scoped(pk="candidate"),
    "recruitment/candidates/<int:pk>/hire/": scoped(pk="candidate"),
    "recruitment/candidates/<int:pk>/reveal/<str:field>/": expand(
        "field", ["phone"], lambda _f: scoped(pk="candidate")
    ),
    "workplans/<int:pk>/": scoped(pk="workplan"),
    "workplans/<int:pk>/<str:action>/": expand(
        "action",
        ["target", "initiative", "remove-target", "done", "publish"],
        lambda _a: scoped(pk="workplan"),
    ),
    "workplans/reports/<int:pk>/": scoped(pk="workreport"),
    "workplans/reports/<int:pk>/status/": scoped(pk="workreport"),
    "workplans/reports/<int:pk>/report.pdf": scoped(pk="workreport"),
    "workplans/reports/<int:pk>/report.xlsx": scoped(pk="workreport"),
    "workplans/reports/<int:pk>/<str:action>/": expand(
        "action",
        ["save", "submit", "approve", "return", "redraft", "pdf"],
        lambda _a: scoped(pk="workreport"),
    ),
    "rewards/<int:pk>/": scoped(pk="reward"),
    "rewards/<int:pk>/<str:action>/": expand(
        "action",
        ["approve", "reject", "appeal", "decide-appeal"],
        lambda _a: scoped(pk="reward"),
    ),
    "training/courses/<int:pk>/": single(pk="training_course"),
    "training/sessions/<int:pk>/": single(pk="training_session"),
    "training/sessions/<int:pk>/<str:action>/": expand(
        "action",
        ["enrol", "results", "remove", "cancel"],
        lambda _a: single(pk="training_session"),
    ),
    "training/records/<int:person>/": scoped(person="training_person"),
    "supervision/members/<int:pk>/end/": scoped(pk="member"),
    "supervision/checklists/<int:pk>/": single(pk="checklist"),
    "supervision/plans/<int:pk>/": scoped(pk="plan"),
    "supervision/plans/<int:pk>/progress/": scoped(pk="plan"),
    "supervision/plans/<int:pk>/sample/": scoped(pk="plan"),
    "supervision/inspections/<int:pk>/photos/<int:photo>/": scoped(pk="onsite", photo="photo"),
    **{
        f"supervision/inspections/<int:pk>/{_action}/": scoped(pk="inspection")
        for _action in ("score", "close", "answer", "replace", "photos", "calibrate")
    },
    "supervision/inspections/<int:pk>/": scoped(pk="inspection"),
    "supervision/calibrations/<int:pk>/": scoped(pk="calibration"),
    "supervision/people/<int:user_id>/": scoped(user_id="desk"),
    "meetings/series/<int:pk>/": scoped(pk="series"),
    "meetings/series/<int:pk>/next/": scoped(pk="series"),
    "meetings/<int:pk>/": scoped(pk="meeting"),
    "meetings/<int:pk>/agenda/propose/": scoped(pk="meeting"),
    "meetings/<int:pk>/agenda/add/": scoped(pk="meeting"),
    "meetings/<int:pk>/agenda/<int:item_pk>/": scoped(pk="meeting", item_pk="agenda_item"),
    "meetings/<int:pk>/agenda/<int:item_pk>/remove/": scoped(pk="meeting", item_pk="agenda_item"),
    "meetings/<int:pk>/attendance/": scoped(pk="meeting"),
    "meetings/<int:pk>/minutes/": scoped(pk="meeting"),
    "meetings/<int:pk>/minutes/pdf-status/": scoped(pk="meeting"),
    "meetings/<int:pk>/minutes.pdf": scoped(pk="meeting"),
    "meetings/<int:pk>/minutes/<str:action>/": expand(
        "action", ["submit", "approve", "return", "pdf"], lambda _a: scoped(pk="meeting")
    ),
    "meetings/<int:pk>/actions/add/": scoped(pk="meeting"),
    "meetings/<int:pk>/actions/<int:action_pk>/remove/": scoped(pk="meeting", action_pk="action"),
    "meetings/actions/<int:action_pk>/done/": scoped(action_pk="action"),
    "meetings/decisions/<int:decision_pk>/improvement/": scoped(decision_pk="decision"),
    "meetings/notices/<int:pk>/": scoped(pk="notice"),
    "staffing/requests/<str:kind>/<int:pk>/": expand(
        "kind", ["leave", "correction"], lambda kind: scoped(pk=f"staffing_{kind}")
    ),
    "staffing/people/<int:user_id>/": scoped(user_id="staffing_person"),
    "staffing/people/<int:user_id>/sheet.xlsx": scoped(user_id="staffing_person"),
    "staffing/shifts/<int:pk>/archive/": single(pk="shift"),
    "staffing/roster/<int:pk>/remove/": scoped(pk="roster_entry"),
    "meetings/notices/<int:pk>/read/": scoped(pk="notice"),
    "appraisal/cycles/<int:pk>/": single(pk="cycle"),
    "appraisal/cycles/<int:pk>/progress/": single(pk="cycle"),
    "appraisal/cycles/<int:pk>/retry/": single(pk="cycle"),
    "appraisal/disputes/<int:pk>/answer/": scoped(pk="appraisal_dispute"),
    "appraisal/<int:pk>/records/<int:item>/": scoped(pk="appraisal", item="appraisal_item"),
    **{
        f"appraisal/<int:pk>/{_step}": scoped(pk="appraisal")
        for _step in ("", "self/", "review/", "publish/", "reopen/", "disputes/")
    },
    "<str:key>/": expand("key", record_kinds),
    "<str:key>/export.xlsx": expand("key", record_kinds),
    "<str:key>/export.csv": expand("key", record_kinds),
    "<str:key>/new/": expand("key", record_kinds),
}
for _suffix in ("", "edit/", "archive/"):
    PAGE_PARAMS[f"<str:key>/<int:pk>/{_suffix}"] = expand(
        "key", record_kinds, lambda key: scoped(pk=key)
    )


API_PARAMS = {
    "api/v1/training/courses/{pk}": single(pk="training_course"),
    "api/v1/training/sessions/{pk}": single(pk="training_session"),
    "api/v1/training/sessions/{pk}/enrol": single(pk="training_session"),
    "api/v1/training/sessions/{pk}/results": single(pk="training_session"),
    "api/v1/training/sessions/{pk}/cancel": single(pk="training_session"),
    "api/v1/training/records/{person}": scoped(person="training_person"),
    "api/v1/auth/tokens/{token_id}": scoped(token_id="token"),
    "api/v1/tickets/{pk}/measures/{measure_pk}": scoped(pk="ticket", measure_pk=999999),
    "api/v1/telephony/calls/{call_id}/end": single(call_id="no-such-call"),
    "api/v1/policies/calendar/days/{pk}": single(pk="calendar_day"),
    "api/v1/canned-replies/{pk}": single(pk="canned"),
    "api/v1/categories/{pk}": single(pk="category"),
    "api/v1/categories/{pk}/move": single(pk="category"),
    "api/v1/categories/{pk}/deactivate": single(pk="category"),
    "api/v1/categories/{pk}/activate": single(pk="category"),
    "api/v1/data-quality/{kind}": expand("kind", lambda: problem_kinds()),
    "api/v1/recruitment/openings/{pk}": scoped(pk="opening"),
    "api/v1/recruitment/openings/{pk}/status": scoped(pk="opening"),
    "api/v1/recruitment/openings/{pk}/candidates": scoped(pk="opening"),
    "api/v1/recruitment/candidates/{pk}": scoped(pk="candidate"),
    "api/v1/recruitment/candidates/{pk}/reveal": scoped(pk="candidate"),
    "api/v1/recruitment/candidates/{pk}/cv": scoped(pk="candidate"),
    "api/v1/recruitment/candidates/{pk}/stage": scoped(pk="candidate"),
    "api/v1/recruitment/candidates/{pk}/offer": scoped(pk="candidate"),
    "api/v1/recruitment/candidates/{pk}/hire": scoped(pk="candidate"),
    "api/v1/archive/documents/{pk}": scoped(pk="document"),
    "api/v1/archive/documents/{pk}/file": scoped(pk="document"),
    "api/v1/archive/documents/{pk}/destroy": scoped(pk="document"),
    "api/v1/two-factor/staff/{staff_id}/reset": scoped(staff_id="staff"),
    "api/v1/surveys/token/{token}": single(token="not-a-real-token"),
    "api/v1/surveys/token/{token}/answers": single(token="not-a-real-token"),
    "api/v1/reports/surveys/{pk}/report/{action}": expand(
        "action", ["save", "submit"], lambda _a: scoped(pk="campaign")
    ),
    "api/v1/policies/versions/{pk}/{action}": expand(
        "action",
        ["consult", "submit", "return", "approve", "acknowledge", "remind"],
        lambda _a: single(pk="policy_draft"),
    ),
    "api/v1/policies/versions/{pk}/sections/{section_id}": single(
        pk="policy_draft", section_id="policy_section"
    ),
    "api/v1/workplans/{pk}/targets/{target_id}": scoped(pk="workplan", target_id="target"),
    "api/v1/workplans/{pk}/initiatives/{initiative_id}/done": scoped(
        pk="workplan", initiative_id="initiative"
    ),
    "api/v1/portal/tickets/{pk}/files/{attachment_id}": scoped(
        pk="mine", attachment_id="mine_attachment"
    ),
    "api/v1/meetings/{pk}/agenda/{item_id}": scoped(pk="meeting", item_id="agenda_item"),
    "api/v1/appraisal/cycles/{pk}": single(pk="cycle"),
    "api/v1/appraisal/cycles/{pk}/appraisals": single(pk="cycle"),
    "api/v1/appraisal/disputes/{pk}/answer": scoped(pk="appraisal_dispute"),
    "api/v1/meetings/{pk}/minutes/{step}": expand(
        "step", ["submit", "approve", "return", "pdf"], lambda _a: scoped(pk="meeting")
    ),
}
# Otherwise the path's beginning names the object of its {pk} (or {mail_id} …).
API_KINDS = [
    ("api/v1/tickets/", "ticket"),
    ("api/v1/knowledge/", "article"),
    ("api/v1/incidents/", "incident"),
    ("api/v1/tasks/", "task"),
    ("api/v1/mail/inbound/", "mail"),
    ("api/v1/telephony/log/", "call"),
    ("api/v1/surveys/versions/", "version"),
    ("api/v1/surveys/campaigns/", "campaign"),
    ("api/v1/surveys/invitations/", "invitation"),
    ("api/v1/surveys/my/invitations/", "invitation"),
    ("api/v1/improvements/", "item"),
    ("api/v1/workplans/", "workplan"),
    ("api/v1/workreports/", "workreport"),
    ("api/v1/rewards/", "reward"),
    ("api/v1/supervision/members/", "member"),
    ("api/v1/supervision/checklists/", "checklist"),
    ("api/v1/supervision/plans/", "plan"),
    ("api/v1/supervision/inspections/", "inspection"),
    ("api/v1/supervision/calibrations/", "calibration"),
    ("api/v1/reports/surveys/", "campaign"),
    ("api/v1/portal/tickets/", "mine"),
    ("api/v1/policies/documents/", "policy_document"),
    ("api/v1/policies/versions/", "policy_draft"),
    ("api/v1/policies/evaluations/", "policy_evaluation"),
    ("api/v1/portal/staff/signups/", "signup"),
    ("api/v1/portal/staff/announcements/", "announcement"),
    ("api/v1/appraisal/appraisals/", "appraisal"),
    ("api/v1/meetings/series/", "series"),
    ("api/v1/meetings/actions/", "action"),
    ("api/v1/meetings/decisions/", "decision"),
    ("api/v1/meetings/", "meeting"),
    ("api/v1/notices/", "notice"),
    ("api/v1/staffing/roster/", "roster_entry"),
    ("api/v1/staffing/leave/", "staffing_leave"),
    ("api/v1/staffing/corrections/", "staffing_correction"),
    ("api/v1/staffing/people/", "staffing_person"),
    *[
        (f"api/v1/{key}/", key)
        for key in (
            "communities",
            "buildings",
            "units",
            "rooms",
            "residents",
            "occupancies",
            "departments",
            "staff",
        )
    ],
]
SHARED_KINDS = {
    "article",
    "version",
    "policy_document",
    "policy_draft",
    "policy_evaluation",
    "checklist",
}
PARAM = re.compile(r"[{<](?:\w+:)?(\w+)[}>]")


def variants_of(route: str, objects: Objects, table: dict):
    """[(variant, path)] of a page route or an API path."""
    params = PARAM.findall(route)
    if not params:
        return [("-", "/" + route)]
    spec = table.get(route)
    if spec is None and route.startswith("api/"):
        for prefix, kind in API_KINDS:
            if route.startswith(prefix) and len(params) == 1:
                spec = (
                    single(**{params[0]: kind})
                    if kind in SHARED_KINDS
                    else scoped(**{params[0]: kind})
                )
                break
    if spec is None:
        raise AssertionError(f"the matrix does not know the objects of {route}: add it")
    return [(label, "/" + fill(route, values)) for label, values in spec(objects)]


def fill(route: str, values: dict) -> str:
    return PARAM.sub(lambda m: str(values[m.group(1)]), route)


# --- who asks ---------------------------------------------------------------------------------


def make_personas(world) -> dict[str, tuple[Client, dict]]:
    """persona → (a client with its session, the headers that carry its API token)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from wuyedesk.accounts.choices import Post
    from wuyedesk.accounts.services import token_create
    from wuyedesk.core.resources import REGISTRY
    from wuyedesk.properties.records import record_archive
    from wuyedesk.testing import make_staff

    users = {
        "resident": world.resident,
        "admin": world.admin,
        "executive": world.executive,
        "manager": world.manager,
        "specialist": world.specialist,
        "assistant": world.assistant,
        "department": world.worker,
        "supervisor": world.supervisor,
        "archived": make_staff("archived", [Post.SPECIALIST], [world.a], name="离职专员"),
    }
    personas = {"anonymous": (Client(raise_request_exception=False), {})}
    for name, user in users.items():
        client = Client(raise_request_exception=False)
        kind = "ResidentPhoneBackend" if name == "resident" else "StaffBackend"
        client.force_login(user, backend=f"wuyedesk.accounts.backends.{kind}")
        _token, raw = token_create(user=user, name="matrix")
        personas[name] = (client, {"Authorization": f"Bearer {raw}"})
    # Enrolled in two-factor login, signed in with the password alone: owes the second step
    # on every page. Its API door is a token it cannot get (token_create refuses it).
    unverified = make_staff("unverified", [Post.SPECIALIST], [world.a], name="未验证专员")
    TOTPDevice.objects.create(user=unverified, name="phone", confirmed=True)
    client = Client(raise_request_exception=False)
    client.force_login(unverified, backend="wuyedesk.accounts.backends.StaffBackend")
    personas["unverified"] = (client, {})
    # Archived after its session and token were made: both must stop working.
    archived = users["archived"].staff
    record_archive(by=world.admin, resource=REGISTRY["staff"], instance=archived)
    return personas


def outcome(response) -> str:
    status = response.status_code
    if 300 <= status < 400:
        location = response.get("Location", "")
        if "/login/" in location:
            return "login"
        if "/account/two-factor/" in location:
            return "second-step"
        return "portal" if location.startswith("/portal/") else "redirect"
    return "ok" if status == 200 else str(status)


def ask(client, headers, method, path, api: bool) -> str:
    """One request whose effects are all undone: its writes, what it kept in the cache, the
    cookies it set (a logout must not end the persona's session for the next request)."""
    from django.core.cache import cache

    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        if method == "GET":
            response = client.get(path, headers=headers)
        elif api and method != "DELETE":
            response = client.generic(
                method, path, b"{}", content_type="application/json", headers=headers
            )
        else:
            response = client.generic(method, path, headers=headers)
        transaction.set_rollback(True)
    cache.clear()
    client.cookies = cookies
    return outcome(response)


def requests_of(objects) -> list[tuple[str, str, str, str, bool]]:
    """(method, route, variant, path, api) of every page and API operation."""
    out = []
    for route in page_routes():
        for variant, path in variants_of(route, objects, PAGE_PARAMS):
            out += [("GET", route, variant, path, False), ("POST", route, variant, path, False)]
    for method, route in api_operations():
        for variant, path in variants_of(route, objects, API_PARAMS):
            out.append((method, route, variant, path, True))
    return out


def read_table() -> dict[tuple[str, str, str], list[str]]:
    if not TABLE.exists():
        return {}
    rows = csv.reader(io.StringIO(TABLE.read_text(encoding="utf-8")), delimiter="\t")
    header = next(rows)
    assert header[3:] == PERSONAS, "the table's columns are not the personas of this test"
    return {tuple(row[:3]): row[3:] for row in rows if row and not row[0].startswith("#")}


def write_table(rows: dict) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(["method", "route", "variant", *PERSONAS])
    for key in sorted(rows, key=lambda k: (k[1], k[0], k[2])):
        writer.writerow([*key, *rows[key]])
    TABLE.write_text(out.getvalue(), encoding="utf-8")


SECOND_STEP = re.compile(r"^(GET|POST) /account/two-factor/")
RESIDENT_DOORS = re.compile(
    r"^(GET|POST|PUT|DELETE) /(portal/|surveys/my/|account/password/"
    r"|api/v1/(portal/|surveys/my/|notifications/|auth/tokens))"
)


def broken_rules(method, path, variant, persona, result) -> str | None:
    """A rule that holds whatever the table says, or None."""
    let_in = result in ("ok", "201", "202", "204", "redirect")
    door = f"{method} {path}"
    if result.startswith("5"):
        return "server error"
    if persona in ("anonymous", "archived") and let_in and not PUBLIC.match(door):
        return "let in without a live account"
    api = path.startswith("/api/")
    if persona == "unverified" and let_in and not (PUBLIC.match(door) or SECOND_STEP.match(door)):
        return "let in before the second step of the login"
    if persona == "archived" and api and result != "401" and not PUBLIC.match(door):
        return "an archived person's token must answer 401"
    if persona == "resident" and let_in and not (PUBLIC.match(door) or RESIDENT_DOORS.match(door)):
        return "a resident reached a staff door"
    if variant.endswith("out") and let_in and persona not in COMPANY_WIDE:
        return "reached an object of another community"
    return None


@pytest.mark.django_db
def test_every_page_and_endpoint_answers_each_persona_as_the_table_says(world, settings, tmp_path):
    from django.core.cache import cache

    from wuyedesk.properties.models import Company

    # The matrix asks thousands of times from one address: rate limits are not its subject.
    Company.objects.filter(pk=1).update(
        **{
            f: "100000/m"
            for f in (
                "rate_login",
                "rate_signup",
                "rate_code_per_number",
                "rate_code_per_address",
                "rate_password_reset",
                "rate_survey_link",
            )
        }
    )
    settings.MEDIA_ROOT = tmp_path / "media"
    objects = Objects(world)
    personas = make_personas(world)
    cache.clear()  # who is enrolled in two-factor login is kept there
    actual, broken = {}, []
    for method, route, variant, path, api in requests_of(objects):
        cells = []
        for persona in PERSONAS:
            client, headers = personas[persona]
            result = ask(client, headers if api else {}, method, path, api)
            cells.append(result)
            rule = broken_rules(method, path, variant, persona, result)
            if rule:
                broken.append(f"{method} {path} ({variant}) as {persona}: {result}, {rule}")
        actual[(method, route, variant)] = cells

    if os.environ.get("WUYEDESK_MATRIX_WRITE"):
        write_table(actual)
    expected = read_table()
    differences = []
    for key, cells in actual.items():
        if key not in expected:
            differences.append(f"not in the table: {' '.join(key)}")
            continue
        for persona, want, got in zip(PERSONAS, expected[key], cells, strict=True):
            if want != got:
                differences.append(f"{' '.join(key)} as {persona}: table {want}, now {got}")
    differences += [
        f"in the table, no longer a route: {' '.join(k)}" for k in expected.keys() - actual.keys()
    ]
    assert not broken, "rules broken:\n" + "\n".join(broken)
    assert not differences, (
        "the matrix differs from permission_matrix.tsv (review, then write it with "
        "WUYEDESK_MATRIX_WRITE=1):\n" + "\n".join(differences)
    )
