"""The company's own calendar days: page and API, administrator only (#14 point 5)."""

import datetime as dt

from wuyedesk.audit.models import AuditEntry
from wuyedesk.policies import calendar
from wuyedesk.policies.models import CalendarDay
from wuyedesk.policies.services import policy
from wuyedesk.testing import assert_api_error

URL = "/settings/calendar/"
API = "/api/v1/policies/calendar/days"


def test_admin_adds_a_typhoon_day_on_the_page_and_clocks_skip_it(world, client_as):
    client = client_as(world.admin)
    assert "工作日历" in client.get(URL).content.decode()
    response = client.post(
        URL, {"date": "2026-10-08", "name": "台风停工", "name_en": "Typhoon", "working": ""}
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get()
    assert not day.working and day.created_by == world.admin
    assert AuditEntry.objects.filter(object_type="policies.calendarday", object_id=day.pk).exists()
    assert not calendar.is_working_day(dt.date(2026, 10, 8), policy())
    page = client.get(URL).content.decode()
    assert "台风停工" in page and "停工" in page


def test_a_second_entry_for_the_same_day_is_refused_and_the_form_kept(world, client_as):
    CalendarDay.objects.create(date=dt.date(2026, 10, 8), working=False, name="台风停工")
    client = client_as(world.admin)
    response = client.post(URL, {"date": "2026-10-08", "name": "地方假日", "working": "on"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "这一天已有调整。" in page and 'value="地方假日"' in page
    assert CalendarDay.objects.count() == 1


def test_a_missing_name_is_refused(world, client_as):
    response = client_as(world.admin).post(URL, {"date": "2026-10-08", "name": ""})
    assert response.status_code == 400
    assert CalendarDay.objects.count() == 0


def test_the_manager_reads_but_may_not_change(world, client_as):
    client = client_as(world.manager)
    page = client.get(URL).content.decode()
    assert 'id="calendar-days"' in page and 'id="calendar-form"' not in page
    response = client.post(URL, {"date": "2026-10-08", "name": "台风停工"})
    assert response.status_code == 403
    day = CalendarDay.objects.create(date=dt.date(2026, 10, 9), working=True, name="补班")
    assert client.post(f"/settings/calendar/{day.pk}/delete/").status_code == 403
    assert CalendarDay.objects.count() == 1


def test_specialists_and_residents_do_not_see_it(world, client_as):
    assert client_as(world.specialist).get(URL).status_code == 403


def test_admin_removes_a_day(world, client_as):
    day = CalendarDay.objects.create(date=dt.date(2026, 10, 9), working=True, name="补班")
    response = client_as(world.admin).post(f"/settings/calendar/{day.pk}/delete/")
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()


def test_the_api_lists_adds_and_removes(world, api_as):
    admin = api_as(world.admin)
    made = admin.post(API, {"date": "2026-10-10", "working": False, "name": "地方假日"})
    assert made.status_code == 201, made.content
    assert made.json()["date"] == "2026-10-10"
    listed = api_as(world.manager).get(API).json()
    assert [d["name"] for d in listed] == ["地方假日"]
    twice = admin.post(API, {"date": "2026-10-10", "working": True, "name": "补班"})
    assert_api_error(twice, 422, "unique", "date")
    assert admin.delete(f"{API}/{made.json()['id']}").status_code == 204
    assert not CalendarDay.objects.exists()


def test_the_api_refuses_other_posts_and_bad_input(world, api_as):
    refused = api_as(world.manager).post(API, {"date": "2026-10-10", "working": False, "name": "x"})
    assert refused.status_code == 403
    assert api_as(world.specialist).get(API).status_code == 403
    bad = api_as(world.admin).post(API, {"date": "2026-10-10", "working": False, "name": ""})
    assert bad.status_code == 422 and bad.json()["field"] == "name"
    assert not CalendarDay.objects.exists()
