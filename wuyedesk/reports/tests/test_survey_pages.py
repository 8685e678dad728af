"""The analysis page, the answers behind a figure (anonymised for posts that may not see who
answered), the quarterly report's workflow, the PDF with its Chinese text and embedded font,
the XLSX with one row per answer, the API — and the improvement item from a low 环境卫生 score
that shows its before/after figures once the next quarter's answers are in."""

import datetime as dt
import io
import re
from html import unescape
from urllib.parse import parse_qsl

import pytest
from django.urls import reverse

from wuyedesk.reports.models import QuarterlyReport
from wuyedesk.reports.tests import survey_fixture as sf


@pytest.fixture
def quarters(world):
    """2026Q2: community A poor on 环境卫生 (1, 2, 2), B good (5, 4, 5). 2026Q3 is empty."""
    sf.cleaning_department(world)
    q2 = sf.campaign("2026Q2", dt.date(2026, 4, 1), [world.a, world.b])
    q3 = sf.campaign("2026Q3", dt.date(2026, 7, 1), [world.a, world.b])
    for room, clean, text in zip(
        world.rooms_a, (1, 2, 2), ("楼道垃圾没人清理", "", "卫生差"), strict=True
    ):
        sf.answer(
            q2,
            room,
            overall=3,
            nps=6,
            dims={"cleaning": clean, "service": 4},
            text=text,
            resident=world.resident_a if room == world.rooms_a[0] else None,
        )
    for room, clean in zip(world.rooms_b, (5, 4, 5), strict=True):
        sf.answer(q2, room, overall=5, nps=9, dims={"cleaning": clean, "service": 5})
    return q2, q3


def test_analysis_page_shows_figures_and_links_to_answers(world, client_as, quarters):
    q2, _q3 = quarters
    page = client_as(world.admin).get(reverse("survey_analysis", args=[q2.pk])).content.decode()
    assert 'data-dimension="cleaning"' in page
    assert f'data-finding="{world.a.pk}-cleaning"' in page
    assert "survey-data" in page and "survey_analysis.js" in page
    assert reverse("survey_answers", args=[q2.pk]) + "?dimension=" in page


def test_analysis_page_in_english(world, client_as, quarters):
    q2, _q3 = quarters
    world.admin.language = "en"
    world.admin.save(update_fields=["language"])
    page = client_as(world.admin).get(reverse("survey_analysis", args=[q2.pk])).content.decode()
    assert "Satisfaction index" in page and "Cleaning and sanitation" in page


def test_out_of_scope_and_wrong_post(world, client_as, quarters):
    q2, _q3 = quarters
    from wuyedesk.accounts.choices import Post
    from wuyedesk.testing import make_staff

    outsider = make_staff("outsider", [Post.SPECIALIST], [])
    assert client_as(outsider).get(reverse("survey_analysis", args=[q2.pk])).status_code == 404
    assert client_as(world.worker).get(reverse("survey_analysis", args=[q2.pk])).status_code == 403


def test_answers_are_anonymised_for_posts_that_may_not_see_who(world, client_as, quarters):
    q2, _q3 = quarters
    url = reverse("survey_answers", args=[q2.pk]) + "?question=text"
    manager = client_as(world.manager).get(url).content.decode()
    assert "张伟" in manager and "楼道垃圾没人清理" in manager
    specialist = client_as(world.specialist).get(url).content.decode()
    assert "张伟" not in specialist and "楼道垃圾没人清理" in specialist
    assert 'id="anonymised"' in specialist
    # community scope: the manager of A sees none of B's answers
    page = client_as(world.manager).get(
        reverse("survey_answers", args=[q2.pk]), {"community": world.b.pk}
    )
    assert "没有回答" in page.content.decode()


