"""Recruitment (#16 point 6, MGR-2): openings of the manager's department, candidates with
their personal data masked and every reveal logged, the stages with interviewer and notes,
the offer; who may do what (another department's manager sees nothing); bad input."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from wuyedesk.accounts.choices import Post
from wuyedesk.audit.models import AuditAction, AuditEntry
from wuyedesk.recruitment import selectors, services
from wuyedesk.recruitment.choices import OpeningStatus, Stage
from wuyedesk.recruitment.models import Candidate, Opening, StageRecord
from wuyedesk.recruitment.tests.conftest import ID_NUMBER, PHONE, pdf
from wuyedesk.testing import assert_api_error, make_staff


@pytest.fixture
def other_manager(world):
    """The manager of the engineering department, in the same community."""
    return make_staff("gc-manager", [Post.MANAGER], [world.a], world.engineering, "工程经理")


def reveals(candidate, field=None):
    rows = AuditEntry.objects.filter(
        action=AuditAction.REVEAL, object_type="recruitment.candidate", object_id=candidate.pk
    )
    return rows.filter(changes__field=field) if field else rows


# --- services -----------------------------------------------------------------------------


def test_the_manager_opens_an_opening_of_their_department_with_an_audit_row(world, opening):
    assert opening.department == world.manager.staff.department
    assert list(opening.communities.all()) == [world.a]
    assert opening.status == OpeningStatus.OPEN and opening.opened_by == world.manager
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_type="recruitment.opening", object_id=opening.pk
    ).exists()


@pytest.mark.parametrize("who", ["specialist", "assistant", "executive", "admin", "supervisor"])
def test_only_a_manager_opens_openings(world, who):
    with pytest.raises(PermissionDenied):
        services.opening_create(
            by=getattr(world, who), title="x", post="specialist", communities=[world.a], headcount=1
        )


def test_an_opening_only_for_the_managers_communities_and_hiring_posts(world):
    with pytest.raises(ValidationError) as error:
        services.opening_create(
            by=world.manager, title="x", post="specialist", communities=[world.b.pk], headcount=1
        )
    assert error.value.error_dict["communities"][0].code == "out_of_scope"
    with pytest.raises(ValidationError) as error:
        services.opening_create(
            by=world.manager, title="x", post="admin", communities=[world.a.pk], headcount=1
        )
    assert error.value.error_dict["post"][0].code == "invalid_choice"
    with pytest.raises(ValidationError) as error:
        services.opening_create(
            by=world.manager, title="x", post="specialist", communities=[world.a.pk], headcount=0
        )
    assert error.value.error_dict["headcount"][0].code == "out_of_range"
    assert not Opening.objects.exists()


def test_a_candidate_is_stored_with_the_cv_under_a_random_name_and_logged(world, candidate):
    assert candidate.phone == PHONE and candidate.id_number == ID_NUMBER
    assert candidate.stage == Stage.SCREENING
    assert "13711112222" not in candidate.cv.name and candidate.cv.name.endswith(".pdf")
    assert default_storage.exists(candidate.cv.name)
    assert candidate.cv_name == f"cv-{candidate.pk}.pdf"
    entry = AuditEntry.objects.get(
        action=AuditAction.CREATE, object_type="recruitment.candidate", object_id=candidate.pk
    )
    assert PHONE not in str(entry.changes) and ID_NUMBER not in str(entry.changes)
    assert entry.changes["phone"] == "已修改"
    record = candidate.records.get()
    assert (record.stage, record.note, record.by) == ("screening", "简历符合要求", world.manager)


def test_bad_candidate_input_changes_nothing(world, opening):
    cases = [
        ({"phone": "12345"}, "phone", "invalid_phone"),
        ({"id_number": "110105194912310021"}, "id_number", "invalid_id_number"),
        ({"name": " "}, "name", "required"),
        ({"source": "tv"}, "source", "invalid_choice"),
        ({"cv": pdf("cv.txt", b"plain text")}, "cv", "refused_type"),
    ]
    for change, field, code in cases:
        data = {"name": "李四", "phone": "13722223333", "source": "referral", **change}
        with pytest.raises(ValidationError) as error:
            services.candidate_create(by=world.manager, opening=opening, **data)
        assert error.value.error_dict[field][0].code == code
    assert not Candidate.objects.exists() and not StageRecord.objects.exists()


def test_the_stages_interviewer_notes_and_the_offer(world, candidate, offered):
    assert offered.stage == Stage.OFFER
    assert (offered.offer_date, offered.start_date) == (dt.date(2026, 12, 3), dt.date(2026, 12, 15))
    assert offered.offer_post == "specialist"
    stages = list(offered.records.values_list("stage", "interviewer__name", "note"))
    assert stages == [
        ("screening", None, "简历符合要求"),
        ("interview", "陈助理", "沟通清楚"),
        ("offer", None, ""),
    ]
    assert (
        AuditEntry.objects.filter(
            object_type="recruitment.candidate", object_id=candidate.pk, action=AuditAction.UPDATE
        ).count()
        == 2
    )


def test_a_second_interview_round_and_a_rejection_with_its_reason(world, candidate):
    for note in ("一面", "二面"):
        services.stage_record(
            by=world.manager,
            candidate=candidate,
            stage="interview",
            note=note,
            interviewer_id=world.manager.staff.pk,
        )
    with pytest.raises(ValidationError) as error:
        services.stage_record(by=world.manager, candidate=candidate, stage="rejected")
    assert error.value.error_dict["note"][0].code == "required"
    services.stage_record(by=world.manager, candidate=candidate, stage="rejected", note="经验不足")
    candidate.refresh_from_db()
    assert candidate.stage == Stage.REJECTED
    assert candidate.records.filter(stage="interview").count() == 2
    with pytest.raises(ValidationError) as error:
        services.stage_record(
            by=world.manager,
            candidate=candidate,
            stage="interview",
            interviewer_id=world.manager.staff.pk,
        )
    assert error.value.error_dict["stage"][0].code == "invalid_move"


def test_stage_and_offer_refuse_bad_input(world, candidate, other_manager):
    with pytest.raises(ValidationError) as error:
        services.stage_record(by=world.manager, candidate=candidate, stage="interview")
    assert error.value.error_dict["interviewer"][0].code == "required"
    with pytest.raises(ValidationError) as error:  # not of the manager's department
        services.stage_record(
            by=world.manager,
            candidate=candidate,
            stage="interview",
            interviewer_id=world.worker.staff.pk,
        )
    assert error.value.error_dict["interviewer"][0].code == "not_found"
    with pytest.raises(ValidationError) as error:  # an offer before any interview
        services.offer_make(
            by=world.manager,
            candidate=candidate,
            offer_date=dt.date(2026, 12, 3),
            start_date=dt.date(2026, 12, 15),
        )
    assert error.value.error_dict["stage"][0].code == "invalid_move"
    services.stage_record(
        by=world.manager,
        candidate=candidate,
        stage="interview",
        interviewer_id=world.manager.staff.pk,
    )
    with pytest.raises(ValidationError) as error:
        services.offer_make(
            by=world.manager,
            candidate=candidate,
            offer_date=dt.date(2026, 12, 3),
            start_date=dt.date(2026, 12, 1),
        )
    assert error.value.error_dict["start_date"][0].code == "before_offer"
    candidate.refresh_from_db()
    assert candidate.stage == Stage.INTERVIEW and candidate.offer_date is None


def test_another_departments_manager_sees_and_does_nothing(world, candidate, other_manager):
    assert not selectors.openings_visible_to(other_manager).exists()
    assert not selectors.candidates_visible_to(other_manager).exists()
    assert selectors.home_figures(other_manager)[0][2] == 0
    with pytest.raises(PermissionDenied):
        services.stage_record(by=other_manager, candidate=candidate, stage="withdrawn", note="x")
    with pytest.raises(PermissionDenied):
        services.reveal(by=other_manager, candidate=candidate, field="phone")
    with pytest.raises(PermissionDenied):
        services.opening_set_status(by=other_manager, opening=candidate.opening, status="closed")


def test_a_manager_of_another_community_sees_nothing(world, candidate):
    manager_b = make_staff("kf-b", [Post.MANAGER], [world.b], world.manager.staff.department)
    assert not selectors.candidates_visible_to(manager_b).exists()
    with pytest.raises(PermissionDenied):
        services.cv_open(by=manager_b, candidate=candidate)


def test_reveal_and_cv_are_logged_and_only_for_the_recruiting_manager(world, candidate):
    assert services.reveal(by=world.manager, candidate=candidate, field="phone") == PHONE
    assert services.reveal(by=world.manager, candidate=candidate, field="id_number") == ID_NUMBER
    services.cv_open(by=world.manager, candidate=candidate)
    assert reveals(candidate, "phone").get().actor == world.manager
    assert reveals(candidate, "id_number").count() == 1 and reveals(candidate, "cv").count() == 1
    # Executives read the records, never the personal data in full.
    assert selectors.candidates_visible_to(world.executive).filter(pk=candidate.pk).exists()
    with pytest.raises(PermissionDenied):
        services.reveal(by=world.executive, candidate=candidate, field="phone")
    with pytest.raises(ValidationError):
        services.reveal(by=world.manager, candidate=candidate, field="name")
    assert reveals(candidate).count() == 3


def test_reveal_follows_the_companys_setting(world, candidate):
    from wuyedesk.properties.models import Company

    Company.objects.filter(pk=1).update(reveal_posts=["assistant"])
    with pytest.raises(PermissionDenied):
        services.reveal(by=world.manager, candidate=candidate, field="phone")
    assert not reveals(candidate).exists()


def test_closing_and_reopening_an_opening(world, opening, candidate):
    services.opening_set_status(by=world.manager, opening=opening, status="closed")
    opening.refresh_from_db()
    assert opening.status == OpeningStatus.CLOSED and opening.closed_at is not None
    with pytest.raises(ValidationError) as error:
        services.candidate_create(
            by=world.manager, opening=opening, name="王五", phone="13733334444", source="other"
        )
    assert error.value.error_dict["opening"][0].code == "not_open"
    with pytest.raises(ValidationError) as error:
        services.opening_set_status(by=world.manager, opening=opening, status="filled")
    assert error.value.error_dict["status"][0].code == "invalid_choice"
    services.opening_set_status(by=world.manager, opening=opening, status="open")
    opening.refresh_from_db()
    assert opening.status == OpeningStatus.OPEN and opening.closed_at is None


# --- pages --------------------------------------------------------------------------------


def test_pages_mask_personal_data_and_the_reveal_is_logged(world, client_as, candidate):
    client = client_as(world.manager)
    page = client.get(f"/recruitment/candidates/{candidate.pk}/").content.decode()
    assert PHONE not in page and ID_NUMBER not in page and "137****2222" in page
    assert "张三-13711112222" not in page
    for url in (
        "/recruitment/",
        f"/recruitment/{candidate.opening_id}/",
        "/recruitment/candidates/",
    ):
        body = client.get(url).content.decode()
        assert PHONE not in body and ID_NUMBER not in body
    shown = client.post(f"/recruitment/candidates/{candidate.pk}/reveal/phone/")
    assert PHONE in shown.content.decode()
    assert reveals(candidate, "phone").count() == 1
    cv = client.get(f"/recruitment/candidates/{candidate.pk}/cv/")
    assert cv.status_code == 200 and cv["Content-Security-Policy"]
    assert f"cv-{candidate.pk}.pdf" in cv["Content-Disposition"]
    assert reveals(candidate, "cv").count() == 1


def test_pages_for_the_executive_and_the_out_of_scope(world, client_as, candidate, other_manager):
    client = client_as(world.executive)
    page = client.get(f"/recruitment/candidates/{candidate.pk}/").content.decode()
    assert (
        "137****2222" in page and "data-reveal" not in page and "candidate-stage-form" not in page
    )
    assert client.post(f"/recruitment/candidates/{candidate.pk}/reveal/phone/").status_code == 403
    assert client.get(f"/recruitment/candidates/{candidate.pk}/cv/").status_code == 403
    assert client.get("/recruitment/new/").status_code == 403
    client = client_as(other_manager)
    assert client.get(f"/recruitment/candidates/{candidate.pk}/").status_code == 404
    assert client.get(f"/recruitment/{candidate.opening_id}/").status_code == 404
    assert client_as(world.specialist).get("/recruitment/").status_code == 403
    assert not reveals(candidate).exists()


def test_the_opening_form_keeps_what_was_typed_on_bad_input(world, client_as):
    client = client_as(world.manager)
    response = client.post(
        "/recruitment/new/",
        {"title": "夜班客服", "post": "specialist", "headcount": "0", "description": "能上夜班"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "夜班客服" in body and "能上夜班" in body and "invalid-feedback" in body
    assert not Opening.objects.exists()
    response = client.post(
        "/recruitment/new/",
        {"title": "夜班客服", "post": "specialist", "headcount": "2", "communities": [world.a.pk]},
    )
    opening = Opening.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/recruitment/{opening.pk}/"


def test_the_candidate_form_keeps_what_was_typed_on_a_bad_phone(world, client_as, opening):
    client = client_as(world.manager)
    response = client.post(
        f"/recruitment/{opening.pk}/candidates/new/",
        {"name": "李四", "phone": "12345", "source": "referral", "note": "朋友推荐"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "李四" in body and "朋友推荐" in body
    assert "请输入有效的手机号" in body
    assert not Candidate.objects.exists()
    response = client.post(
        f"/recruitment/{opening.pk}/candidates/new/",
        {"name": "李四", "phone": "13722223333", "source": "referral", "cv": pdf()},
    )
    assert response.status_code == 302
    assert Candidate.objects.get().cv


def test_stage_and_offer_pages(world, client_as, candidate):
    client = client_as(world.manager)
    url = f"/recruitment/candidates/{candidate.pk}/"
    bad = client.post(url + "stage/", {"stage": "interview", "note": "一面记录"})
    assert bad.status_code == 200 and "面试须记录面试官" in bad.content.decode()
    assert "一面记录" in bad.content.decode()
    ok = client.post(
        url + "stage/",
        {"stage": "interview", "note": "一面", "interviewer": world.manager.staff.pk},
    )
    assert ok.status_code == 302
    ok = client.post(
        url + "offer/",
        {"post": "specialist", "offer_date": "2026-12-03", "start_date": "2026-12-15"},
    )
    assert ok.status_code == 302
    candidate.refresh_from_db()
    assert candidate.stage == Stage.OFFER


def test_the_home_counts_are_the_rows_of_their_lists(world, client_as, candidate):
    other = services.opening_create(
        by=world.manager, title="助理", post="assistant", communities=[world.a.pk], headcount=1
    )
    services.candidate_create(
        by=world.manager, opening=other, name="赵六", phone="13744445555", source="campus"
    )
    gone = services.candidate_create(
        by=world.manager, opening=other, name="钱七", phone="13755556666", source="campus"
    )
    services.stage_record(by=world.manager, candidate=gone, stage="withdrawn", note="另有工作")
    closed = services.opening_create(
        by=world.manager, title="旧职位", post="assistant", communities=[world.a.pk], headcount=1
    )
    services.candidate_create(
        by=world.manager, opening=closed, name="孙八", phone="13766667777", source="campus"
    )
    services.opening_set_status(by=world.manager, opening=closed, status="closed")
    client = client_as(world.manager)
    home = client.get("/").content.decode()
    figures = dict((key, (n, url)) for key, _label, n, url in selectors.home_figures(world.manager))
    assert figures["openings_open"][0] == 2 and figures["candidates_waiting"][0] == 2
    for key, (n, url) in figures.items():
        assert f'data-figure="{key}" data-count="{n}"' in home
        listed = client.get(url).content.decode().count("data-row=")
        assert listed == n, key
    # The home keeps these figures (web/home.py) until recruitment writes anything.
    services.opening_set_status(by=world.manager, opening=closed, status="open")
    assert 'data-figure="openings_open" data-count="3"' in client.get("/").content.decode()


def test_the_api_home_has_the_same_figures(world, api_as, candidate):
    numbers = {n["key"]: n for n in api_as(world.manager).get("/api/v1/home").json()["numbers"]}
    assert numbers["candidates_waiting"]["n"] == 1
    assert numbers["candidates_waiting"]["url"] == "/recruitment/candidates/?waiting=1"


def test_the_menu_has_recruitment_for_the_manager_and_executive(world, client_as):
    assert 'href="/recruitment/"' in client_as(world.manager).get("/").content.decode()
    assert 'href="/recruitment/"' not in client_as(world.specialist).get("/").content.decode()


# --- API ----------------------------------------------------------------------------------


def test_api_masks_and_reveals_with_a_log_row(world, api_as, candidate):
    api = api_as(world.manager)
    body = api.get(f"/api/v1/recruitment/candidates/{candidate.pk}").json()
    assert body["phone"] == "137****2222" and ID_NUMBER not in body["id_number"]
    assert [r["stage"] for r in body["records"]] == ["screening"]
    listed = api.get("/api/v1/recruitment/candidates", waiting="true").json()
    assert [c["id"] for c in listed["items"]] == [candidate.pk]
    assert PHONE not in str(listed)
    shown = api.post(f"/api/v1/recruitment/candidates/{candidate.pk}/reveal", {"field": "phone"})
    assert shown.json() == {"field": "phone", "value": PHONE}
    assert reveals(candidate, "phone").count() == 1
    assert api.get(f"/api/v1/recruitment/candidates/{candidate.pk}/cv").status_code == 200
    assert_api_error(
        api.post(f"/api/v1/recruitment/candidates/{candidate.pk}/reveal", {"field": "name"}),
        422,
        "literal_error",
        "field",
    )


def test_api_refuses_the_out_of_scope_and_other_posts(world, api_as, candidate, other_manager):
    pk = candidate.pk
    assert_api_error(
        api_as(other_manager).get(f"/api/v1/recruitment/candidates/{pk}"), 404, "not_found"
    )
    assert api_as(other_manager).get("/api/v1/recruitment/openings").json()["items"] == []
    assert_api_error(
        api_as(world.specialist).get("/api/v1/recruitment/openings"), 403, "permission_denied"
    )
    executive = api_as(world.executive)
    assert executive.get(f"/api/v1/recruitment/candidates/{pk}").status_code == 200
    assert_api_error(
        executive.post(f"/api/v1/recruitment/candidates/{pk}/reveal", {"field": "phone"}),
        403,
        "permission_denied",
    )
    assert_api_error(
        executive.post(
            "/api/v1/recruitment/openings",
            {"title": "x", "post": "specialist", "communities": [world.a.pk]},
        ),
        403,
        "permission_denied",
    )
    assert not reveals(candidate).exists()


def test_api_path_of_opening_stages_and_offer_with_bad_input(world, api_as, client):
    api = api_as(world.manager)
    bad = api.post(
        "/api/v1/recruitment/openings",
        {"title": "夜班", "post": "specialist", "communities": [world.b.pk]},
    )
    assert_api_error(bad, 422, "out_of_scope", "communities")
    assert_api_error(
        api.post(
            "/api/v1/recruitment/openings",
            {"title": "夜班", "post": "admin", "communities": [world.a.pk]},
        ),
        422,
        "literal_error",
        "post",
    )
    assert not Opening.objects.exists()
    made = api.post(
        "/api/v1/recruitment/openings",
        {"title": "夜班", "post": "specialist", "communities": [world.a.pk], "headcount": 2},
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    bad = client.post(
        f"/api/v1/recruitment/openings/{pk}/candidates",
        {"name": "李四", "phone": "12345", "source": "referral"},
        headers=api.headers,
    )
    assert_api_error(bad, 422, "invalid_phone", "phone")
    ok = client.post(
        f"/api/v1/recruitment/openings/{pk}/candidates",
        {"name": "李四", "phone": "13722223333", "source": "referral", "cv": pdf()},
        headers=api.headers,
    )
    assert ok.status_code == 201, ok.content
    cid = ok.json()["id"]
    assert ok.json()["phone"] == "137****3333" and ok.json()["has_cv"]
    url = f"/api/v1/recruitment/candidates/{cid}"
    assert_api_error(
        api.post(url + "/stage", {"stage": "interview"}), 422, "required", "interviewer"
    )
    step = api.post(
        url + "/stage",
        {"stage": "interview", "interviewer": world.manager.staff.pk, "held_on": "2026-12-01"},
    )
    assert step.status_code == 200 and step.json()["stage"] == "interview"
    assert_api_error(
        api.post(url + "/offer", {"offer_date": "2026-12-03", "start_date": "2026-12-01"}),
        422,
        "before_offer",
        "start_date",
    )
    offer = api.post(url + "/offer", {"offer_date": "2026-12-03", "start_date": "2026-12-15"})
    assert offer.status_code == 200 and offer.json()["offer_post"] == "specialist"
    closed = api.post(f"/api/v1/recruitment/openings/{pk}/status", {"status": "closed"})
    assert closed.json()["status"] == "closed"
