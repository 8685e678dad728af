import pytest
from django.core.management import CommandError, call_command

from wuyedesk.accounts.models import StaffPost, User
from wuyedesk.properties import seeding
from wuyedesk.properties.models import Community, Occupancy, Resident, Room


def snapshot():
    return list(Resident.objects.order_by("id").values_list("name", "phone", "id_number"))


@pytest.mark.django_db
def test_seed_makes_a_realistic_company():
    counts = seeding.seed(communities=2, households=60, seed=7)
    assert counts["rooms"] == Room.objects.count() == 60
    assert Community.objects.count() == 2
    assert Occupancy.objects.filter(move_out__isnull=True).values("room").distinct().count() == 60
    posts = set(StaffPost.objects.values_list("post", flat=True))
    assert posts == {
        "admin",
        "manager",
        "specialist",
        "assistant",
        "department",
        "supervisor",
        "executive",
    }
    for username, _label in seeding.demo_logins():
        assert (
            User.objects.filter(username=username).exists()
            or Resident.objects.filter(phone=username).exists()
        )
    room = Room.objects.select_related("unit__building__community").first()
    assert room.address.count("-") == 3


@pytest.mark.django_db(transaction=True)  # flush between seeds needs committed data (PostgreSQL)
def test_same_seed_same_data_other_seed_other_data():
    seeding.seed(communities=2, households=40, seed=3)
    first = snapshot()
    call_command("flush", interactive=False)
    seeding.seed(communities=2, households=40, seed=3)
    assert snapshot() == first
    call_command("flush", interactive=False)
    seeding.seed(communities=2, households=40, seed=4)
    assert snapshot() != first


@pytest.mark.django_db
def test_seed_refuses_a_database_with_data():
    seeding.seed(communities=1, households=5, seed=1)
    with pytest.raises(CommandError):
        call_command("seed", communities=1, households=5, seed=1)


@pytest.mark.django_db
def test_seeded_id_numbers_and_phones_validate():
    seeding.seed(communities=1, households=30, seed=2)
    for resident in Resident.objects.all():
        resident.full_clean()


@pytest.mark.django_db
def test_seeded_company_lets_the_default_posts_reveal():
    from wuyedesk.accounts.choices import DEFAULT_REVEAL_POSTS
    from wuyedesk.properties.services import company_get

    seeding.seed(communities=1, households=5, seed=1)
    assert company_get().reveal_posts == DEFAULT_REVEAL_POSTS
