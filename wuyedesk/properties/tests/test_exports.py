"""Every export (#11 points 4 and 5, MGT-3): only the posts of the company setting
`export_posts`, page and API alike, within their scope; the file says who exported it and
when; one access-log row with the filter and the row count; no value ever becomes a formula.
"""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from wuyedesk.accounts.choices import Post
from wuyedesk.audit.models import AuditAction, AuditEntry
from wuyedesk.core.resources import REGISTRY
from wuyedesk.properties.models import Company
from wuyedesk.reports.tests import survey_fixture as sf
from wuyedesk.testing import make_resident, make_staff

FORMULA = '=HYPERLINK("http://x/","a")'
SURVEY_TEXTS = ("=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1+2")
RESOURCE_KEYS = sorted(REGISTRY)


@pytest.fixture
def formulas(world):
    """A resident, their occupancy and a staff member named like a formula, and survey
    free text starting with each character a spreadsheet would run."""
    resident = make_resident(world.rooms_a[1], name=FORMULA, phone="13700001111")
    staff = make_staff("formula", [Post.SPECIALIST], [world.a], name=FORMULA)
    campaign = sf.campaign("2026Q2", dt.date(2026, 4, 1), [world.a, world.b])
    for room, text in zip(world.rooms_a, SURVEY_TEXTS[:3], strict=True):
        sf.answer(campaign, room, overall=3, nps=6, dims={"service": 4}, text=text)
    for room, text in zip(world.rooms_b, SURVEY_TEXTS[3:], strict=False):
        sf.answer(campaign, room, overall=3, nps=6, dims={"service": 4}, text=text)
    return {"resident": resident, "staff": staff, "campaign": campaign}


def _page_url(key):
    return reverse("record_export", args=[key])


def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    return load_workbook(io.BytesIO(response.content)).active


def _cells(sheet):
    return [c for row in sheet.iter_rows() for c in row if c.value is not None]


def _values(sheet):
    return [c.value for c in _cells(sheet)]


# ------------------------------------------------------------------ who may export


@pytest.mark.parametrize("key", RESOURCE_KEYS)
@pytest.mark.parametrize("post", ["worker", "specialist", "supervisor", "executive"])
def test_posts_without_the_export_right_get_403_on_every_list(world, client_as, api_as, key, post):
    user = getattr(world, post)
    assert client_as(user).get(_page_url(key)).status_code == 403
    assert client_as(user).get(reverse("record_export_csv", args=[key])).status_code == 403
    response = api_as(user).get(f"/api/v1/{key}/export")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("post", ["worker", "specialist"])
def test_posts_without_the_export_right_get_403_on_survey_answers(
    world, client_as, api_as, formulas, post
):
    campaign = formulas["campaign"]
    user = getattr(world, post)
    page = client_as(user).get(reverse("survey_answers_xlsx", args=[campaign.pk]))
    assert page.status_code == 403
    response = api_as(user).get(f"/api/v1/reports/surveys/{campaign.pk}/answers.xlsx")
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_residents_and_anonymous_get_no_file(world, client, api_as):
    assert client.get(_page_url("residents")).status_code == 302  # to the login page
    assert client.get("/api/v1/residents/export").status_code == 401
    client.force_login(world.resident)
    assert client.get(_page_url("residents")).status_code == 403


@pytest.mark.parametrize("key", RESOURCE_KEYS)
@pytest.mark.parametrize("post", ["manager", "assistant", "admin"])
def test_export_posts_get_the_file_page_and_api(world, client_as, api_as, key, post):
    user = getattr(world, post)
    sheet = _sheet(client_as(user).get(_page_url(key)))
    assert sheet.cell(2, 1).value == "ID"
    api = api_as(user).get(f"/api/v1/{key}/export")
    assert api["Content-Type"].startswith("application/vnd.openxmlformats")
    _sheet(api)


def test_the_company_setting_decides(world, client_as, api_as):
    company = Company.objects.get(pk=1)
    company.export_posts = [Post.SPECIALIST.value]
    company.save()
    assert client_as(world.specialist).get(_page_url("residents")).status_code == 200
    assert client_as(world.manager).get(_page_url("residents")).status_code == 403
    assert api_as(world.manager).get("/api/v1/residents/export").status_code == 403


def test_export_buttons_only_for_those_who_may(world, client_as, formulas):
    link = reverse("record_export", args=["residents"])
    assert link in client_as(world.assistant).get("/residents/").content.decode()
    assert link not in client_as(world.worker).get("/residents/").content.decode()
    answers = reverse("survey_answers_xlsx", args=[formulas["campaign"].pk])
    for name in ("survey_analysis", "survey_report"):
        url = reverse(name, args=[formulas["campaign"].pk])
        assert answers in client_as(world.manager).get(url).content.decode()
        page = client_as(world.specialist).get(url)
        assert page.status_code == 200 and answers not in page.content.decode()


# ------------------------------------------------------------------ scope and contents


def test_out_of_scope_rows_are_never_in_the_file(world, client_as, api_as, formulas):
    for response in (
        client_as(world.manager).get(_page_url("residents")),
        api_as(world.assistant).get("/api/v1/residents/export"),
        client_as(world.manager).get(_page_url("occupancies")),
        api_as(world.manager).get("/api/v1/occupancies/export", format="csv"),
    ):
        body = (
            response.content.decode("utf-8-sig")
            if response["Content-Type"].startswith("text/csv")
            else " ".join(str(v) for v in _values(_sheet(response)))
        )
        assert world.resident_a.name in body
        assert world.resident_b.name not in body  # 翠湖苑 (B) is not the manager's
        assert "13812345678" not in body  # masked, where the list shows a phone at all
    residents = _values(_sheet(client_as(world.manager).get(_page_url("residents"))))
    assert "138****5678" in residents
    # survey answers: community A's manager gets none of B's texts
    answers = _values(
        _sheet(
            client_as(world.manager).get(
                reverse("survey_answers_xlsx", args=[formulas["campaign"].pk])
            )
        )
    )
    assert "=1+1" in answers and "@SUM(A1)" not in answers


