"""Acceptance (issue #16): a new hire cannot be assigned a ticket until the induction
courses are passed, and can once they are (MGT-4)."""

import pytest
from django.core.exceptions import ValidationError

from wuyedesk.testing import assert_api_error, make_staff, policy_in_force, ticket_page
from wuyedesk.tickets.services import ticket_assign
from wuyedesk.training import selectors


def test_new_hire_cannot_be_assigned_until_the_induction_is_passed(
    world, induction, new_hire, call, held
):
    ticket = call()
    culture, processes, skills = induction

    with pytest.raises(ValidationError) as refused:
        ticket_assign(by=world.manager, ticket=ticket, owner=new_hire)
    assert "owner" in refused.value.message_dict
    assert "服务流程" in refused.value.message_dict["owner"][0]
    ticket.refresh_from_db()
    assert ticket.owner_id != new_hire.pk

    held(culture, [new_hire])
    held(processes, [new_hire], {new_hire: 59})  # below the pass mark: still blocked
    held(skills, [new_hire], {new_hire: 60})
    assert selectors.induction_block(new_hire) == "入职培训未通过:服务流程"
    with pytest.raises(ValidationError):
        ticket_assign(by=world.manager, ticket=ticket, owner=new_hire)

    held(processes, [new_hire], {new_hire: 75})
    ticket.refresh_from_db()
    ticket_assign(by=world.manager, ticket=ticket, owner=new_hire)

    ticket.refresh_from_db()
    assert ticket.owner_id == new_hire.pk
    assert selectors.induction_block(new_hire) is None


def test_the_assign_endpoint_answers_422_on_owner_until_passed(
    world, api_as, induction, new_hire, call, pass_induction
):
    ticket = call()
    api = api_as(world.manager)
    url = f"/api/v1/tickets/{ticket.pk}/assign"

    refused = api.post(url, {"owner": new_hire.staff.id})
    body = assert_api_error(refused, 422, "induction", "owner")
    assert "企业文化" in body["message"]

    pass_induction(new_hire)
    assigned = api.post(url, {"owner": new_hire.staff.id})

    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["owner"]["name"] == "新同事"


def test_the_gate_is_a_setting_of_the_regulation(world, induction, new_hire, call):
    policy_in_force(induction_gate_enabled=False)
    ticket = call()

    ticket_assign(by=world.manager, ticket=ticket, owner=new_hire)

    assert selectors.induction_block(new_hire) is None
    assert selectors.induction_blocked_ids([new_hire.pk]) == set()


def test_batch_form_names_the_blocked_in_two_queries(
    world, induction, new_hire, pass_induction, django_assert_max_num_queries
):
    pass_induction(world.specialist)
    ids = [new_hire.pk, world.specialist.pk, world.worker.pk, world.manager.pk]
    for _warm in range(2):  # the regulation's first version and the course list are kept
        selectors.induction_blocked_ids(ids)

    with django_assert_max_num_queries(2):
        blocked = selectors.induction_blocked_ids(ids)

    # the worker's and the manager's posts take none of these courses
    assert blocked == {new_hire.pk}


def test_an_archived_course_no_longer_blocks(world, induction, new_hire, held):
    from wuyedesk.training.services.courses import course_archive

    held(induction[0], [new_hire])
    held(induction[1], [new_hire], {new_hire: 90})
    course_archive(by=world.manager, course=induction[2])

    assert selectors.induction_block(new_hire) is None


def test_a_blocked_new_hire_records_a_ticket_without_owning_it(world, induction, new_hire, call):
    ticket = call(by=new_hire)

    assert ticket.owner_id is None
    assert ticket.created_by_id == new_hire.pk


def test_the_assign_picker_leaves_out_the_blocked_and_says_why(
    world, client_as, induction, new_hire, call, pass_induction
):
    pass_induction(world.specialist)
    ticket = call()

    html = ticket_page(client_as(world.manager), ticket)
    assert "未通过入职培训的人员不能被指派为负责人:新同事" in html
    assert (
        f'value="{new_hire.pk}"'
        not in html.split("未通过入职培训的人员")[0].split('name="owner"')[-1]
    )


def test_the_intake_page_tells_a_blocked_new_hire(world, client_as, induction, new_hire):
    page = client_as(new_hire).get("/tickets/new/")

    html = page.content.decode()
    assert 'id="induction-block"' in html
    assert "入职培训未通过:企业文化、服务流程、服务技巧" in html
    assert (
        'id="induction-block"' not in client_as(world.manager).get("/tickets/new/").content.decode()
    )


def test_the_transfer_picker_leaves_out_a_department_member_not_yet_inducted(
    world, client_as, call
):
    from wuyedesk.accounts.choices import Post
    from wuyedesk.training.services import courses

    courses.course_create(
        by=world.manager,
        title="安全作业",
        kind="induction",
        hours="2",
        pass_mark=None,
        posts=[Post.DEPARTMENT],
        position=0,
    )
    newcomer = make_staff("newfitter", [Post.DEPARTMENT], [world.a], world.engineering, "新维修工")
    ticket = call()

    def offered():
        html = ticket_page(client_as(world.specialist), ticket)
        transfer = html.split('name="assignee"')[1].split("</select>")[0]
        return f'value="{newcomer.pk}"' in transfer, f'value="{world.worker.pk}"' in transfer

    # Neither has passed the department's induction course: neither is offered.
    assert offered() == (False, False)
    policy_in_force(induction_gate_enabled=False)
    assert offered() == (True, True)
