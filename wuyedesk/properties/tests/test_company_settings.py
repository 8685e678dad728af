"""The company settings: the page (`/settings/company/`) and `GET/PATCH /api/v1/company`,
the system administrator only; a bad value is refused with a message naming the field and
nothing is saved (#11 point 2: the rate limits are company settings)."""

import pytest
from django.forms.models import model_to_dict

from wuyedesk.audit.models import AuditAction, AuditEntry
from wuyedesk.properties.api import CompanyOut, CompanyPatch
from wuyedesk.properties.forms import CompanyForm
from wuyedesk.properties.models import Company
from wuyedesk.properties.services import company_get

PAGE = "/settings/company/"
API = "/api/v1/company"


def page_data(**override) -> dict:
    data = {k: v for k, v in model_to_dict(company_get(), fields=CompanyForm.Meta.fields).items()}
    data.update(override)
    return data


def updates() -> int:
    return AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_type="properties.company"
    ).count()


# ---------------------------------------------------------------- the page


def test_the_page_shows_the_rate_limits_to_the_administrator(world, client_as):
    page = client_as(world.admin).get(PAGE)

    assert page.status_code == 200
    text = page.content.decode()
    for name in ("rate_login", "rate_password_reset", "rate_survey_link"):
        assert f'name="{name}"' in text
    assert 'value="20/10m"' in text


@pytest.mark.parametrize("persona", ["manager", "assistant", "executive", "specialist"])
def test_other_posts_get_403_on_the_page(world, client_as, persona):
    assert client_as(getattr(world, persona)).get(PAGE).status_code == 403


def test_a_bad_rate_on_the_page_keeps_the_form_and_saves_nothing(world, client_as):
    client = client_as(world.admin)
    before = model_to_dict(company_get())

    response = client.post(PAGE, page_data(rate_login="lots", short_name="改了"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "内容尚未保存" in text
    assert "请按“次数/时长”填写" in text
    assert 'value="lots"' in text and 'value="改了"' in text
    assert model_to_dict(company_get()) == before
    assert updates() == 0


def test_a_good_rate_on_the_page_is_saved_with_an_audit_row(world, client_as):
    response = client_as(world.admin).post(PAGE, page_data(rate_login="10/5m"))

    assert response.status_code == 302
    assert company_get().rate_login == "10/5m"
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_type="properties.company")
    assert "rate_login" in entry.changes


# ---------------------------------------------------------------- the API


def test_the_api_covers_every_field_of_the_settings_page():
    assert set(CompanyOut.model_fields) == set(CompanyForm.Meta.fields)
    assert set(CompanyPatch.model_fields) == set(CompanyForm.Meta.fields)


def test_the_administrator_reads_the_settings(world, api_as):
    response = api_as(world.admin).get(API)

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "测试物业"
    assert body["rate_login"] == "20/10m"
    assert body["export_posts"] == Company().export_posts


@pytest.mark.parametrize("persona", ["manager", "assistant", "executive", "resident"])
def test_others_get_403(world, api_as, persona):
    api = api_as(getattr(world, persona))

    assert api.get(API).status_code == 403
    refused = api.patch(API, {"rate_login": "1000/m"})
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert company_get().rate_login == "20/10m"


def test_anonymous_gets_401(world, client):
    assert client.get(API).status_code == 401
    assert client.patch(API, {}, content_type="application/json").status_code == 401


def test_patch_changes_only_what_was_sent(world, api_as):
    before = model_to_dict(company_get())

    response = api_as(world.admin).patch(API, {"rate_login": "3/m", "export_posts": ["manager"]})

    assert response.status_code == 200
    assert response.json()["rate_login"] == "3/m"
    after = model_to_dict(company_get())
    assert after["rate_login"] == "3/m" and after["export_posts"] == ["manager"]
    assert {k: v for k, v in after.items() if k not in ("rate_login", "export_posts")} == {
        k: v for k, v in before.items() if k not in ("rate_login", "export_posts")
    }
    assert updates() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"rate_login": "lots"}, "rate_login"),
        ({"rate_survey_link": "0/m"}, "rate_survey_link"),
        ({"rate_password_reset": "5/x"}, "rate_password_reset"),
        ({"idle_timeout_minutes": 1}, "idle_timeout_minutes"),
        ({"export_posts": ["nobody"]}, "export_posts.0"),
        ({"rate_login": "1" * 17}, "rate_login"),
        # Only ASCII digits ("５" and "٥" are digits to Python's `\d`).
        ({"rate_signup": "５/h"}, "rate_signup"),
        ({"rate_code_per_number": "٥/h"}, "rate_code_per_number"),
        ({"rate_code_per_address": "5/١٠m"}, "rate_code_per_address"),
    ],
)
def test_a_bad_value_is_a_422_naming_the_field_and_nothing_is_saved(world, api_as, payload, field):
    before = model_to_dict(company_get())

    response = api_as(world.admin).patch(API, {"short_name": "改了", **payload})

    assert response.status_code == 422
    body = response.json()
    assert body["field"] == field and body["message"]
    assert model_to_dict(company_get()) == before
    assert updates() == 0


def test_a_bad_rate_message_is_in_the_users_language(world, api_as, client):
    # The API answers in the token owner's language (docs/api.md).
    world.admin.language = "en"
    world.admin.save(update_fields=["language"])

    response = api_as(world.admin).patch(API, {"rate_login": "lots"})

    assert response.json()["code"] == "invalid_rate"
    assert "20/10m" in response.json()["message"]
    assert "请" not in response.json()["message"]
