"""The frame of a staff page (top bar, notices, language switch) is drawn once per person and
values and kept (core/templatetags/wuyedesk.py _drawn, issue #12 Speed). What differs from
page to page still does: each page's own CSRF token in the frame's forms, its own path in
the language form, the messages of the last action, the unread count."""

import re

from wuyedesk.accounts.models import ApiToken
from wuyedesk.accounts.services import token_create
from wuyedesk.core.templatetags.wuyedesk import _drawn
from wuyedesk.notifications.services import notify


def _page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def _frame_token(html):
    """The CSRF token of the logout form (the bar) and of the page's htmx header."""
    bar = re.search(r'action="/logout/">\s*<input type="hidden" name="csrfmiddlewaretoken" '
                    r'value="([^"]+)"', html).group(1)  # fmt: skip
    header = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
    return bar, header


def _next(html):
    return re.search(r'name="next" value="([^"]*)"', html).group(1)


def test_each_page_has_its_own_token_and_path_in_a_kept_frame(client, world):
    _drawn.cache_clear()
    client.force_login(world.specialist)
    first = _page(client, "/notifications/")
    second = _page(client, "/tickets/?queue=mine&amp=1")
    assert _drawn.cache_info().hits  # the second page's frame was kept, not drawn again
    bar1, header1 = _frame_token(first)
    bar2, header2 = _frame_token(second)
    assert bar1 == header1 and bar2 == header2 and bar1 != bar2
    assert _next(first) == "/notifications/"
    assert _next(second) == "/tickets/?queue=mine&amp;amp=1"  # escaped as any value is
    # The kept bar's logout form works with this page's token.
    assert client.post("/logout/", {"csrfmiddlewaretoken": bar2}).status_code == 302


def test_the_last_actions_message_and_a_new_notice_show_at_once(client, world):
    client.force_login(world.specialist)
    _page(client, "/notifications/")  # the frame without a message, kept
    kept = _drawn.cache_info().currsize
    token, _raw = token_create(user=world.specialist, name="pbx")
    client.post(f"/account/tokens/{token.pk}/revoke/")
    assert "令牌已撤销。" in _page(client, "/notifications/")
    assert _drawn.cache_info().currsize == kept  # a message is shown once, never kept
    assert "令牌已撤销。" not in _page(client, "/notifications/")
    assert ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=False).exists()

    assert 'id="unread-badge"' not in _page(client, "/tickets/?queue=mine")
    notify(users=[world.specialist], kind="task", text="新任务")
    badge = re.search(r'id="unread-badge">(\d+)<', _page(client, "/tickets/?queue=mine"))
    assert badge and badge.group(1) == "1"
