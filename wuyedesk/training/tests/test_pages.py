import datetime as dt

from django.utils import timezone

from wuyedesk.training.models import Attendance, Course, Session
from wuyedesk.training.services import courses, sessions


def test_the_assistant_creates_a_course_and_bad_input_keeps_the_form(world, client_as):
    client = client_as(world.assistant)
    data = {"title": "投诉处理技巧", "kind": "regular", "hours": "x", "mandatory": "on"}

    bad = client.post("/training/courses/new/", data)
    assert bad.status_code == 422
    assert "投诉处理技巧" in bad.content.decode()
    assert not Course.objects.exists()

    good = client.post("/training/courses/new/", data | {"hours": "2", "pass_mark": "60"})
    course = Course.objects.get()
    assert good.status_code == 302 and course.pass_mark == 60


def test_a_specialist_may_not_organise(world, client_as):
    client = client_as(world.specialist)
    assert client.get("/training/courses/new/").status_code == 403
    assert client.get("/training/sessions/new/").status_code == 403


def test_the_manager_schedules_and_records_a_session(world, client_as):
    course = courses.course_create(
        by=world.manager, title="服务礼仪", kind="regular", hours="2", pass_mark=60
    )
    client = client_as(world.manager)
    when = timezone.localtime() - dt.timedelta(hours=2)
    made = client.post(
        "/training/sessions/new/",
        {
            "course": course.pk,
            "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
            "trainer": "外聘讲师",
            "place": "培训室",
            "attendees": [world.specialist.pk, world.assistant.pk],
        },
    )
    session = Session.objects.get()
    assert made.status_code == 302

    bad = client.post(
        f"/training/sessions/{session.pk}/results/",
        {f"attended-{world.specialist.pk}": "on", f"score-{world.specialist.pk}": "120"},
    )
    assert bad.status_code == 422
    assert not Attendance.objects.filter(attended__isnull=False).exists()

    client.post(
        f"/training/sessions/{session.pk}/results/",
        {f"attended-{world.specialist.pk}": "on", f"score-{world.specialist.pk}": "88"},
    )
    rows = {a.user_id: a for a in Attendance.objects.all()}
    assert rows[world.specialist.pk].passed
    assert rows[world.assistant.pk].attended is False


def _session_with(world, people, days=-1):
    course = courses.course_create(by=world.manager, title="服务礼仪", kind="regular", hours="2")
    return sessions.session_create(
        by=world.manager,
        course=course,
        starts_at=timezone.now() + dt.timedelta(days=days),
        trainer="讲师",
        place="培训室",
        attendees=people,
    )


def test_records_a_person_sees_their_own_the_manager_their_department(world, client_as):
    _session_with(world, [world.specialist])
    own = client_as(world.specialist).get(f"/training/records/{world.specialist.pk}/")
    assert own.status_code == 200 and "服务礼仪" in own.content.decode()
    assert client_as(world.specialist).get("/training/records/").status_code == 302
    other = client_as(world.specialist_b).get(f"/training/records/{world.specialist.pk}/")
    assert other.status_code == 404
    manager = client_as(world.manager).get("/training/records/")
    html = manager.content.decode()
    assert "刘专员" in html and "赵师傅" not in html  # the worker is in engineering
    executive = client_as(world.executive).get("/training/records/")
    assert "赵师傅" in executive.content.decode()
    assert client_as(world.manager).get(f"/training/records/{world.worker.pk}/").status_code == 404


def test_a_session_page_shows_an_attendee_only_their_own_row(world, client_as):
    session = _session_with(world, [world.specialist, world.assistant])
    page = client_as(world.specialist).get(f"/training/sessions/{session.pk}/")
    html = page.content.decode()
    assert "刘专员" in html and "陈助理" not in html
    assert client_as(world.specialist_b).get(f"/training/sessions/{session.pk}/").status_code == 404


def test_the_due_list_counts_what_the_home_says(world, client_as, induction):
    client = client_as(world.manager)
    home = client.get("/training/").content.decode()
    due = client.get("/training/due/").content.decode()
    rows = due.split("<tbody>")[1].count("<tr>")
    # the three courses of each specialist and assistant of the manager's department and
    # communities (客服部 in community A: not specialist_b, of community B)
    assert rows == 3 * 2
    assert f"<strong>{rows}</strong>" in home


def test_the_homes_count_the_lists_they_link(world, client_as, induction):
    import re

    def figure(html, key):
        found = re.search(rf'href="([^"]+)" data-figure="{key}" data-count="(\d+)"', html)
        return found.group(1).replace("&amp;", "&"), int(found.group(2))

    for person, key in ((world.manager, "trainings_due"), (world.specialist, "my_trainings_due")):
        client = client_as(person)
        url, n = figure(client.get("/").content.decode(), key)
        rows = client.get(url).content.decode().split("<tbody>")[1].split("</tbody>")[0]
        assert rows.count("<tr>") == n
    assert n == 3  # the specialist's own three induction courses


def test_the_pages_in_english(world, client_as, induction):
    client = client_as(world.specialist)
    client.post("/language/", {"language": "en", "next": "/"})

    due = client.get("/training/due/?mine=1").content.decode()
    record = client.get(f"/training/records/{world.specialist.pk}/").content.decode()

    assert "My trainings due" in due
    assert "Induction not passed: " in record
    assert "Training record of" in record