def test_report_workflow_pdf_and_xlsx(
    world, client_as, quarters, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    q2, _q3 = quarters
    assistant = client_as(world.assistant)
    url = reverse("survey_report_action", args=[q2.pk, "submit"])
    response = assistant.post(url, {"comments": ""})
    assert response.status_code == 422 and "请填写评述" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assistant.post(url, {"comments": "阳光花园环境卫生明显偏低,建议增加保洁频次。"})
    report = QuarterlyReport.objects.get(campaign=q2)
    assert report.status == "submitted" and report.figures["total"]["responses"] == 3
    from wuyedesk.notifications.models import Notification

    assert Notification.objects.filter(user=world.manager, kind="survey_report").exists()

    manager = client_as(world.manager)
    response = manager.post(
        reverse("survey_report_action", args=[q2.pk, "return"]), {"remarks": ""}
    )
    assert response.status_code == 422
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(
            reverse("survey_report_action", args=[q2.pk, "return"]), {"remarks": "请补充原因分析"}
        )
    report.refresh_from_db()
    assert report.status == "returned"
    with django_capture_on_commit_callbacks(execute=True):
        assistant.post(url, {"comments": "阳光花园环境卫生偏低:保洁人员不足。建议增加保洁频次。"})
        manager.post(
            reverse("survey_report_action", args=[q2.pk, "acknowledge"]), {"remarks": "同意"}
        )
    report.refresh_from_db()
    assert report.status == "acknowledged"
    kinds = list(report.events.values_list("kind", flat=True))
    assert kinds == ["prepared", "submitted", "returned", "submitted", "acknowledged"]

    # The PDF: rendered by the task after the commit (huey runs tasks at once in tests).
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(reverse("survey_report_action", args=[q2.pk, "pdf"]))
    report.refresh_from_db()
    assert report.pdf_rendered_at is not None, report.pdf_error
    page = manager.get(reverse("survey_report", args=[q2.pk])).content.decode()
    assert reverse("survey_report_pdf", args=[q2.pk]) in page
    download = manager.get(reverse("survey_report_pdf", args=[q2.pk]))
    data = b"".join(download.streaming_content)
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "季度满意度报告" in text and "环境卫生" in text and "保洁人员不足" in text
    fonts = set()
    for p in reader.pages:
        for font in (p["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            if descriptor is not None:
                descriptor = descriptor.get_object()
                embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                fonts.add((str(font["/BaseFont"]), embedded))
    assert any("WenQuanYi" in name and embedded for name, embedded in fonts), fonts

    # The XLSX: who exported it, a header, one row per answer (3 households × 4 answers,
    # plus 2 texts); answers show who answered only to the posts that may see it.
    from openpyxl import load_workbook

    from wuyedesk.properties.models import Company

    xlsx = manager.get(reverse("survey_answers_xlsx", args=[q2.pk]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    from wuyedesk.surveys.models import Answer

    mine = Answer.objects.filter(response__campaign=q2, response__community=world.a).count()
    assert len(rows) - 2 == mine == 3 * 4 + 2
    assert "王经理 (manager)" in rows[0][0]
    assert "答卷住户" in rows[1] and "张伟" in [c for r in rows for c in r]
    url = reverse("survey_answers_xlsx", args=[q2.pk])
    assert client_as(world.specialist).get(url).status_code == 403  # not an export post
    Company.objects.filter(pk=1).update(export_posts=["specialist"])
    anonymous = client_as(world.specialist).get(url)
    rows = list(load_workbook(io.BytesIO(anonymous.content)).active.iter_rows(values_only=True))
    assert len(rows) - 2 == mine and "答卷住户" not in rows[1]
    assert "张伟" not in [c for r in rows for c in r]


def test_only_the_manager_decides(world, client_as, quarters):
    q2, _q3 = quarters
    assistant = client_as(world.assistant)
    assistant.post(reverse("survey_report_action", args=[q2.pk, "submit"]), {"comments": "评述"})
    response = assistant.post(reverse("survey_report_action", args=[q2.pk, "acknowledge"]))
    assert response.status_code == 403
    assert QuarterlyReport.objects.get().status == "submitted"


def test_api_analysis_and_report(world, api_as, quarters):
    q2, _q3 = quarters
    data = api_as(world.manager).get(f"/api/v1/reports/surveys/{q2.pk}/analysis").json()
    assert data["total"]["responses"] == 3  # the manager sees community A only
    assert data["findings"][0]["code"] == "cleaning"
    assert (
        api_as(world.specialist_b)
        .get(f"/api/v1/reports/surveys/{q2.pk}/analysis")
        .json()["total"]["responses"]
        == 3
    )  # B's specialist sees B's three households
    assert api_as(world.worker).get(f"/api/v1/reports/surveys/{q2.pk}/analysis").status_code == 403
    api = api_as(world.assistant)
    bad = api.post(f"/api/v1/reports/surveys/{q2.pk}/report/submit", {"comments": ""})
    assert (bad.status_code, bad.json()["field"], bad.json()["code"]) == (
        422,
        "comments",
        "required",
    )
    ok = api.post(f"/api/v1/reports/surveys/{q2.pk}/report/submit", {"comments": "评述"})
    assert ok.json()["status"] == "submitted"
    assert api.get(f"/api/v1/reports/surveys/{q2.pk}/report.pdf").status_code == 404
    assert api.get("/api/v1/reports/surveys/999999/report").status_code == 404


def test_item_from_a_low_cleaning_score_shows_before_and_after(world, client_as, quarters):
    """Acceptance: the finding's button pre-fills the item; once the next quarter's answers
    are in, the item shows the before/after figures of 环境卫生 in that community."""
    q2, q3 = quarters
    manager = client_as(world.manager)
    page = manager.get(reverse("survey_analysis", args=[q2.pk])).content.decode()
    link = re.search(r'href="(/improvements/new/\?[^"]+)"', page).group(1)
    prefill = dict(parse_qsl(unescape(link).split("?", 1)[1]))
    assert prefill["community"] == str(world.a.pk) and prefill["source"] == "survey"
    form = manager.get(unescape(link)).content.decode()
    assert "环境卫生" in form
    due = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    response = manager.post(reverse("improvement_create"), {**prefill, "due": due})
    assert response.status_code == 302, response.content.decode()
    from wuyedesk.improvements.models import ImprovementItem

    item = ImprovementItem.objects.get(source="survey")
    assert item.dimension.code == "cleaning" and item.department.code == "HJ"
    detail = manager.get(reverse("improvement_detail", args=[item.pk])).content.decode()
    assert 'data-when="before"' in detail and 'data-when="after"' not in detail
    assert "暂无改进后数据" in detail

    for room, clean in zip(world.rooms_a, (4, 5, 4), strict=True):
        sf.answer(q3, room, overall=4, nps=8, dims={"cleaning": clean, "service": 4})
    detail = manager.get(reverse("improvement_detail", args=[item.pk])).content.decode()
    assert 'data-when="after"' in detail
    from wuyedesk.reports.survey_analysis import item_effect

    effect = item_effect(world.manager, item)
    assert effect["before"]["label"] == "2026Q2" and effect["after"]["label"] == "2026Q3"
    assert effect["before"]["mean"] == pytest.approx(5 / 3)  # 1 2 2
    assert effect["after"]["mean"] == pytest.approx(13 / 3)  # 4 5 4
    assert (effect["before"]["satisfied"], effect["after"]["satisfied"]) == (0, 1)
    assert effect["significant"] is True


def test_the_page_shows_rendering_until_the_pdf_is_stored(world, client_as, quarters):
    from django.utils import timezone

    from wuyedesk.reports import survey_reports

    q2, _q3 = quarters
    report = survey_reports.report_start(by=world.assistant, campaign=q2)
    stamp = timezone.now()
    QuarterlyReport.objects.filter(pk=report.pk).update(pdf_requested_at=stamp)
    fragment = client_as(world.manager).get(reverse("survey_report_pdf_status", args=[q2.pk]))
    assert "正在生成 PDF" in fragment.content.decode() and "hx-trigger" in fragment.content.decode()
    # a task queued for an older request does nothing: the newer request wins
    assert (
        survey_reports.render_pdf(report.pk, (stamp - dt.timedelta(seconds=5)).isoformat()) is False
    )
    assert (
        client_as(world.manager).get(reverse("survey_report_pdf", args=[q2.pk])).status_code == 404
    )
