"""Meetings' pages: the organiser's forms (bad input keeps the form filled, saves nothing),
the minutes' steps, the approved minutes' PDF with its Chinese text, the homes' numbers."""

import datetime as dt
import io
import re

from django.urls import reverse
from django.utils import timezone

from wuyedesk.meetings import services
from wuyedesk.meetings.models import Meeting, MeetingSeries


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_assistant_sets_up_a_weekly_meeting_and_schedules_its_next_sitting(world, client_as):
    client = client_as(world.assistant)
    assert client.get(reverse("meetings:series_create")).status_code == 200
    bad = client.post(
        reverse("meetings:series_create"),
        {"title": "客服部周例会", "weekday": "0", "start_time": "", "duration_minutes": "60"},
    )
    page = bad.content.decode()
    assert bad.status_code == 200 and 'value="客服部周例会"' in page and "is-invalid" in page
    assert not MeetingSeries.objects.exists()
    response = client.post(
        reverse("meetings:series_create"),
        {
            "title": "客服部周例会",
            "community": world.a.pk,
            "weekday": "0",
            "start_time": "09:00",
            "duration_minutes": "60",
            "location": "三楼会议室",
            "attendees": [world.manager.pk, world.specialist.pk],
        },
    )
    series = MeetingSeries.objects.get()
    assert response["Location"] == reverse("meetings:series_detail", args=[series.pk])
    response = client.post(reverse("meetings:series_next", args=[series.pk]))
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("meetings:meeting_detail", args=[meeting.pk])
    page = client.get(response["Location"]).content.decode()
    assert "客服部周例会" in page and "刘专员" in page
    # The specialist attends; the next meeting is on their home, and they cannot organise.
    home = client_as(world.specialist).get("/").content.decode()
    assert reverse("meetings:meeting_detail", args=[meeting.pk]) in home
    assert client_as(world.specialist).get(reverse("meetings:series_create")).status_code == 403


def test_single_meeting_form_keeps_bad_input(world, client_as):
    client = client_as(world.manager)
    response = client.post(
        reverse("meetings:meeting_create"),
        {"title": "投诉专题会", "starts_at": "", "duration_minutes": "45"},
    )
    page = response.content.decode()
    assert 'value="投诉专题会"' in page and 'value="45"' in page
    assert not Meeting.objects.exists()
    start = timezone.now() + dt.timedelta(days=1)
    response = client.post(
        reverse("meetings:meeting_create"),
        {
            "title": "投诉专题会",
            "starts_at": _local(start),
            "duration_minutes": "45",
            "attendees": [world.specialist.pk],
        },
    )
    assert response.status_code == 302 and Meeting.objects.get().community is None


def test_minutes_through_the_pages_and_the_pdf_has_the_chinese_text(
    world, sitting, client_as, django_capture_on_commit_callbacks
):
    meeting = sitting(days=-1)
    detail = reverse("meetings:meeting_detail", args=[meeting.pk])
    assistant = client_as(world.assistant)
    assistant.post(
        reverse("meetings:minutes_edit", args=[meeting.pk]),
        {"discussion": "通报本周投诉:前台服务态度", "decisions": "前台每日晨会\n保洁频次加倍"},
    )
    bad = assistant.post(
        reverse("meetings:action_add", args=[meeting.pk]),
        {"title": "整理投诉台账", "owner": world.specialist.pk, "due": ""},
    )
    assert bad.status_code == 422 and 'value="整理投诉台账"' in bad.content.decode()
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    assistant.post(
        reverse("meetings:action_add", args=[meeting.pk]),
        {"title": "整理投诉台账", "owner": world.specialist.pk, "due": due},
    )
    # The attendee does not read the draft.
    page = client_as(world.specialist).get(detail).content.decode()
    assert "前台每日晨会" not in page and "纪要经经理批准后可以查看" in page
    client_as(world.assistant).post(reverse("meetings:minutes_action", args=[meeting.pk, "submit"]))
    manager = client_as(world.manager)
    bad = manager.post(
        reverse("meetings:minutes_action", args=[meeting.pk, "return"]), {"reason": ""}
    )
    assert bad.status_code == 422
    meeting.refresh_from_db()
    assert meeting.minutes_status == "submitted"
    manager.post(reverse("meetings:minutes_action", args=[meeting.pk, "approve"]))
    meeting.refresh_from_db()
    assert meeting.minutes_status == "approved"
    page = client_as(world.specialist).get(detail).content.decode()
    assert "前台每日晨会" in page and "整理投诉台账" in page
    assert client_as(world.executive).get(detail).status_code == 200
    assert client_as(world.specialist_b).get(detail).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        client_as(world.specialist).post(
            reverse("meetings:minutes_action", args=[meeting.pk, "pdf"])
        )
    meeting.refresh_from_db()
    assert meeting.pdf_rendered_at is not None, meeting.pdf_error
    download = client_as(world.specialist).get(reverse("meetings:minutes_pdf", args=[meeting.pk]))
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    text = "".join(p.extract_text() for p in reader.pages)
    for words in ("会议纪要", "前台每日晨会", "保洁频次加倍", "整理投诉台账", "刘专员"):
        assert words in text, words
    assert (
        client_as(world.specialist_b)
        .get(reverse("meetings:minutes_pdf", args=[meeting.pk]))
        .status_code
        == 404
    )


def test_manager_and_assistant_homes_count_minutes_waiting_as_their_lists(
    world, sitting, client_as, api_as
):
    held = sitting(days=-1)
    sitting(days=-8)
    services.minutes_save(by=world.assistant, meeting=held, discussion="x", decisions=[])
    services.minutes_submit(by=world.assistant, meeting=held)
    for person, key, n in (
        (world.assistant, "minutes_to_draft", 1),
        (world.manager, "minutes_to_approve", 1),
    ):
        client = client_as(person)
        home = client.get("/").content.decode()
        found = re.search(rf'href="([^"]+)" data-figure="{key}" data-count="(\d+)"', home)
        assert found is not None and int(found.group(2)) == n, key
        listing = client.get(found.group(1).replace("&amp;", "&")).content.decode()
        assert listing.count("<tr data-row>") == n
        assert 'id="next-meeting"' in home
    numbers = api_as(world.manager).get("/api/v1/home").json()
    assert "minutes_to_approve" in str(numbers) and "my_actions" in str(numbers)


def test_pages_in_english(world, sitting, client_as, settings):
    meeting = sitting(days=-1)
    client = client_as(world.manager)
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Agenda" in page and "Minutes" in page
    assert "Department meetings" in client.get(reverse("meetings:meeting_list")).content.decode()
