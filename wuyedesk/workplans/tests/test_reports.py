"""Work reports (AST-2): drafted from the data by the worker, equal to the dashboard's
figures for the same period and scope, commentary per section, submitted, returned,
approved and sent to the executives; PDF (pypdf) and XLSX; the periodic drafting."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from wuyedesk.notifications.models import Notification
from wuyedesk.reports import metrics
from wuyedesk.testing import assert_api_error, make_staff, policy_in_force
from wuyedesk.workplans import drafting
from wuyedesk.workplans.models import WorkReport
from wuyedesk.workplans.services import exports
from wuyedesk.workplans.services import reports as services


@pytest.fixture
def drafted(world, month_tickets, last_month, django_capture_on_commit_callbacks):
    """The assistant's monthly report of community A for the fixture month, drafted."""
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(
            by=world.assistant, cadence="monthly", day=last_month[0], community=world.a
        )
    report.refresh_from_db()
    return report


def test_monthly_report_equals_the_dashboard_for_that_month(world, drafted, last_month):
    start, end = last_month
    assert (drafted.start, drafted.end) == (start, end)
    assert drafted.drafted_at is not None and not drafted.draft_error
    assert drafted.draft_step == drafted.draft_steps == len(drafting.STEPS)
    scope = metrics.Scope(start=start, end=end, community_id=world.a.pk)
    dashboard = metrics.dashboard(world.assistant, scope)
    assert drafted.figures["dashboard"] == dashboard
    # The fixture month's tickets of A: 4 (B's and this month's are not in it).
    assert drafted.figures["dashboard"]["total"] == 4
    assert drafted.figures["complaints"]["total"] == 1
    assert {c["id"]: c["n"] for c in drafted.figures["communities"]} == {world.a.pk: 4}
    from wuyedesk.supervision.selectors import inspection_figures

    assert drafted.figures["inspections"] == {
        "available": True,
        **inspection_figures(world.assistant, start, end),
    }


