"""The analysis figures equal hand-computed values for a small fixture (issue #5, acceptance 3):
mean, share satisfied, satisfaction index, NPS, margin of error, the change flag, drivers,
findings and themes."""

import math

import pytest

from wuyedesk.reports import survey_stats as st
from wuyedesk.reports.survey_analysis import analyse

Z = st.z_of(95)
CLEAN, SERVICE = 7, 8


def rows_of(spec):
    """spec: [(response, community, building, overall, nps, clean, service, text)]"""
    rows, next_id = [], 1
    for response, community, building, overall, nps, clean, service, text in spec:
        for kind, dimension, is_overall, value, words in (
            ("rating_1_5", None, True, overall, ""),
            ("nps_0_10", None, False, nps, ""),
            ("rating_1_5", CLEAN, False, clean, ""),
            ("rating_1_5", SERVICE, False, service, ""),
            ("text", None, False, None, text),
        ):
            if value is None and not words:
                continue
            rows.append(
                {
                    "id": next_id,
                    "response": response,
                    "community": community,
                    "building": building,
                    "kind": kind,
                    "dimension": dimension,
                    "overall": is_overall,
                    "value": value,
                    "text": words,
                }
            )
            next_id += 1
    return rows


CURRENT = rows_of(
    [
        (1, 1, 10, 5, 10, 2, 4, "楼道垃圾没人清理,卫生太差"),
        (2, 1, 10, 4, 9, 1, 5, "电梯经常坏"),
        (3, 1, 10, 2, 5, 2, 3, "停车位太少"),
        (4, 1, 10, 3, 7, 3, 4, "总体还可以"),
        (5, 2, 20, 5, 9, 5, None, ""),
        (6, 2, 20, 4, 8, 4, None, ""),
    ]
)
PREVIOUS = rows_of(
    [
        (11, 1, 10, 4, 6, 2, 3, ""),
        (12, 1, 10, 2, 6, 2, 3, ""),
        (13, 1, 10, 2, 6, 2, 3, ""),
        (14, 1, 10, 3, 6, 2, 3, ""),
        (15, 2, 20, 2, 6, 4, None, ""),
        (16, 2, 20, 2, 6, 4, None, ""),
    ]
)
DIMENSIONS = {CLEAN: {"department": 30}, SERVICE: {"department": 40}}


@pytest.fixture
def result():
    return analyse(
        CURRENT,
        z=Z,
        dimensions=DIMENSIONS,
        populations={"all": 10, "community": {1: 6, 2: 4}, "building": {10: 6, 20: 4}},
        previous_rows=PREVIOUS,
        target_share=0.5,
    )


def test_z_of_the_usual_confidence_levels():
    assert st.z_of(95) == pytest.approx(1.959964, abs=1e-6)
    assert st.z_of(90) == pytest.approx(1.644854, abs=1e-6)
    assert st.z_of(99) == pytest.approx(2.575829, abs=1e-6)


def test_overall_question_mean_share_index_and_margin(result):
    overall = result["total"]["overall"]
    # overall answers 5 4 2 3 5 4
    assert overall["n"] == 6
    assert overall["mean"] == pytest.approx(23 / 6)
    assert overall["satisfied"] == pytest.approx(4 / 6)
    assert overall["index"] == pytest.approx((100 + 75 + 25 + 50 + 100 + 75) / 6)
    # margin with the finite population correction, N = 10 households
    plain = 1.959964 * math.sqrt((2 / 3) * (1 / 3) / 6)
    assert plain == pytest.approx(0.37720, abs=1e-4)
    assert overall["margin"] == pytest.approx(plain * math.sqrt(4 / 9), abs=1e-5)
    assert overall["satisfied_r"] == 66.7
    assert result["total"]["responses"] == 6


def test_margin_without_population_has_no_correction():
    assert st.margin(0.5, 100, 1.96) == pytest.approx(0.098)
    assert st.margin(0.5, 100, 1.96, population=100) == pytest.approx(0.098)  # N == n: none
    assert st.margin(0.5, 0, 1.96) is None


def test_nps(result):
    # 10 9 5 7 9 8: promoters 3, detractors 1 → (3 − 1) / 6
    nps = result["total"]["nps"]
    assert (nps["promoters"], nps["detractors"], nps["n"]) == (3, 1, 6)
    assert nps["nps"] == pytest.approx(100 * 2 / 6)
    assert st.nps([])["nps"] is None


