"""Issue #15's acceptance for meetings (SUP-3, AST-2): a weekly meeting's agenda holds last
week's open action item and this week's new complaint; the minutes' action item shows in its
owner's work and, still open, on the next agenda."""

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from wuyedesk.meetings import selectors, services
from wuyedesk.meetings.choices import AgendaSource


def _keys(meeting):
    return {item.key: item for item in selectors.agenda_of(meeting)}


def test_weekly_agenda_carries_open_actions_and_this_weeks_complaints(
    world, sitting, approved, call, categories, client_as
):
    last_week = sitting(days=-7)
    old = call(kind="complaint", category=categories["ATTITUDE"], description="上上周的投诉")
    type(old).objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=9))
    approved(last_week, actions=[("回访 3 栋漏水住户", world.specialist)])
    action = last_week.actions.get()

    complaint = call(kind="complaint", category=categories["ATTITUDE"], description="前台态度差")
    this_week = sitting(hours=2)
    agenda = _keys(this_week)
    assert f"action:{action.pk}" in agenda
    assert agenda[f"action:{action.pk}"].source == AgendaSource.ACTION
    assert f"ticket:{complaint.pk}" in agenda
    assert agenda[f"ticket:{complaint.pk}"].source == AgendaSource.COMPLAINT
    assert f"ticket:{old.pk}" not in agenda  # before last week's meeting

    # The action item is in its owner's work: the home's number is the list's rows.
    client = client_as(world.specialist)
    home = client.get("/").content.decode()
    figure = re.search(r'href="([^"]+)" data-figure="my_actions" data-count="(\d+)"', home)
    assert figure is not None and figure.group(2) == "1"
    listing = client.get(figure.group(1).replace("&amp;", "&")).content.decode()
    assert listing.count("<tr data-row>") == 1 and "回访 3 栋漏水住户" in listing

    # Still open: carried to the meeting after (the minutes of this week approved meanwhile).
    services.minutes_save(by=world.assistant, meeting=this_week, discussion="x", decisions=[])
    next_week = sitting(days=7)
    assert f"action:{action.pk}" in _keys(next_week)

    # Done: not carried any more, and out of the owner's work.
    services.action_done(by=world.specialist, action=action, note="已回访")
    week_after = sitting(days=14)
    assert f"action:{action.pk}" not in _keys(week_after)
    assert selectors.open_actions_of(world.specialist).count() == 0
    home = client.get(reverse("home")).content.decode()
    assert 'data-figure="my_actions" data-count="0"' in home


def test_draft_action_items_are_not_in_force(world, sitting, call):
    meeting = sitting(days=-1)
    services.action_add(
        by=world.assistant,
        meeting=meeting,
        title="整理投诉台账",
        owner=world.specialist,
        due=timezone.localdate() + dt.timedelta(days=3),
    )
    assert selectors.open_actions_of(world.specialist).count() == 0
    nxt = sitting(hours=1)
    assert not [i for i in selectors.agenda_of(nxt) if i.source == AgendaSource.ACTION]


def test_the_home_counts_an_action_done_at_once(world, sitting, approved, client_as):
    """The home keeps its meeting figures until meetings change (meetings.selectors.VERSION):
    marking an action done, an update that sends no signal, shows on the next view."""
    meeting = sitting(days=-1)
    approved(meeting, actions=[("整理会议纪要", world.specialist)])
    client = client_as(world.specialist)
    assert 'data-figure="my_actions" data-count="1"' in client.get("/").content.decode()
    services.action_done(by=world.specialist, action=meeting.actions.get(), note="已完成")
    assert 'data-figure="my_actions" data-count="0"' in client.get("/").content.decode()
