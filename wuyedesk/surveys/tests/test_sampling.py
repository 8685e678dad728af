"""The sample-size calculator against hand-computed values."""

import random

from wuyedesk.surveys import sampling


def test_cochran_infinite_population_95_5():
    # n0 = 1.96² · 0.25 / 0.05² = 384.16 → with N = 10⁹ the correction is negligible: 385.
    assert sampling.cochran_size(population=10**9, confidence=95, margin_points=5) == 385


def test_cochran_finite_population_correction():
    # N = 1000: n = 384.16 / (1 + 383.16/1000) = 277.74 → 278.
    assert sampling.cochran_size(population=1000, confidence=95, margin_points=5) == 278
    # N = 300: n = 384.16 / (1 + 383.16/300) = 168.7 → 169.
    assert sampling.cochran_size(population=300, confidence=95, margin_points=5) == 169
    # 90 %, ±10: n0 = 1.6449² · 0.25 / 0.01 = 67.64; N = 500: 67.64 / 1.13328 = 59.69 → 60.
    assert sampling.cochran_size(population=500, confidence=90, margin_points=10) == 60
    # 99 %, ±5 on a tiny estate asks everyone.
    assert sampling.cochran_size(population=20, confidence=99, margin_points=5) == 20
    assert sampling.cochran_size(population=0, confidence=95, margin_points=5) == 0


def test_margin_of_error_inverts_the_size():
    # 278 of 1000 at 95 %: 1.96 · √(0.25/278) · √(722/999) = 0.04999 → 5.0 points.
    assert sampling.margin_of_error(sample=278, population=1000, confidence=95) == 5.0


def test_allocate_is_proportional_and_exact():
    parts = sampling.allocate({"A": 50, "B": 30, "C": 20}, 10)
    assert parts == {"A": 5, "B": 3, "C": 2}
    parts = sampling.allocate({"A": 1, "B": 1, "C": 1}, 2)
    assert sum(parts.values()) == 2 and max(parts.values()) == 1


def test_stratified_sample_draws_from_each_stratum():
    strata = {"1栋": list(range(60)), "2栋": list(range(100, 140))}
    drawn = sampling.stratified_sample(strata, 10, random.Random(3))
    assert len(drawn["1栋"]) == 6 and len(drawn["2栋"]) == 4
    assert set(drawn["2栋"]) <= set(strata["2栋"])
