"""Community scope: what a staff member's assignment means to every selector."""

from wuyedesk.accounts.access import community_ids, forget_cached_access
from wuyedesk.properties.models import Community


def test_scope_is_the_assigned_communities(world):
    assert community_ids(world.manager) == frozenset({world.a.pk})
    assert community_ids(world.specialist_b) == frozenset({world.b.pk})


def test_assigned_every_community_is_no_filter_until_a_new_one_appears(world):
    world.manager.staff.communities.set([world.a, world.b])
    forget_cached_access(world.manager)
    assert community_ids(world.manager) is None  # every community there is: no filter
    Community.objects.create(code="C", name="新建小区")
    forget_cached_access(world.manager)
    assert community_ids(world.manager) == frozenset({world.a.pk, world.b.pk})


def test_company_wide_posts_see_all(world):
    assert community_ids(world.executive) is None


def test_changed_posts_and_scope_apply_to_the_next_request(world):
    """Posts and scopes are kept in the cache between requests (access._scope_of); any
    change to them gives the reference data a new version, so the next request sees it."""
    from django.test import Client

    from wuyedesk.accounts.models import StaffPost

    client = Client()
    client.force_login(world.specialist, backend="wuyedesk.accounts.backends.StaffBackend")
    community_a = f"/communities/{world.a.pk}/"
    assert client.get(community_a).status_code == 200
    world.specialist.staff.communities.remove(world.a)
    assert client.get(community_a).status_code == 404
    world.specialist.staff.communities.add(world.a)
    assert client.get(community_a).status_code == 200
    StaffPost.objects.filter(staff=world.specialist.staff).delete()
    assert client.get("/tickets/").status_code == 403


def test_a_new_version_is_taken_again_when_the_change_commits(
    world, django_capture_on_commit_callbacks
):
    from wuyedesk.core import reference

    before = reference.version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        world.b.name = "改名小区"
        world.b.save()
        during = reference.version()
    assert during != before
    assert callbacks and reference.version() != during


def test_a_scope_key_changes_with_the_person_posts_communities_and_department(world):
    """accounts.access.scope_key: what kept counts, searches and homes are keyed by."""
    from wuyedesk.accounts.access import scope_key
    from wuyedesk.accounts.models import StaffPost

    def key(user):
        forget_cached_access(user)
        return scope_key(user)

    first = key(world.specialist)
    assert first == key(world.specialist)
    assert first != key(world.specialist_b)  # same post, another community
    assert key(world.executive).split(":")[2] == "all"
    world.specialist.staff.communities.add(world.b)
    assert key(world.specialist) not in (first, "")
    world.specialist.staff.communities.remove(world.b)
    assert key(world.specialist) == first
    world.specialist.staff.department = world.engineering
    world.specialist.staff.save()
    assert key(world.specialist) != first
    world.specialist.staff.department = None
    world.specialist.staff.save()
    StaffPost.objects.create(staff=world.specialist.staff, post="assistant")
    assert key(world.specialist) != first
