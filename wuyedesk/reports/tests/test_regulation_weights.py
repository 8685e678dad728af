"""The satisfaction index's weights and the target share come from the version in force."""

from wuyedesk.reports import survey_analysis
from wuyedesk.reports import survey_stats as st
from wuyedesk.tickets.tests.test_clocks import new_version

DIMS = {1: {"code": "service"}, 2: {"code": "cleaning"}, 3: {"code": "added_later"}}


def test_weights_and_target_share_follow_the_version(db):
    weights, target = survey_analysis.regulation_numbers(DIMS)
    assert weights == {1: 20, 2: 15, 3: 0} and target == 0.5
    new_version(
        weight_service=50,
        weight_repair=0,
        weight_security=0,
        weight_cleaning=50,
        weight_greening=0,
        weight_parking=0,
        weight_billing=0,
        analysis_target_share=80,
    )
    weights, target = survey_analysis.regulation_numbers(DIMS)
    assert weights == {1: 50, 2: 50, 3: 0} and target == 0.8
    assert st.weighted_index({1: 90, 2: 70, 3: 10}, weights) == 80


def test_the_target_share_decides_a_finding():
    cell = {"n": 10, "satisfied": 0.6, "margin": 0.1}
    assert not survey_analysis._is_finding(cell, None, 0.5)
    assert survey_analysis._is_finding(cell, None, 0.8)