def test_dimension_figures_and_the_weighted_index(result):
    by_dim = {d["dimension"]: d for d in result["dimensions"]}
    clean = by_dim[CLEAN]  # 2 1 2 3 5 4
    assert clean["mean"] == pytest.approx(17 / 6)
    assert clean["satisfied"] == pytest.approx(2 / 6)
    assert clean["index"] == pytest.approx(275 / 6)
    service = by_dim[SERVICE]  # 4 5 3 4
    assert service["index"] == pytest.approx(75)
    # equal weights: the mean of the dimension indexes
    assert result["total"]["index"] == pytest.approx((275 / 6 + 75) / 2)
    # weights 3 : 1
    assert st.weighted_index({CLEAN: 275 / 6, SERVICE: 75}, {CLEAN: 3}) == pytest.approx(
        (3 * 275 / 6 + 75) / 4
    )


def test_change_is_flagged_only_beyond_the_combined_margin(result):
    # whole campaign: satisfied 1/6 → 4/6; combined margin 1.96·√(1/6·5/6/6 + 2/3·1/3/6)
    change = result["total"]["change"]
    combined = 1.959964 * math.sqrt((1 / 6) * (5 / 6) / 6 + (2 / 3) * (1 / 3) / 6)
    assert combined == pytest.approx(0.48083, abs=1e-4)
    assert change["diff"] == pytest.approx(0.5)
    assert change["margin"] == pytest.approx(combined)
    assert change["significant"] is True
    # community 1: 1/4 → 2/4 is within 1.96·√(.25·.75/4 + .5·.5/4) = 0.648
    community = {c["community"]: c for c in result["communities"]}[1]
    assert community["change"]["diff"] == pytest.approx(0.25)
    assert community["change"]["margin"] == pytest.approx(
        1.959964 * math.sqrt(0.25 * 0.75 / 4 + 0.25 / 4)
    )
    assert community["change"]["significant"] is False


def test_departments_are_their_dimensions(result):
    by_dept = {d["department"]: d for d in result["departments"]}
    assert by_dept[30]["n"] == 6 and by_dept[30]["mean"] == pytest.approx(17 / 6)
    assert by_dept[40]["n"] == 4 and by_dept[40]["mean"] == pytest.approx(4)


def test_drivers_are_pearson_correlations_with_the_overall_question(result):
    driver = {d["dimension"]: d for d in result["drivers"]}[CLEAN]
    # x = 2 1 2 3 5 4, y = 5 4 2 3 5 4: sxy = 17/6, sxx = 65/6, syy = 41/6
    assert driver["r"] == pytest.approx((17 / 6) / math.sqrt((65 / 6) * (41 / 6)))
    assert driver["n"] == 6
    assert st.pearson([(1, 1), (2, 2)]) is None  # too few
    assert st.pearson([(1, 1), (1, 2), (1, 3)]) is None  # no spread


def test_findings_and_lowest_communities(result):
    findings = {(f["community"], f["dimension"]) for f in result["findings"]}
    assert (1, CLEAN) in findings  # 0 of 4 satisfied against 2 of 2 elsewhere
    assert (2, CLEAN) not in findings
    assert result["lowest"][0] == 1


def test_themes_group_free_text_by_complaint_category(result):
    themes = {t["code"]: t for t in result["themes"]}
    assert themes["CLEANING"]["n"] == 1
    assert themes["CLEANING"]["examples"] == ["楼道垃圾没人清理,卫生太差"]
    assert themes["LIFT"]["n"] == 1
    assert themes["PARKING"]["n"] == 1
    assert themes["OTHER"]["n"] == 1


def test_a_single_community_finding_is_below_the_target_share():
    rows = [r for r in CURRENT if r["community"] == 1]
    result = analyse(rows, z=Z, dimensions=DIMENSIONS, target_share=0.5)
    findings = {(f["community"], f["dimension"]) for f in result["findings"]}
    # cleaning: 0 of 4 satisfied, upper bound 0 < 70 %; service: 3 of 4 (75 % ± 42) is not
    assert findings == {(1, CLEAN)}