def test_filters_and_search_narrow_the_file(world, client_as):
    url = _page_url("residents") + f"?community={world.a.pk}&q=张"
    values = _values(_sheet(client_as(world.admin).get(url)))
    assert world.resident_a.name in values and world.resident_b.name not in values


def test_a_bad_filter_is_a_message_on_the_page_and_422_in_the_api(world, client_as, api_as):
    response = client_as(world.admin).get(_page_url("residents") + "?community=abc", follow=True)
    assert "筛选条件“community”无效" in response.content.decode()
    api = api_as(world.admin).get("/api/v1/residents/export?community=abc")
    assert api.status_code == 422 and api.json()["field"] == "community"
    api = api_as(world.admin).get("/api/v1/residents/export?format=pdf")
    assert api.status_code == 422 and api.json()["field"] == "format"
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_file_says_who_exported_it_and_when(world, client_as):
    response = client_as(world.assistant).get(_page_url("residents"))
    book = load_workbook(io.BytesIO(response.content))
    first = book.active.cell(1, 1).value
    assert "陈助理 (assistant)" in first and "导出" in first
    today = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    assert today.isoformat() in first
    assert book.properties.creator == "陈助理 (assistant)"
    assert "陈助理" in book.properties.description  # the workbook's comments
    assert book.properties.created is not None
    assert response["Content-Disposition"].startswith('attachment; filename="residents-')


def test_each_export_writes_one_access_row_with_filter_and_count(world, client_as, api_as):
    client_as(world.admin).get(
        _page_url("residents") + f"?community={world.a.pk}&q=张", REMOTE_ADDR="10.1.2.3"
    )
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.actor == world.admin
    assert entry.ip == "10.1.2.3"
    assert entry.object_type == "properties.resident"
    assert entry.details == {
        "filter": {"community": world.a.pk, "q": "张"},
        "rows": 1,
        "format": "xlsx",
    }
    api_as(world.manager).get("/api/v1/staff/export", format="csv", post="specialist")
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).first()
    assert entry.actor == world.manager and entry.object_type == "accounts.staff"
    assert entry.details["filter"] == {"post": "specialist"}
    assert entry.details["rows"] == 1  # 刘专员; B专员 is outside community A
    assert entry.details["format"] == "csv"


def test_a_phone_searched_for_is_kept_masked_in_the_log(world, client_as):
    response = client_as(world.admin).get(_page_url("residents") + "?q=138 1234 5678")
    assert world.resident_a.name in _values(_sheet(response))
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.details["filter"] == {"q": "138****5678"}
    for row in AuditEntry.objects.values("object_label", "changes", "details"):
        assert "12345678" not in str(row)


def test_survey_answer_export_is_logged(world, api_as, formulas):
    campaign = formulas["campaign"]
    api_as(world.assistant).get(f"/api/v1/reports/surveys/{campaign.pk}/answers.xlsx")
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.object_type == "surveys.answer"
    assert entry.details["filter"] == {"campaign": campaign.pk, "quarter": "2026Q2"}
    # community A only: 3 households × 4 answers (overall, nps, one dimension, the text)
    assert entry.details["rows"] == 12


# ------------------------------------------------------------------ formula injection


def _string_cells_with(sheet, text):
    cells = [c for c in _cells(sheet) if c.value == text]
    assert cells, f"{text!r} is not in the file"
    return cells


@pytest.mark.parametrize(
    ("key", "api"), [("residents", False), ("residents", True), ("occupancies", False)]
)
def test_a_formula_name_is_a_text_cell(world, client_as, api_as, formulas, key, api):
    response = (
        api_as(world.admin).get(f"/api/v1/{key}/export")
        if api
        else client_as(world.admin).get(_page_url(key))
    )
    for cell in _string_cells_with(_sheet(response), FORMULA):
        assert cell.data_type == "s"


def test_a_staff_member_named_like_a_formula_is_text(world, client_as, formulas):
    sheet = _sheet(client_as(world.admin).get(_page_url("staff")))
    for cell in _string_cells_with(sheet, FORMULA):
        assert cell.data_type == "s"


def test_survey_free_text_is_text_in_the_answers_export(world, client_as, api_as, formulas):
    campaign = formulas["campaign"]
    for response in (
        client_as(world.admin).get(reverse("survey_answers_xlsx", args=[campaign.pk])),
        api_as(world.admin).get(f"/api/v1/reports/surveys/{campaign.pk}/answers.xlsx"),
    ):
        sheet = _sheet(response)
        for text in SURVEY_TEXTS:
            for cell in _string_cells_with(sheet, text):
                assert cell.data_type == "s"
        # scores stay numbers
        assert any(c.data_type == "n" and c.value == 6 for c in _cells(sheet))


def test_csv_prefixes_formula_values_with_an_apostrophe(world, client_as, formulas):
    response = client_as(world.admin).get(reverse("record_export_csv", args=["residents"]))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK(" in text
    assert ',"=HYPERLINK' not in text and ",=HYPERLINK" not in text
