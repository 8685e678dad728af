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
