"""The survey figures as pure functions of plain numbers (SUR-2, AST-4).

No database here: the analysis (survey_analysis.py) hands these plain rows, and the tests
hand-compute the same figures. The formulas are documented in docs/survey-analysis.md.
"""

import math
from collections.abc import Iterable, Mapping
from statistics import NormalDist

SATISFIED_MIN = 4  # a 1–5 rating of 4 or 5 counts as satisfied
PROMOTER_MIN = 9  # 9–10 on the 0–10 question
DETRACTOR_MAX = 6  # 0–6


def z_of(confidence: int) -> float:
    """The two-sided normal quantile of a confidence level in percent (95 → 1.95996…)."""
    return NormalDist().inv_cdf(0.5 + confidence / 200)


def rating_index(score: float) -> float:
    """A 1–5 rating on a 0–100 scale: 1 → 0, 3 → 50, 5 → 100."""
    return (score - 1) / 4 * 100


def margin(p: float, n: int, z: float, population: int | None = None) -> float | None:
    """Margin of error of a proportion p from n answers: z·√(p(1−p)/n), times the finite
    population correction √((N−n)/(N−1)) when the population N is known and larger than n."""
    if n <= 0:
        return None
    m = z * math.sqrt(p * (1 - p) / n)
    if population and population > n and population > 1:
        m *= math.sqrt((population - n) / (population - 1))
    return m


def ratings(scores: Iterable[int], z: float, population: int | None = None) -> dict:
    """n, mean, share satisfied (4–5) with its margin of error, and the 0–100 index."""
    scores = list(scores)
    n = len(scores)
    if not n:
        return {"n": 0, "mean": None, "satisfied": None, "margin": None, "index": None}
    share = sum(1 for s in scores if s >= SATISFIED_MIN) / n
    return {
        "n": n,
        "mean": sum(scores) / n,
        "satisfied": share,
        "margin": margin(share, n, z, population),
        "index": sum(rating_index(s) for s in scores) / n,
    }


def nps(values: Iterable[int]) -> dict:
    """Net promoter score: % promoters (9–10) minus % detractors (0–6)."""
    values = list(values)
    n = len(values)
    promoters = sum(1 for v in values if v >= PROMOTER_MIN)
    detractors = sum(1 for v in values if v <= DETRACTOR_MAX)
    return {
        "n": n,
        "promoters": promoters,
        "detractors": detractors,
        "nps": 100 * (promoters - detractors) / n if n else None,
    }


def weighted_index(indexes: Mapping, weights: Mapping | None = None) -> float | None:
    """The satisfaction index of a group: Σ w_d·I_d / Σ w_d over the dimensions d answered
    in the group (I_d = the dimension's index); a missing weight counts 1."""
    weights = weights or {}
    pairs = [(weights.get(d, 1), i) for d, i in indexes.items() if i is not None]
    total = sum(w for w, _i in pairs)
    return sum(w * i for w, i in pairs) / total if total else None


def change(before: dict | None, after: dict | None, z: float) -> dict | None:
    """The change of the satisfied share between two periods. Flagged only when the
    difference exceeds the combined margin z·√(p₁q₁/n₁ + p₂q₂/n₂)."""
    if not before or not after or not before.get("n") or not after.get("n"):
        return None
    p1, n1, p2, n2 = before["satisfied"], before["n"], after["satisfied"], after["n"]
    combined = z * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    diff = p2 - p1
    return {
        "diff": diff,
        "margin": combined,
        "significant": abs(diff) > combined,
        "direction": "up" if diff > 0 else "down" if diff < 0 else "",
        "index_diff": (after["index"] - before["index"])
        if after.get("index") is not None and before.get("index") is not None
        else None,
    }


def pearson(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Pearson's r of (x, y) pairs; None with fewer than 3 pairs or no spread."""
    pairs = list(pairs)
    n = len(pairs)
    if n < 3:
        return None
    mx = sum(x for x, _y in pairs) / n
    my = sum(y for _x, y in pairs) / n
    sxy = sum((x - mx) * (y - my) for x, y in pairs)
    sxx = sum((x - mx) ** 2 for x, _y in pairs)
    syy = sum((y - my) ** 2 for _x, y in pairs)
    if not sxx or not syy:
        return None
    return sxy / math.sqrt(sxx * syy)
