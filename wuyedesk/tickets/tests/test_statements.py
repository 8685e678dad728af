"""The hand-written statements (lib/statements.py) read what their ORM querysets read:
every column of every instance and related instance, the same types, the same rows."""

import datetime as dt
import decimal

import pytest
from django.utils import timezone

from wuyedesk.accounts.backends import SESSION_USER, StaffBackend
from wuyedesk.accounts.models import ApiToken, User
from wuyedesk.accounts.services import LIVE_TOKEN, token_authenticate, token_create
from wuyedesk.lib.statements import Statement, ValuesByIds, _concrete
from wuyedesk.properties.models import Room
from wuyedesk.properties.selectors import usable
from wuyedesk.tickets import rows
from wuyedesk.tickets.categories import active_category
from wuyedesk.tickets.models import Category, Ticket


def columns(instance) -> dict:
    """Every column of an instance, with the type of its value."""
    return {
        f.attname: (getattr(instance, f.attname), type(getattr(instance, f.attname)))
        for f in _concrete(type(instance))
    }


def same(ours, orms, *paths):
    """`ours` equals the ORM's instance column by column, and so does each related row."""
    assert type(ours) is type(orms)
    assert columns(ours) == columns(orms)
    for path in paths:
        a, b = ours, orms
        for name in path.split("__"):
            a, b = getattr(a, name, None), getattr(b, name, None)
            if b is None:
                assert a is None, path
                break
            assert columns(a) == columns(b), path


def test_the_session_user_is_the_orms_with_staff_and_without(world):
    for user in (world.manager, world.users["resident"]):
        ours = SESSION_USER.first([user.pk])
        orms = User.objects.select_related("staff").get(pk=user.pk)
        same(ours, orms)
        assert getattr(ours, "staff", None) == getattr(orms, "staff", None)
        if getattr(orms, "staff", None) is not None:
            same(ours.staff, orms.staff, "department")
    assert SESSION_USER.first([10**9]) is None
    assert StaffBackend().get_user("not a number") is None


