"""No way around the rules (issue #11 point 12): no action ends a ticket that its workflow
does not let end, whichever door it comes through; a merge goes only into a ticket of the
same kind (or by the manager, with a reason, audited); a merged ticket still counts under
its own kind."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from wuyedesk.audit.models import AuditEntry
from wuyedesk.reports import metrics
from wuyedesk.testing import PASSWORD
from wuyedesk.tickets import services
from wuyedesk.tickets.choices import EventKind, Outcome, Status
from wuyedesk.tickets.models import Ticket


def one_measure(world):
    """The corrective measure a decision needs (CMP-3, the regulation's default)."""
    return {"what": "整改", "department": world.engineering, "due": dt.date(2030, 1, 1)}


KINDS = ["complaint", "inquiry", "repair", "suggestion"]


@pytest.fixture
def take(call, categories):
    """take(kind, **fields) -> a fresh ticket of that kind, its workflow not yet done."""

    def make(kind, **fields):
        category = categories["ATTITUDE"] if kind == "complaint" else categories["UTILITY"]
        return call(kind=kind, category=category, **fields)

    return make


def _other(kind):
    return "complaint" if kind != "complaint" else "inquiry"


def _code(error: ValidationError, field: str) -> str:
    return error.error_dict[field][0].code


def assert_not_ended(ticket):
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.status != Status.CLOSED and fresh.closed_at is None
    assert fresh.merged_into_id is None and fresh.outcome == ""
    assert not fresh.events.filter(kind__in=[EventKind.CLOSE, EventKind.MERGE]).exists()


# ----------------------------------------------------------------- merges across kinds


def test_specialist_cannot_merge_a_complaint_into_an_inquiry(world, take):
    complaint, inquiry = take("complaint"), take("inquiry")

    with pytest.raises(ValidationError) as refused:
        services.ticket_merge(by=world.specialist, ticket=complaint, into=inquiry)

    assert _code(refused.value, "into") == "kind_mismatch"
    assert "投诉不能合并到咨询" in str(refused.value)
    assert_not_ended(complaint)
    assert not AuditEntry.objects.filter(object_type="tickets.ticket").exists()


def test_an_inquiry_cannot_be_merged_into_a_complaint_either(world, take):
    inquiry, complaint = take("inquiry"), take("complaint")
    with pytest.raises(ValidationError) as refused:
        services.ticket_merge(by=world.assistant, ticket=inquiry, into=complaint, reason="重复")
    assert _code(refused.value, "into") == "kind_mismatch"
    assert_not_ended(inquiry)


def test_a_duplicate_complaint_merges_into_the_complaint_that_carries_on(world, take):
    duplicate, carries_on = take("complaint"), take("complaint")
    services.ticket_merge(by=world.specialist, ticket=duplicate, into=carries_on)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED and duplicate.outcome == Outcome.MERGED
    assert duplicate.merged_into == carries_on
    # The one that carries on still owes the customer its feedback and return visit.
    assert services.close_blockers(carries_on)


def test_manager_merges_across_kinds_only_with_a_reason_and_it_is_audited(world, take):
    complaint, inquiry = take("complaint"), take("inquiry")

    with pytest.raises(ValidationError) as refused:
        services.ticket_merge(by=world.manager, ticket=complaint, into=inquiry, reason="  ")
    assert _code(refused.value, "reason") == "required"
    assert_not_ended(complaint)

    services.ticket_merge(
        by=world.manager, ticket=complaint, into=inquiry, reason="客户确认只是咨询,误登记为投诉"
    )
    complaint.refresh_from_db()
    assert complaint.merged_into == inquiry and complaint.status == Status.CLOSED
    entry = AuditEntry.objects.get(object_type="tickets.ticket", object_id=complaint.pk)
    assert entry.actor == world.manager
    assert entry.changes["reason"] == "客户确认只是咨询,误登记为投诉"
    assert entry.changes["kind"] == ["complaint", "inquiry"]
    event = complaint.events.get(kind=EventKind.MERGE)
    assert "误登记为投诉" in event.body and event.data["from_kind"] == "complaint"
    assert not event.public


def test_merge_refused_on_the_page_with_the_message_in_chinese_and_english(world, take, client_as):
    complaint, inquiry = take("complaint"), take("inquiry")
    client = client_as(world.specialist)
    data = {"into": inquiry.number, "version": complaint.version}

    page = client.post(f"/tickets/{complaint.pk}/merge/", data).content.decode()
    assert "只能合并到同类工单" in page
    assert f'value="{inquiry.number}"' in page  # the form stays filled
    assert_not_ended(complaint)

    world.specialist.language = "en"
    world.specialist.save()
    page = client.post(f"/tickets/{complaint.pk}/merge/", data).content.decode()
    assert "only into a ticket of the same kind" in page
    assert_not_ended(complaint)


def test_merge_refused_in_the_api_with_a_json_code(world, take, api_as):
    complaint, inquiry = take("complaint"), take("inquiry")
    url = f"/api/v1/tickets/{complaint.pk}/merge"

    refused = api_as(world.specialist).post(url, {"into": inquiry.pk})
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "kind_mismatch" and body["field"] == "into" and body["message"]
    assert_not_ended(complaint)

    no_reason = api_as(world.manager).post(url, {"into": inquiry.pk})
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    assert_not_ended(complaint)

    world.specialist.language = "en"
    world.specialist.save()
    english = api_as(world.specialist).post(url, {"into": inquiry.pk}).json()
    assert english["code"] == "kind_mismatch"
    assert "only into a ticket of the same kind" in english["message"]

    merged = api_as(world.manager).post(url, {"into": inquiry.pk, "reason": "误登记"})
    assert merged.status_code == 200
    assert merged.json()["merged_into_id"] == inquiry.pk
    assert AuditEntry.objects.filter(object_id=complaint.pk, actor=world.manager).exists()


def test_a_merged_complaint_still_counts_as_a_complaint(world, take, client_as):
    from django.utils import timezone

    complaint, inquiry = take("complaint"), take("inquiry")
    services.ticket_merge(by=world.manager, ticket=complaint, into=inquiry, reason="误登记")
    day = timezone.localdate()

    data = metrics.dashboard(world.manager, metrics.Scope(start=day, end=day))

    assert {k["key"]: k["n"] for k in data["by_kind"]}["complaint"] == 1
    assert data["total"] == 2
    investigated = {r["name"]: r for r in data["rates"]}["investigation_on_time"]
    assert investigated["denominator"] == 1  # reported, never decided: it still counts
    drill = client_as(world.manager).get(
        "/reports/tickets/", {"start": day, "end": day, "kind": "complaint"}
    )
    assert [t.pk for t in drill.context["page"]] == [complaint.pk]


def test_reopening_a_merged_ticket_lets_it_carry_on_by_itself(world, take):
    duplicate, carries_on = take("complaint"), take("complaint")
    services.ticket_merge(by=world.specialist, ticket=duplicate, into=carries_on)
    duplicate.refresh_from_db()
    services.ticket_reopen(by=world.specialist, ticket=duplicate, reason="不是同一件事")
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None and duplicate.status == Status.INVESTIGATING
    assert services.close_blockers(duplicate)


# ------------------------------------------------- every ending against every workflow rule


def _end_by_service(world, ending, ticket, other):
    if ending == "close":
        services.ticket_close(by=world.specialist, ticket=ticket, note="结案")
    elif ending == "merge":
        services.ticket_merge(by=world.specialist, ticket=ticket, into=other)
    elif ending == "return_visit_unreachable":
        for _attempt in range(5):
            services.ticket_return_visit(
                by=world.specialist, ticket=ticket, channel="phone", reached=False
            )
    else:
        raise AssertionError(ending)


def _end_by_api(api, ending, ticket, other):
    url = f"/api/v1/tickets/{ticket.pk}"
    if ending == "close":
        return [api.post(f"{url}/close", {"note": "结案"})]
    if ending == "merge":
        return [api.post(f"{url}/merge", {"into": other.pk})]
    return [api.post(f"{url}/return-visit", {"reached": False}) for _attempt in range(5)]


ENDINGS = ["close", "merge", "return_visit_unreachable"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("ending", ENDINGS)
def test_no_ending_skips_the_workflow_via_the_service(world, take, kind, ending):
    """Complaint: feedback and a return visit before it ends; the other kinds: a follow-up."""
    ticket, other = take(kind), take(_other(kind))
    with pytest.raises(ValidationError):
        _end_by_service(world, ending, ticket, other)
    assert_not_ended(ticket)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("ending", ENDINGS)
def test_no_ending_skips_the_workflow_via_the_api(world, take, api_as, kind, ending):
    ticket, other = take(kind), take(_other(kind))
    for response in _end_by_api(api_as(world.specialist), ending, ticket, other):
        assert response.status_code == 422, response.content
        assert response.json()["code"]
    assert_not_ended(ticket)


@pytest.mark.parametrize("door", ["service", "api"])
def test_a_complaint_fed_back_but_not_return_visited_does_not_close(world, take, api_as, door):
    complaint = take("complaint")
    services.ticket_decide(
        by=world.manager, ticket=complaint, decision="批评教育", measures=[one_measure(world)]
    )
    services.ticket_feedback(by=world.specialist, ticket=complaint, channel="phone", text="已处理")
    if door == "service":
        with pytest.raises(ValidationError, match="尚未记录回访"):
            services.ticket_close(by=world.specialist, ticket=complaint)
    else:
        response = api_as(world.specialist).post(f"/api/v1/tickets/{complaint.pk}/close", {})
        assert response.status_code == 422 and response.json()["code"] == "invalid_state"
    assert_not_ended(complaint)


@pytest.mark.parametrize("kind", ["complaint", "repair", "suggestion"])
@pytest.mark.parametrize("door", ["service", "api"])
def test_only_an_inquiry_is_answered_and_closed_at_intake(
    world, take, api_as, categories, kind, door
):
    if door == "service":
        with pytest.raises(ValidationError):
            take(kind, answer="当场答复")
    else:
        category = categories["ATTITUDE"] if kind == "complaint" else categories["UTILITY"]
        response = api_as(world.specialist).post(
            "/api/v1/tickets",
            {
                "kind": kind,
                "channel": "phone",
                "category": category.pk,
                "room": world.rooms_a[0].pk,
                "description": "当场答复的尝试",
                "answer": "当场答复",
            },
        )
        assert response.status_code == 422 and response.json()["field"] == "answer"
    assert not Ticket.objects.filter(status=Status.CLOSED).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_the_residents_confirmation_never_ends_a_ticket(world, take, client, kind):
    from wuyedesk.channels.services import portal_confirm

    ticket = take(kind)
    services.ticket_comment(by=world.specialist, ticket=ticket, text="您好,已安排。", public=True)
    portal_confirm(by=world.resident, ticket=ticket, text="好的")
    assert_not_ended(ticket)

    other = take(kind)
    services.ticket_comment(by=world.specialist, ticket=other, text="您好,已安排。", public=True)
    token = client.post(
        "/api/v1/portal/token",
        {"mobile": "13812345678", "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    response = client.post(
        f"/api/v1/portal/tickets/{other.pk}/confirm",
        {"text": "好的"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200 and not response.json()["closed"]
    assert_not_ended(other)


def test_once_the_rule_is_met_the_ticket_ends(world, take):
    """The refusals above are the rule, not a broken action: done in order, it closes."""
    inquiry = take("inquiry")
    services.ticket_follow_up(by=world.specialist, ticket=inquiry, channel="phone", text="已答复")
    services.ticket_close(by=world.specialist, ticket=inquiry)
    assert Ticket.objects.get(pk=inquiry.pk).status == Status.CLOSED
