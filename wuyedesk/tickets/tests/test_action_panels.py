"""The ticket page draws the form of its next step (and closing, with what it still lacks);
the other panels fetch their form when opened (issue #12 speed; views.tickets.action_form),
or, without JavaScript, reload the page with that panel open. Each fetch is checked like the
action itself: scope, permission, a state that no longer offers it."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _lazy(page):
    return dict(re.findall(r'id="([\w-]+)" hx-get="(/tickets/\d+/[\w-]+/form/)"', page))


def test_closed_panels_fetch_their_form_when_opened(world, call, client_as):
    ticket = call()
    me = client_as(world.specialist)
    page = me.get(f"/tickets/{ticket.pk}/").content.decode()
    lazy = _lazy(page)
    assert "comment" in lazy and "close" not in lazy
    assert f'action="/tickets/{ticket.pk}/comment/"' not in page
    assert 'href="?open=comment#comment"' in page
    form = me.get(lazy["comment"], headers={"HX-Request": "true"}).content.decode()
    assert form.lstrip().startswith("<form") and "<html" not in form
    assert f'action="/tickets/{ticket.pk}/comment/"' in form and "csrfmiddlewaretoken" in form
    # Without htmx: the page again, with that panel open and its form drawn.
    response = me.get(lazy["comment"])
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{ticket.pk}/?open=comment#comment"
    page = me.get(f"/tickets/{ticket.pk}/?open=comment").content.decode()
    assert f'action="/tickets/{ticket.pk}/comment/"' in page
    assert "comment" not in _lazy(page)


def test_each_closed_panel_fetches_from_its_own_ticket_in_the_readers_language(
    world, call, client_as
):
    """A closed panel is drawn once per process and language (views.tickets._closed_panel),
    the ticket's URL filled in on each page: one ticket's page never points at another's."""
    from django.urls import reverse

    me = client_as(world.specialist)
    first, second = call(), call()
    openers = {"zh-hans": "打开“内部备注”表单", "en": "Open the “Internal note” form"}
    for language, opener in openers.items():
        world.specialist.language = language
        world.specialist.save(update_fields=["language"])
        for ticket in (first, second, first):
            page = me.get(f"/tickets/{ticket.pk}/").content.decode()
            lazy = _lazy(page)
            assert len(lazy) > 5
            for slug, url in lazy.items():
                assert url == reverse("ticket_action_form", args=[ticket.pk, slug])
            assert opener in page


def test_out_of_scope_not_permitted_unknown_and_gone(world, call, client_as):
    ticket = call()
    url = f"/tickets/{ticket.pk}/comment/form/"
    hx = {"HX-Request": "true"}
    assert client_as(world.specialist_b).get(url, headers=hx).status_code == 404
    assert (
        client_as(world.specialist)
        .get(f"/tickets/{ticket.pk}/decide/form/", headers=hx)
        .status_code
        == 403
    )
    assert client_as(world.specialist).get(f"/tickets/{ticket.pk}/nope/form/").status_code == 404
    assert client_as(world.specialist).post(url, headers=hx).status_code == 405
    # Opened after the ticket moved on (here: answered at once, so closed): no form, a word
    # and a link to the page.
    closed = call(answer="物业费可在业主服务平台缴纳。", description="物业费怎么交?")
    assert closed.is_closed
    gone = client_as(world.specialist).get(f"/tickets/{closed.pk}/transfer/form/", headers=hx)
    assert gone.status_code == 200
    text = gone.content.decode()
    assert "<form" not in text and f'href="/tickets/{closed.pk}/"' in text


def test_the_investigation_form_lists_the_departments_as_they_are_now(
    world, call, categories, client_as
):
    """Its department choices are held per scope until the reference data changes
    (action_forms._department_choices): a new department, a rename and an archived one show
    on the next page, and the form still accepts only departments in scope."""
    from django.utils import timezone

    from wuyedesk.properties.models import Department

    ticket = call(kind="complaint", category=categories["ATTITUDE"])
    manager = client_as(world.manager)

    def departments():
        page = manager.get(f"/tickets/{ticket.pk}/?open=investigate").content.decode()
        form = page.split(f'action="/tickets/{ticket.pk}/investigate/"', 1)[1].split("</form>")[0]
        return re.findall(r'value="(\d+)"[^>]*>\s*<label[^>]*>([^<]+)</label>', form)

    before = departments()
    assert (str(world.engineering.pk), "工程部") in before
    security = Department.objects.create(code="BA", name="保安部")
    security.communities.add(world.a)
    world.engineering.name = "工程维修部"
    world.engineering.save()
    now = departments()
    assert (str(security.pk), "保安部") in now
    assert (str(world.engineering.pk), "工程维修部") in now
    security.archived_at = timezone.now()
    security.save()
    assert str(security.pk) not in dict(departments())
    refused = manager.post(
        f"/tickets/{ticket.pk}/investigate/",
        {"departments": [security.pk], "note": "查", "version": ticket.version},
    )
    assert "未保存:请更正标出的错误。" in refused.content.decode()
    assert not ticket.dispatches.exists()
