"""How many households to ask (Cochran with finite-population correction) and which ones
(a random sample stratified by community and building, proportional allocation)."""

import math
import random
from collections.abc import Hashable, Sequence

# Two-sided z values of the confidence levels the policy offers.
Z_VALUES = {90: 1.6449, 95: 1.9600, 99: 2.5758}


def cochran_size(*, population: int, confidence: int, margin_points: float, p: float = 0.5) -> int:
    """The sample size for a proportion p within ±margin_points at the given confidence.

    n0 = z² · p(1−p) / e²  (infinite population), then the finite-population correction
    n = n0 / (1 + (n0 − 1) / N), rounded up and never more than N.
    """
    if population <= 0:
        return 0
    z = Z_VALUES[int(confidence)]
    e = margin_points / 100.0
    n0 = z * z * p * (1 - p) / (e * e)
    n = n0 / (1 + (n0 - 1) / population)
    return min(population, math.ceil(n - 1e-9))


def margin_of_error(*, sample: int, population: int, confidence: int, p: float = 0.5) -> float:
    """The margin (in percentage points) a sample of `sample` out of `population` gives."""
    if sample <= 0:
        return 100.0
    z = Z_VALUES[int(confidence)]
    fpc = math.sqrt((population - sample) / (population - 1)) if population > 1 else 0.0
    return round(100.0 * z * math.sqrt(p * (1 - p) / sample) * fpc, 2)


def allocate(sizes: dict[Hashable, int], total: int) -> dict[Hashable, int]:
    """Split `total` over strata in proportion to their sizes (largest remainder), so the
    parts add up to exactly `total` and none exceeds its stratum."""
    population = sum(sizes.values())
    if population == 0 or total <= 0:
        return dict.fromkeys(sizes, 0)
    total = min(total, population)
    exact = {k: total * v / population for k, v in sizes.items()}
    parts = {k: math.floor(x) for k, x in exact.items()}
    left = total - sum(parts.values())
    for k in sorted(sizes, key=lambda k: (-(exact[k] - parts[k]), str(k))):
        if left <= 0:
            break
        if parts[k] < sizes[k]:
            parts[k] += 1
            left -= 1
    return parts


def stratified_sample(
    strata: dict[Hashable, Sequence], size: int, rng: random.Random
) -> dict[Hashable, list]:
    """Draw `size` members over the strata, each in proportion to its size."""
    parts = allocate({k: len(v) for k, v in strata.items()}, size)
    return {k: rng.sample(list(v), parts[k]) for k, v in strata.items()}
