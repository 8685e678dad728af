"""lib.links.url: Django's reverse, each URL worked out once per process, under the script
prefix and URL configuration of the request."""

from django.urls import reverse, set_script_prefix

from wuyedesk.lib import links


def test_a_url_is_djangos_and_is_worked_out_once():
    cases = [
        ("ticket_queue", (), None),
        ("ticket_action_form", (12, "comment"), None),
        ("ticket_detail", (), {"pk": 7}),
        ("meetings:action_list", (), None),
    ]
    for name, args, kwargs in cases:
        assert links.url(name, args=args, kwargs=kwargs) == reverse(
            name, args=args or None, kwargs=kwargs
        )
    before = links._reversed.cache_info()
    for name, args, kwargs in cases:
        links.url(name, args=list(args), kwargs=dict(kwargs) if kwargs else None)
    after = links._reversed.cache_info()
    assert (after.hits - before.hits, after.misses - before.misses) == (len(cases), 0)


def test_the_script_prefix_is_the_requests():
    try:
        set_script_prefix("/kefu/")
        assert links.url("ticket_detail", args=[7]) == "/kefu/tickets/7/"
    finally:
        set_script_prefix("/")
    assert links.url("ticket_detail", args=[7]) == "/tickets/7/"