def test_the_session_user_reads_no_more_for_its_staff(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = StaffBackend().get_user(world.manager.pk)
        assert user.staff.name == "王经理"
    token, _raw = token_create(user=world.users["resident"])
    with django_assert_num_queries(1):
        found = LIVE_TOKEN.first([token.digest, True])
        assert found.user.resident.name == "张伟"
    token, _raw = token_create(user=world.manager)
    with django_assert_num_queries(1):
        found = LIVE_TOKEN.first([token.digest, True])
        assert found.user.resident is None  # a forward row: known absent, no query
        assert found.user.staff.name == "王经理"


def test_a_live_token_is_the_orms_and_a_revoked_one_is_none(world):
    for user in (world.manager, world.users["resident"]):
        token, raw = token_create(user=user)
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        ours = LIVE_TOKEN.first([token.digest, True])
        orms = ApiToken.objects.select_related("user__staff", "user__resident").get(pk=token.pk)
        same(ours, orms, "user", "user__resident")
        assert isinstance(ours.last_used_at, dt.datetime) and ours.last_used_at.tzinfo
        assert token_authenticate(raw) == user
    ApiToken.objects.update(revoked_at=timezone.now())
    assert LIVE_TOKEN.first([token.digest, True]) is None
    assert token_authenticate(raw) is None


def test_an_inactive_users_token_is_refused(world):
    _token, raw = token_create(user=world.specialist)
    User.objects.filter(pk=world.specialist.pk).update(is_active=False)
    assert token_authenticate(raw) is None


def test_a_usable_room_is_the_orms_with_its_building_and_community(world):
    room = world.rooms_a[0]
    Room.objects.filter(pk=room.pk).update(area=decimal.Decimal("88.50"))
    related = ("community", "unit__building__community")
    ours = usable(world.manager, Room, room.pk, *related)
    orms = Room.objects.select_related(*related).get(pk=room.pk)
    same(ours, orms, "community", "unit", "unit__building", "unit__building__community")
    assert ours.area == decimal.Decimal("88.50") and isinstance(ours.area, decimal.Decimal)
    assert usable(world.specialist_b, Room, room.pk, *related) is None  # out of scope
    Room.objects.filter(pk=room.pk).update(archived_at=timezone.now())
    assert usable(world.manager, Room, room.pk, *related) is None


def test_an_active_category_is_the_orms_with_parent_and_children(categories):
    parent = Category.objects.filter(parent__isnull=True, children__isnull=False).first()
    child = parent.children.first()
    leaf_root = Category.objects.filter(parent__isnull=True, children__isnull=True).first()
    for category in (parent, child, leaf_root):
        ours = active_category(category.pk)
        same(ours, Category.objects.select_related("parent").get(pk=category.pk), "parent")
        assert ours.has_children == category.children.exists()
    Category.objects.filter(pk=parent.pk).update(active=False)
    assert active_category(parent.pk) is None
    assert active_category(child.pk) is None  # under an inactive parent
    assert active_category(10**9) is None


def test_a_left_join_below_an_optional_row_keeps_the_row(world):
    """A ticket without a room still reads: the room's unit and building join LEFT too."""
    statement = Statement(Ticket, "room__unit__building", "resident", where='t0."id" = %s')
    assert "LEFT JOIN" in statement.sql() and "INNER JOIN" not in statement.sql().split("t1")[1]


def test_list_rows_are_the_orms_values(world, call):
    with_room = call()
    without_room = call(room=None, resident=None, community=world.a)
    complaint = call(kind="complaint", severity="major")
    ids = [with_room.pk, without_room.pk, complaint.pk]
    for names in (rows.LIST_COLUMNS, tuple(n for n in rows.PAGE_COLUMNS if "__name" not in n)):
        ours = sorted(ValuesByIds(Ticket, names)(ids), key=lambda row: row["id"])
        orms = list(Ticket.objects.filter(id__in=ids).order_by("id").values(*names))
        assert ours == orms
        for a, b in zip(ours, orms, strict=True):
            assert {k: type(v) for k, v in a.items()} == {k: type(v) for k, v in b.items()}
    assert ValuesByIds(Ticket, ("id",))([]) == []


@pytest.mark.parametrize("columns_", [rows.LIST_COLUMNS, rows.PAGE_COLUMNS])
def test_by_ids_keeps_the_order_of_the_ids(world, call, columns_):
    tickets = [call() for _ in range(3)]
    ids = [tickets[2].pk, tickets[0].pk, tickets[1].pk]
    assert [row["id"] for row in rows.by_ids(ids, columns_)] == ids


TICKET_PATHS = (
    "category",
    "category__parent",
    "community",
    "resident",
    "owner",
    "owner__staff",
    "department",
    "room",
    "room__unit",
    "room__unit__building",
    "created_by",
    "created_by__staff",
    "incident",
    "merged_into",
)


def test_the_ticket_pages_read_is_the_orms(world, call):
    """selectors.TICKET (a ticket page's and every action's read) reads what the ORM's
    select_related did: with and without a room, merged into another, owned and not."""
    from wuyedesk.tickets.selectors import LIST_RELATED, TICKET, TICKET_WITH_RELATED

    target = call(kind="complaint", severity="major")
    merged = call()
    Ticket.objects.filter(pk=merged.pk).update(merged_into=target, owner=None)
    without_room = call(room=None, resident=None, community=world.a)
    for ticket in (target, merged, without_room):
        ours = TICKET.first([ticket.pk])
        orms = Ticket.objects.select_related(*LIST_RELATED, *TICKET_WITH_RELATED).get(pk=ticket.pk)
        same(ours, orms, *TICKET_PATHS)
    assert TICKET.first([10**9]) is None


def test_the_page_read_counts_events_merged_and_linked_tickets_as_the_orm_does(world, call):
    """selectors.TICKET_PAGE's counts decide whether the page reads the merged and linked
    tickets at all and stamp the kept timeline: they must be the ORM's, none or several."""
    from django.db.models import Max

    from wuyedesk.tickets import services
    from wuyedesk.tickets.selectors import TICKET_PAGE

    target, other, merged = call(), call(), call()
    bare = TICKET_PAGE.first([other.pk])
    Ticket.objects.filter(pk=merged.pk).update(merged_into=target)
    services.ticket_link(by=world.manager, ticket=target, other=other)
    services.ticket_comment(by=world.manager, ticket=target, text="备注")
    for ticket in (target, other, merged):
        ours = TICKET_PAGE.first([ticket.pk])
        events = ticket.events.aggregate(last=Max("id"))["last"]
        assert (ours.events_count, ours.events_last) == (ticket.events.count(), events)
        assert ours.merged_count == Ticket.objects.filter(merged_into=ticket).count()
        assert ours.related_count == ticket.related.count()
        for name in ("dispatches", "measures", "return_visits", "attachments"):
            assert getattr(ours, f"{name}_count") == getattr(ticket, name).count(), name
    assert TICKET_PAGE.first([target.pk]).merged_count == 1
    assert TICKET_PAGE.first([target.pk]).related_count == 1
    assert TICKET_PAGE.first([other.pk]).related_count == 1  # a link is both ways
    assert bare.related_count == 0 and bare.merged_count == 0
    assert TICKET_PAGE.first([other.pk]).events_count > bare.events_count


def test_a_ticket_is_read_only_within_scope(world, call, django_assert_num_queries):
    from django.http import Http404

    from wuyedesk.tickets.selectors import ticket_get_for_user

    ticket = call()
    ticket_get_for_user(world.manager, ticket.pk)  # their posts and scope, kept on the user
    with django_assert_num_queries(2):  # may they see it, then the ticket with its rows
        found = ticket_get_for_user(world.manager, ticket.pk)
        assert found.room.unit.building.pk == ticket.room.unit.building_id
    strangers = ((world.specialist_b, ticket.pk), (world.manager, 10**9), (world.manager, 2**70))
    for who, pk in strangers:
        with pytest.raises(Http404):
            ticket_get_for_user(who, pk)


def test_the_page_rows_of_a_ticket_are_the_orms(world, call, categories, django_assert_num_queries):
    """selectors.PAGE_ROWS (Ticket.rows on the ticket page and in the API) read what the ORM's
    prefetch read: each dispatch and measure with its department, each return visit, in the
    models' order, linked to their ticket; a ticket read otherwise reads them by the ORM."""
    from wuyedesk.tickets import services
    from wuyedesk.tickets.selectors import ticket_get_for_page

    c = call(kind="complaint", category=categories["ATTITUDE"], description="保安态度恶劣")
    ticket_get_for_page(world.manager, c.pk)  # the manager's posts, kept on the user
    with django_assert_num_queries(1):  # none of the rows is read: there are none
        bare = ticket_get_for_page(world.manager, c.pk)
        assert (bare.rows("dispatches"), bare.rows("measures"), bare.rows("return_visits")) == (
            [],
            [],
            [],
        )
    services.ticket_investigate(
        by=world.manager, ticket=c, departments=[world.engineering, world.partner_b], note="查"
    )
    for d in c.dispatches.all():
        services.dispatch_reply(by=world.manager, dispatch=d, text="已查明")
    measure = {"what": "培训", "department": world.engineering, "due": dt.date(2026, 12, 31)}
    services.ticket_decide(by=world.manager, ticket=c, decision="批评", measures=[measure] * 2)
    services.ticket_feedback(by=world.specialist, ticket=c, channel="phone", text="已处理")
    for reached in (False, True):
        services.ticket_return_visit(
            by=world.specialist, ticket=c, channel="phone", reached=reached,
            satisfaction="satisfied" if reached else "", words="满意" if reached else "",
        )  # fmt: skip
    page = ticket_get_for_page(world.manager, c.pk)
    assert (page.dispatches_count, page.measures_count, page.return_visits_count) == (2, 2, 2)
    orms = Ticket.objects.prefetch_related(
        "dispatches__department", "measures__department", "return_visits"
    ).get(pk=c.pk)
    for relation in ("dispatches", "measures", "return_visits"):
        ours, theirs = page.rows(relation), list(getattr(orms, relation).all())
        assert len(ours) == len(theirs) == 2, relation
        for mine, its in zip(ours, theirs, strict=True):
            same(mine, its, *(("department",) if relation != "return_visits" else ()))
            assert mine.ticket is page
    plain = Ticket.objects.get(pk=c.pk)
    assert [d.pk for d in plain.rows("dispatches")] == [d.pk for d in page.rows("dispatches")]


def test_the_page_decides_who_sees_a_ticket_as_tickets_visible_to(world, call, categories):
    """selectors._sees_read (the ticket page's and the API's read) answers for every post what
    tickets_visible_to answers: a department sees a ticket sent to it or owing it a measure,
    within its communities; a scoped post its communities'; no one else anything."""
    from django.http import Http404

    from wuyedesk.accounts.choices import Post
    from wuyedesk.properties.models import Department
    from wuyedesk.testing import make_staff
    from wuyedesk.tickets import services
    from wuyedesk.tickets.selectors import ticket_get_for_page, tickets_visible_to

    kf = Department.objects.get(code="KF")
    plain = call()
    sent = call(kind="complaint", category=categories["ATTITUDE"], description="态度差")
    services.ticket_investigate(
        by=world.manager, ticket=sent, departments=[world.engineering], note="查"
    )
    owed = call(kind="complaint", category=categories["ATTITUDE"], description="又态度差")
    services.ticket_investigate(by=world.manager, ticket=owed, departments=[kf], note="查")
    for d in owed.dispatches.all():
        services.dispatch_reply(by=world.manager, dispatch=d, text="已查明")
    measure = {"what": "培训", "department": world.engineering, "due": dt.date(2026, 12, 31)}
    services.ticket_decide(by=world.manager, ticket=owed, decision="批评", measures=[measure])
    in_b = call(
        by=world.specialist_b, resident=world.resident_b, room=world.rooms_b[0], community=world.b
    )
    readers = [
        *world.users.values(),
        make_staff("no-department", [Post.DEPARTMENT], [world.a], None, "无部门"),
        make_staff("partner", [Post.DEPARTMENT], [world.b], world.partner_b, "维保"),
        make_staff("two-posts", [Post.DEPARTMENT, Post.SPECIALIST], [world.a], kf, "兼"),
    ]
    seen = set()
    for user in readers:
        for ticket in (plain, sent, owed, in_b):
            allowed = tickets_visible_to(user).filter(pk=ticket.pk).exists()
            try:
                ticket_get_for_page(user, ticket.pk)
                found = True
            except Http404:
                found = False
            assert found == allowed, (user.username, ticket.number)
            seen.add((user.username, ticket.pk, found))
    # The cases that matter are all there: a department seeing and not seeing.
    assert ("worker", sent.pk, True) in seen and ("worker", owed.pk, True) in seen
    assert ("worker", plain.pk, False) in seen and ("specialist", in_b.pk, False) in seen


def test_the_pages_files_are_the_orms(world, call):
    """attachments.TICKET_FILES (the ticket page's files) reads what attachments_of does."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wuyedesk.tickets.attachments import attachment_add, attachments_of, files_of

    ticket = call()
    assert files_of(ticket) == []
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
        b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
        b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    for name in ("a.png", "b.png"):
        attachment_add(
            by=world.specialist, ticket=ticket, upload=SimpleUploadedFile(name, png, "image/png")
        )
    ours, orms = files_of(ticket), list(attachments_of(ticket))
    assert len(ours) == len(orms) == 2
    for mine, its in zip(ours, orms, strict=True):
        same(mine, its, "uploaded_by__staff")


def test_the_page_reads_a_tickets_incident_and_merge_target_only_when_it_has_them(
    world, call, client_as
):
    """TICKET_PAGE joins neither (few tickets have them): a ticket in an incident and merged
    into another shows both, each read by its key, one query more each than a plain page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wuyedesk.tickets.models import Incident

    plain, target, both = call(), call(), call()
    incident = Incident.objects.create(community=world.a, title="3栋停水", created_by=world.manager)
    Ticket.objects.filter(pk=both.pk).update(incident=incident, merged_into=target)
    me = client_as(world.manager)

    def page(ticket):
        me.get(f"/tickets/{ticket.pk}/")  # the kept parts drawn once
        with CaptureQueriesContext(connection) as read:
            html = me.get(f"/tickets/{ticket.pk}/").content.decode()
        return html, len(read)

    (_html, plain_queries), (html, queries) = page(plain), page(both)
    assert f'href="/tickets/incidents/{incident.pk}/">3栋停水</a>' in html
    assert f'href="/tickets/{target.pk}/">{target.number}</a>' in html
    assert queries == plain_queries + 2


def test_the_page_names_the_owner_and_the_creator_without_reading_their_accounts(
    world, call, client_as
):
    """TICKET_PAGE joins no account: the names come from those each process holds
    (rows.person_of), the staff record's name else the username, as before; an owned
    ticket's page reads no more than an unowned one's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    owned, unowned = call(), call()
    Ticket.objects.filter(pk=owned.pk).update(owner=world.specialist, created_by=world.manager)
    Ticket.objects.filter(pk=unowned.pk).update(owner=None, created_by=world.manager)
    me = client_as(world.manager)

    def page(ticket):
        me.get(f"/tickets/{ticket.pk}/")  # the names and the kept parts drawn once
        with CaptureQueriesContext(connection) as read:
            html = me.get(f"/tickets/{ticket.pk}/").content.decode()
        return html, len(read)

    (html, queries), (bare, bare_queries) = page(owned), page(unowned)
    assert f'id="ticket-owner">{world.specialist.staff.name}</dd>' in html
    assert 'id="ticket-owner">—</dd>' in bare
    assert f"· {world.manager.staff.name}</dd>" in html
    assert queries == bare_queries
