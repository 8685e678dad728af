"""The administrator's page and API of periodic jobs: when each last finished, stale ones
flagged, reachable from the administrator's home; nobody else sees them."""

import datetime as dt

import pytest
from django.utils import timezone

from wuyedesk.core import jobs
from wuyedesk.core.models import PeriodicJob


@pytest.fixture
def ran(db):
    """Every job registered by a worker long ago; only the SLA sweep finished since."""
    jobs.jobs_startup()
    # long enough ago for every job to be stale, the monthly archive list included
    PeriodicJob.objects.update(created_at=timezone.now() - dt.timedelta(days=100))
    jobs.run_job("sla-sweep", lambda: None)
    return PeriodicJob.objects.get(name="sla-sweep")


def test_the_page_shows_when_each_job_last_finished_and_flags_stale_ones(world, client_as, ran):
    page = client_as(world.admin).get("/system/jobs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "服务时限巡检" in html and "邮箱收信" in html
    assert timezone.localtime(ran.last_finished_at).strftime("%Y-%m-%d %H:%M:%S") in html
    stale = {status.name for status in page.context["jobs"] if status.stale}
    assert stale == {job.name for job in jobs.all_jobs()} - {"sla-sweep"}
    assert html.count("未按时完成</span>") == len(stale)


def test_the_page_in_english(world, client_as, ran):
    world.admin.language = "en"
    world.admin.save(update_fields=["language"])
    html = client_as(world.admin).get("/system/jobs/").content.decode()
    assert "Periodic jobs" in html and "SLA deadline sweep" in html and "Overdue" in html


def test_the_administrators_home_links_the_page_with_the_stale_count(world, client_as, ran):
    html = client_as(world.admin).get("/").content.decode()
    assert 'href="/system/jobs/"' in html
    assert f"{len(jobs.all_jobs()) - 1} 个未按时完成" in html


@pytest.mark.parametrize("post", ["manager", "executive", "specialist", "worker", "supervisor"])
def test_other_staff_are_refused_the_page(world, client_as, post):
    assert client_as(world.users[post]).get("/system/jobs/").status_code == 403


def test_a_resident_is_refused_and_anonymous_goes_to_login(world, client, client_as):
    assert client.get("/system/jobs/").status_code == 302
    assert client_as(world.resident).get("/system/jobs/").status_code == 403


def test_the_api_lists_every_job_for_the_administrator(world, api_as, ran):
    response = api_as(world.admin).get("/api/v1/system/jobs")
    assert response.status_code == 200
    items = {item["name"]: item for item in response.json()}
    assert set(items) == {job.name for job in jobs.all_jobs()}
    sweep = items["sla-sweep"]
    assert sweep["stale"] is False and sweep["running"] is False
    assert sweep["every_seconds"] == 60 and sweep["label"] == "服务时限巡检"
    finished = dt.datetime.fromisoformat(sweep["last_finished_at"])  # to the millisecond
    assert abs(finished - ran.last_finished_at) < dt.timedelta(milliseconds=1)
    assert items["mail-poll"]["stale"] is True and items["mail-poll"]["last_finished_at"] is None


def test_the_api_shows_a_running_job_and_who_holds_its_lock(world, api_as, ran):
    token = jobs.job_lock_acquire("mail-poll")
    assert token
    item = next(
        i for i in api_as(world.admin).get("/api/v1/system/jobs").json() if i["name"] == "mail-poll"
    )
    assert item["running"] is True and " pid " in item["locked_by"]


@pytest.mark.parametrize("post", ["manager", "executive", "specialist", "worker"])
def test_the_api_refuses_other_staff(world, api_as, post):
    response = api_as(world.users[post]).get("/api/v1/system/jobs")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_the_api_needs_a_token(db, client):
    response = client.get("/api/v1/system/jobs")
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"
