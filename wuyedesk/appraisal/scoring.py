"""How a score is made from the records behind it (the formulas the appraisal page shows).

- A part (component) is the mean of its records' values (a row standing for several records
  counts as many times); the part "complaints found" is
  100 less the regulation's deduction for each complaint; the manager's rating is its own
  part of attitude once given.
- A criterion is the mean of its parts that have records (a part with no records does not
  count); a criterion with no part has no score.
- The total is the weighted mean of the criteria that have a score, with the weights of
  the version in force when the cycle opened (a criterion of weight 0 is not appraised):
  total = Σ(weight × score) / Σ(weight), one decimal, half up.
- The band: excellent at or above the version's excellent line, pass at or above its pass
  line, fail below.
- No total and no band from defaults alone: a person none of whose work scores in service
  quality or customer satisfaction (no tickets, ratings, return visits, inspections or
  survey answers of theirs in the quarter) is not graded on attendance and the absence of
  complaints, which would make them "excellent" by default, until the manager's rating
  (with its written reason) gives their attitude a judgement of someone who saw the work.
"""

from decimal import ROUND_HALF_UP, Decimal

from wuyedesk.appraisal.choices import CRITERION_OF, Band, Component, Criterion

ONE = Decimal("0.1")
HUNDRED = Decimal(100)
# The criteria that measure the service itself; without a score in one of them (or the
# manager's rating) there is no total (see the module's docstring).
SERVICE = (Criterion.QUALITY, Criterion.SATISFACTION)


def rounded(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(ONE, rounding=ROUND_HALF_UP)


def part_scores(values_by_part: dict[str, list[tuple]], manager_rating) -> dict[str, Decimal]:
    """{component: score} from the counted (value, number of records) of each part."""
    parts: dict[str, Decimal] = {}
    for component, values in values_by_part.items():
        if component == Component.COMPLAINT:
            continue
        n = sum(count for _value, count in values)
        if n:
            parts[component] = sum((v * count for v, count in values), Decimal(0)) / n
    complaints = values_by_part.get(Component.COMPLAINT, [])
    deducted = sum((v * count for v, count in complaints), Decimal(0))
    parts[Component.COMPLAINT] = max(Decimal(0), HUNDRED + deducted)
    if manager_rating is not None:
        parts[Component.MANAGER] = Decimal(manager_rating)
    return parts


def criterion_scores(parts: dict[str, Decimal]) -> dict[str, Decimal | None]:
    grouped: dict[str, list[Decimal]] = {c: [] for c in Criterion.values}
    for component, value in parts.items():
        grouped[CRITERION_OF[component]].append(value)
    return {c: (sum(v, Decimal(0)) / len(v) if v else None) for c, v in grouped.items()}


def total_of(scores: dict[str, Decimal | None], weights: dict[str, int]) -> Decimal | None:
    weighted, weight_sum = Decimal(0), 0
    for criterion, weight in weights.items():
        score = scores.get(criterion)
        if weight and score is not None:
            weighted += Decimal(weight) * score
            weight_sum += weight
    return rounded(weighted / weight_sum) if weight_sum else None


def band_of(total, settings) -> str:
    if total is None:
        return ""
    if total >= settings.appraisal_excellent_min:
        return Band.EXCELLENT
    if total >= settings.appraisal_pass_min:
        return Band.PASS
    return Band.FAIL


def score(items, weights: dict[str, int], manager_rating, settings) -> dict:
    """{"parts", "scores", "total", "band"} of an appraisal from its items (any objects with
    `component`, `counted` and `count`); parts and scores as floats of one decimal for storage."""
    values: dict[str, list[tuple]] = {}
    for item in items:
        counted = item.counted
        if counted is not None and item.count:
            values.setdefault(item.component, []).append((Decimal(counted), item.count))
    parts = part_scores(values, manager_rating)
    scores = criterion_scores(parts)
    appraised = {c: s for c, s in scores.items() if weights.get(c)}
    served = manager_rating is not None or any(appraised.get(c) is not None for c in SERVICE)
    total = total_of(appraised, weights) if served else None
    return {
        "parts": {c: float(rounded(v)) for c, v in parts.items()},
        "scores": {c: (float(rounded(v)) if v is not None else None) for c, v in appraised.items()},
        "total": total,
        "band": band_of(total, settings),
    }
