"""The demo's recruitment: one opening of the manager's department, three candidates in
screening, interview and withdrawn; seeded once only."""

from wuyedesk.recruitment import selectors
from wuyedesk.recruitment.models import Candidate, Opening
from wuyedesk.recruitment.seeding import seed_demo


def test_demo_recruitment(world):
    assert seed_demo(seed=1) == {"recruitment openings": 1, "recruitment candidates": 3}
    opening = Opening.objects.get()
    assert opening.department == world.manager.staff.department
    assert sorted(Candidate.objects.values_list("stage", flat=True)) == [
        "interview",
        "screening",
        "withdrawn",
    ]
    figures = {key: n for key, _label, n, _url in selectors.home_figures(world.manager)}
    assert figures == {"openings_open": 1, "candidates_waiting": 2}
    assert seed_demo(seed=1) == {}  # once only