def test_report_page_shows_the_figures_and_progress(world, drafted, client_as):
    page = client_as(world.assistant).get(reverse("workreport_detail", args=[drafted.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-figure="total">4<' in html and "工单量与趋势" in html
    status = client_as(world.assistant).get(reverse("workreport_status", args=[drafted.pk]))
    assert status.status_code == 200 and 'data-drafting="0"' in status.content.decode()


def test_drafting_progress_is_shown_while_it_runs(world, last_month, client_as):
    # Without running the commit callbacks the worker has not started: the page polls.
    report = services.report_request(
        by=world.assistant, cadence="monthly", day=last_month[0], community=world.a
    )
    assert report.drafting and report.draft_steps == len(drafting.STEPS)
    html = client_as(world.assistant).get(reverse("workreport_detail", args=[report.pk]))
    html = html.content.decode()
    assert "正在从数据起草" in html and 'hx-trigger="every 2s"' in html


def test_workflow_commentary_submit_return_approve_notifies_executives(
    world, drafted, client_as, django_capture_on_commit_callbacks
):
    url = reverse("workreport_action", args=[drafted.pk, "save"])
    too_long = {"volumes": "长" * 5001}
    response = client_as(world.assistant).post(url, too_long)
    assert response.status_code == 422
    assert "长" * 50 in response.content.decode()  # the form stays filled
    drafted.refresh_from_db()
    assert drafted.commentary == {}
    client_as(world.assistant).post(
        url, {"volumes": "本月工单平稳。", "complaints": "一起服务态度投诉。"}
    )
    drafted.refresh_from_db()
    assert drafted.commentary == {"volumes": "本月工单平稳。", "complaints": "一起服务态度投诉。"}
    with django_capture_on_commit_callbacks(execute=True):
        client_as(world.assistant).post(
            reverse("workreport_action", args=[drafted.pk, "submit"]),
            {"volumes": "本月工单平稳。", "complaints": "一起服务态度投诉。"},
        )
    drafted.refresh_from_db()
    assert drafted.status == "submitted"
    assert Notification.objects.filter(user=world.manager, kind="work_report").exists()
    # Submitted: no more edits.
    response = client_as(world.assistant).post(url, {"volumes": "改"})
    assert response.status_code == 422
    # The executive does not see a report before it is approved.
    assert (
        client_as(world.executive).get(reverse("workreport_detail", args=[drafted.pk])).status_code
        == 404
    )

    response = client_as(world.manager).post(
        reverse("workreport_action", args=[drafted.pk, "return"]), {}
    )
    assert response.status_code == 422 and "退回时请写明修改意见" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client_as(world.manager).post(
            reverse("workreport_action", args=[drafted.pk, "return"]), {"remarks": "补充原因"}
        )
    drafted.refresh_from_db()
    assert drafted.status == "returned" and drafted.remarks == "补充原因"
    assert Notification.objects.filter(user=world.assistant, kind="work_report").exists()
    with django_capture_on_commit_callbacks(execute=True):
        client_as(world.assistant).post(
            reverse("workreport_action", args=[drafted.pk, "submit"]),
            {"volumes": "本月工单平稳。", "complaints": "投诉原因:沟通不足。"},
        )
        client_as(world.manager).post(
            reverse("workreport_action", args=[drafted.pk, "approve"]), {"remarks": "同意"}
        )
    drafted.refresh_from_db()
    assert drafted.status == "approved"
    assert Notification.objects.filter(user=world.executive, kind="work_report").count() == 1
    # In the reader's language, whoever approved it (#12 point 9's Msg).
    sent = Notification.objects.get(user=world.executive, kind="work_report")
    with translation.override("en"):
        from wuyedesk.lib.messages import render

        assert render(sent.message) == (
            f"Customer service work report: Monthly report {drafted.start}–{drafted.end}"
        )
    assert (
        client_as(world.executive).get(reverse("workreport_detail", args=[drafted.pk])).status_code
        == 200
    )
    kinds = list(drafted.events.values_list("kind", flat=True))
    assert kinds == ["drafted", "saved", "submitted", "returned", "submitted", "approved"]


def test_only_the_manager_approves_and_the_others_are_kept_out(world, drafted, client_as):
    services.report_submit(by=world.assistant, report=drafted)
    response = client_as(world.assistant).post(
        reverse("workreport_action", args=[drafted.pk, "approve"])
    )
    assert response.status_code == 403
    for persona in ("specialist", "supervisor", "worker", "specialist_b"):
        page = client_as(world.users[persona]).get(reverse("workreport_detail", args=[drafted.pk]))
        assert page.status_code in (403, 404), persona
    resident = client_as(world.resident).get(reverse("workreport_list"))
    assert resident.status_code in (302, 403)
    drafted.refresh_from_db()
    assert drafted.status == "submitted"


def test_bad_request_keeps_the_form_and_changes_nothing(world, client_as):
    client = client_as(world.assistant)
    future = timezone.localdate() + dt.timedelta(days=400)
    response = client.post(
        reverse("workreport_list"), {"cadence": "monthly", "day": future, "community": world.a.pk}
    )
    assert response.status_code == 422 and "报告期间尚未开始" in response.content.decode()
    # A scoped assistant cannot draft the whole company's report.
    response = client.post(
        reverse("workreport_list"), {"cadence": "monthly", "day": timezone.localdate()}
    )
    assert response.status_code == 422 and "请选择小区" in response.content.decode()
    assert not WorkReport.objects.exists()


def test_pdf_contains_the_chinese_text_and_xlsx(
    world, drafted, client_as, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    services.report_save(by=world.assistant, report=drafted, commentary={"volumes": "报修量上升"})
    client = client_as(world.assistant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("workreport_action", args=[drafted.pk, "pdf"]))
    drafted.refresh_from_db()
    assert drafted.pdf_rendered_at is not None, drafted.pdf_error
    download = client.get(reverse("workreport_pdf", args=[drafted.pk]))
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "客服部工作报告" in text and "阳光花园" in text and "报修量上升" in text
    assert "投诉及处理结果" in text

    workbook = client.get(reverse("workreport_xlsx", args=[drafted.pk]))
    assert workbook.status_code == 200
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(workbook.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "工单总数" in values and 4 in values
    # The specialist has no export right.
    assert client_as(world.specialist).get(
        reverse("workreport_xlsx", args=[drafted.pk])
    ).status_code in (403, 404)


def test_periodic_job_drafts_the_due_cadences_once(
    world, month_tickets, django_capture_on_commit_callbacks
):
    boss = make_staff("boss", ["manager"], [world.a, world.b], name="总经理")  # every one
    policy_in_force(work_report_weekly=True, work_report_monthly=True, work_report_quarterly=False)
    with django_capture_on_commit_callbacks(execute=True):
        made = services.draft_due()
    assert sorted(r.cadence for r in made) == ["monthly", "weekly"]
    for report in WorkReport.objects.all():
        assert report.community_id is None and report.drafted_by == boss
        assert report.drafted_at is not None, report.draft_error
        assert report.end < timezone.localdate()
    monthly = WorkReport.objects.get(cadence="monthly")
    scope = drafting.scope_of(monthly)
    assert monthly.figures["dashboard"]["total"] == metrics.dashboard(boss, scope)["total"] == 5
    assert services.draft_due() == []  # once per period


def test_api_draft_commentary_submit_and_errors(
    world, month_tickets, last_month, api_as, django_capture_on_commit_callbacks
):
    api = api_as(world.assistant)
    body = {"cadence": "monthly", "day": last_month[0].isoformat(), "community": world.a.pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/workreports", body)
    assert response.status_code == 202, response.content
    pk = response.json()["id"]
    got = api.get(f"/api/v1/workreports/{pk}").json()
    assert got["drafting"] is False and got["figures"]["dashboard"]["total"] == 4
    assert_api_error(
        api.put(f"/api/v1/workreports/{pk}/commentary", {"commentary": {"nope": "x"}}),
        422,
        "literal_error",
        "commentary.nope.[key]",
    )
    response = api.put(f"/api/v1/workreports/{pk}/commentary", {"commentary": {"staffing": "够"}})
    assert response.status_code == 200 and response.json()["commentary"] == {"staffing": "够"}
    assert_api_error(
        api_as(world.manager).post(f"/api/v1/workreports/{pk}/return", {"remarks": "早"}),
        422,
        "invalid_state",
        None,
    )
    assert api.post(f"/api/v1/workreports/{pk}/submit").status_code == 200
    assert_api_error(
        api_as(world.manager).post(f"/api/v1/workreports/{pk}/return", {"remarks": ""}),
        422,
        "required",
        "remarks",
    )
    assert api.post(f"/api/v1/workreports/{pk}/approve", {}).status_code == 403
    ok = api_as(world.manager).post(f"/api/v1/workreports/{pk}/approve", {"remarks": ""})
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    assert [r["id"] for r in api_as(world.executive).get("/api/v1/workreports").json()] == [pk]
    assert api_as(world.specialist).get("/api/v1/workreports").status_code == 403
    assert api_as(world.specialist_b).get(f"/api/v1/workreports/{pk}").status_code == 403


def test_display_splits_the_rates(world, drafted):
    shown = exports.display(drafted)
    assert [r["name"] for r in shown["visit_rates"]] == ["return_visit", "satisfied", "rated_well"]
    assert "follow_up_on_time" in [r["name"] for r in shown["deadline_rates"]]
