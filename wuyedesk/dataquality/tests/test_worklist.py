"""The data-quality worklist (#15 point 7, AST-3): what each kind finds, the merge of two
residents, dismissing a false positive, ending occupancies, the home's counts and the API."""

import re

import pytest
from django.utils import timezone

from wuyedesk.audit.models import AuditAction, AuditEntry
from wuyedesk.dataquality import selectors, services
from wuyedesk.dataquality.choices import Problem
from wuyedesk.dataquality.models import Dismissal, Snapshot
from wuyedesk.properties.models import Occupancy, Resident, Room
from wuyedesk.testing import assert_api_error, make_resident
from wuyedesk.tickets.models import Ticket


def test_the_worklist_finds_the_two_duplicates_and_merging_keeps_their_rows(world, twins):
    original, twin, first, second = twins
    pairs = selectors.duplicate_pairs(world.assistant)
    assert [(p.first.pk, p.second.pk) for p in pairs] == [(original.pk, twin.pk)]
    assert pairs[0].reasons == ["phone", "name_room"]
    occupancies = set(
        Occupancy.objects.filter(resident__in=[original, twin]).values_list("pk", flat=True)
    )

    survivor = services.residents_merge(
        by=world.assistant, survivor_id=original.pk, duplicate_id=twin.pk
    )

    assert set(Ticket.objects.filter(resident=survivor).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert set(survivor.occupancies.values_list("pk", flat=True)) == occupancies
    twin.refresh_from_db()
    assert twin.archived_at is not None  # archived, not deleted
    assert not Occupancy.objects.filter(resident=twin).exists()
    # The twin's current occupancy of the same room would be a second one: it ended, kept.
    assert survivor.occupancies.filter(move_out__isnull=True).count() == 1
    rows = AuditEntry.objects.filter(object_type="properties.resident")
    merged = rows.get(action=AuditAction.ARCHIVE, object_id=twin.pk)
    assert merged.details["merged_into"] == survivor.pk
    assert merged.details["moved"]["tickets.ticket"] == 1
    assert rows.filter(action=AuditAction.UPDATE, object_id=survivor.pk).exists()
    assert selectors.duplicate_pairs(world.assistant) == []


def test_the_merge_moves_rows_of_relations_hidden_from_related_objects(world, twins):
    from wuyedesk.mailbox.models import SenderLink

    original, twin, *_ = twins
    assert SenderLink not in {r.related_model for r in Resident._meta.related_objects}
    link = SenderLink.objects.create(address="z@example.com", resident=twin, linked_by=world.admin)
    services.residents_merge(by=world.manager, survivor_id=original.pk, duplicate_id=twin.pk)
    link.refresh_from_db()
    assert link.resident_id == original.pk


def test_the_merge_is_refused_outside_the_scope_and_for_bad_input(world, twins):
    original, twin, *_ = twins
    with pytest.raises(services.PermissionDenied):
        services.residents_merge(by=world.specialist, survivor_id=original.pk, duplicate_id=twin.pk)
    other = make_resident(world.rooms_b[1], name="张伟", phone="13812345678")
    with pytest.raises(services.ValidationError) as refused:
        services.residents_merge(by=world.assistant, survivor_id=original.pk, duplicate_id=other.pk)
    assert "duplicate" in refused.value.error_dict
    with pytest.raises(services.ValidationError):
        services.residents_merge(
            by=world.assistant, survivor_id=original.pk, duplicate_id=original.pk
        )
    assert Resident.objects.filter(archived_at__isnull=False).count() == 0


def test_two_portal_logins_are_not_merged(world, twins):
    from wuyedesk.accounts.choices import UserKind
    from wuyedesk.accounts.models import User

    original, twin, *_ = twins
    User.objects.create_user(
        username="twin", password="x-Pass-1234", kind=UserKind.RESIDENT, resident=twin
    )
    with pytest.raises(services.ValidationError) as refused:
        services.residents_merge(by=world.assistant, survivor_id=original.pk, duplicate_id=twin.pk)
    assert refused.value.error_dict["duplicate"][0].code == "two_accounts"
    twin.refresh_from_db()
    assert twin.archived_at is None


def test_not_a_duplicate_is_kept_off_the_list(world, twins):
    original, twin, *_ = twins
    services.problem_dismiss(
        by=world.assistant,
        kind=Problem.DUPLICATES,
        object_id=twin.pk,
        other_id=original.pk,
        reason="父子同名",
    )
    assert selectors.duplicate_pairs(world.assistant) == []
    assert Dismissal.objects.get().object_id == original.pk
    with pytest.raises(services.ValidationError):  # no longer listed
        services.problem_dismiss(
            by=world.assistant, kind=Problem.DUPLICATES, object_id=original.pk, other_id=twin.pk
        )
    with pytest.raises(services.ValidationError):
        services.problem_dismiss(by=world.assistant, kind="nonsense", object_id=1)


def test_each_kind_finds_its_rows(world, call, categories):
    from wuyedesk.mailbox.models import InboundMail

    silent = Resident.objects.create(community=world.a, name="无联系", phone="")
    occupancy = Occupancy.objects.get(resident=world.resident_a)
    world.resident_a.archived_at = timezone.now()
    world.resident_a.save()
    call(resident=None, room=None, community=world.a, category=categories["OTHER"])
    mail = InboundMail.objects.create(
        dedupe_key="<x@example.com>", from_address="x@example.com", subject="问一下", attention=True
    )
    user = world.assistant
    assert list(selectors.residents_without_contact(user)) == [silent]
    assert list(selectors.stale_occupancies(user)) == [occupancy]
    assert selectors.tickets_unknown_caller(user).count() == 1
    assert selectors.tickets_without_category(user).count() == 1
    assert list(selectors.mail_without_resident(user)) == [mail]
    rooms = set(selectors.rooms_without_owner(user).values_list("pk", flat=True))
    assert rooms == {r.pk for r in world.rooms_a[1:]}
    # Out of scope: community B's assistant sees none of community A's rows.
    assert selectors.stale_occupancies(world.specialist_b).count() == 0

    assert services.occupancies_end(by=user, ids=[occupancy.pk]) == 1
    occupancy.refresh_from_db()
    assert occupancy.move_out == timezone.localdate()
    assert selectors.stale_occupancies(user).count() == 0
    with pytest.raises(services.ValidationError):
        services.occupancies_end(by=user, ids=[occupancy.pk])
    with pytest.raises(services.ValidationError):
        services.occupancies_end(by=user, ids=["x"])


def test_the_snapshot_counts_per_community_and_the_trend_sums_them(world, twins):
    services.snapshot_take()
    services.snapshot_take()  # the day again replaces its rows
    assert Snapshot.objects.filter(kind=Problem.DUPLICATES).get().count == 1
    trend = selectors.trend(world.assistant)
    assert trend[Problem.DUPLICATES][-1]["count"] == 1
    assert selectors.trend(world.specialist_b)[Problem.DUPLICATES] == []


FIGURE = re.compile(r'href="([^"]+)" data-figure="(dq_[^"]+)" data-count="(\d+)"')


def test_the_assistants_home_counts_equal_the_lists(world, twins, call, client_as):
    Resident.objects.create(community=world.a, name="无联系", phone="")
    services.snapshot_take()
    client = client_as(world.assistant)
    page = client.get("/").content.decode()
    found = FIGURE.findall(page)
    assert {key for _u, key, _n in found} == {f"dq_{k}" for k in Problem.values}
    assert 'id="dq-trend"' in page
    for url, key, n in found:
        listed = client.get(url)
        assert listed.status_code == 200
        assert listed.content.decode().count("data-row") == int(n), key
    assert dict((k, int(n)) for _u, k, n in found)["dq_duplicates"] == 1


def test_the_pages_merge_and_dismiss(world, twins, client_as):
    original, twin, *_ = twins
    client = client_as(world.assistant)
    assert client.get("/data-quality/").status_code == 200
    assert client.get("/data-quality/nonsense/").status_code == 404
    page = client.get(f"/data-quality/merge/{original.pk}/{twin.pk}/")
    assert page.status_code == 200 and "merge-form" in page.content.decode()
    bad = client.post(f"/data-quality/merge/{original.pk}/{twin.pk}/", {"survivor": "x"})
    assert bad.status_code == 200 and "alert-danger" in bad.content.decode()
    done = client.post(f"/data-quality/merge/{original.pk}/{twin.pk}/", {"survivor": twin.pk})
    assert done.status_code == 302
    original.refresh_from_db()
    assert original.archived_at is not None
    assert Ticket.objects.filter(resident=twin).count() == 2


@pytest.mark.parametrize("who", ["specialist", "worker", "supervisor", "executive", "resident"])
def test_others_may_not_open_the_worklist(world, client_as, who):
    response = client_as(world.users[who]).get("/data-quality/")
    assert response.status_code == 403


def test_the_api(world, twins, api_as):
    original, twin, *_ = twins
    api = api_as(world.manager)
    kinds = {row["kind"]: row for row in api.get("/api/v1/data-quality").json()}
    assert kinds["duplicates"]["count"] == 1
    rows = api.get("/api/v1/data-quality/duplicates").json()["rows"]
    assert (rows[0]["id"], rows[0]["other_id"]) == (original.pk, twin.pk)
    assert_api_error(api.get("/api/v1/data-quality/nonsense"), 422, "literal_error", "kind")
    assert_api_error(api_as(world.specialist).get("/api/v1/data-quality"), 403, "permission_denied")
    assert_api_error(
        api.post(
            "/api/v1/data-quality/merge", {"survivor_id": original.pk, "duplicate_id": original.pk}
        ),
        422,
        "same",
        "duplicate",
    )
    done = api.post(
        "/api/v1/data-quality/merge", {"survivor_id": original.pk, "duplicate_id": twin.pk}
    )
    assert done.status_code == 200, done.content
    assert Ticket.objects.filter(resident=original).count() == 2
    assert api.post("/api/v1/data-quality/occupancies/end", {"ids": []}).status_code == 422
    assert_api_error(
        api.post("/api/v1/data-quality/dismiss", {"kind": "no_contact", "object_id": 99999}),
        422,
        "not_found",
        "object_id",
    )


def test_the_homes_kept_trend_and_overview_follow_a_new_snapshot_and_a_new_room(
    world, twins, client_as
):
    """The assistant's home keeps the trend and the drawn community table (web/home.py,
    issue #12); a snapshot and a record written show at once."""
    client = client_as(world.assistant)
    before = client.get("/").content.decode()
    assert 'title="' not in before.split('id="dq-trend"', 1)[1].split("</table>", 1)[0]
    services.snapshot_take()
    after = client.get("/").content.decode()
    trend = after.split('id="dq-trend"', 1)[1].split("</table>", 1)[0]
    assert f'title="{timezone.localdate():%Y-%m-%d}">1<' in trend
    overview = re.compile(rf'\?community={world.a.pk}">(\d+)</a>')
    rooms = int(overview.search(after).group(1))
    sample = world.rooms_a[0]
    Room.objects.create(
        community=world.a, building=sample.building, unit=sample.unit, number="9901", floor=99
    )
    assert int(overview.search(client.get("/").content.decode()).group(1)) == rooms + 1
