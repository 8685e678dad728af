"""The analysis of a survey campaign (SUR-2, AST-4), compared with the previous four quarters.

`analyse(rows, …)` is a pure function of plain answer rows (see `plain_rows`); everything
that touches the database is in the loaders around it. Formulas: survey_stats.py and
docs/survey-analysis.md.

Who answered is personal: manager and assistant (SEE_RESPONDENT_POSTS) see the household
behind an answer; every other post sees answers anonymised (community and building only).
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import community_ids, has_post
from wuyedesk.accounts.choices import Post
from wuyedesk.policies.services import policy
from wuyedesk.properties.models import Building, Community, Department, Room
from wuyedesk.reports import survey_stats as st
from wuyedesk.reports import survey_themes
from wuyedesk.surveys.models import Answer, Campaign, Dimension
from wuyedesk.surveys.selectors import campaign_answer_rows, campaigns_visible_to
from wuyedesk.tickets.choices import Satisfaction
from wuyedesk.tickets.selectors import reached_return_visits

SEE_RESPONDENT_POSTS = (Post.MANAGER, Post.ASSISTANT)
# How many of the lowest communities the summary names (presentation, not a rule).
LOWEST = 3
# The regulation's numbers come from the settings in force (POL-3, policies.models):
# the target share (`analysis_target_share`: a community's dimension is a finding when its
# share satisfied is significantly below the other communities', or when even its upper
# bound, share + margin, stays below the target), the dimension weights of the index
# (`weight_<code>`; a dimension the regulation does not weigh counts 0) and how many earlier
# campaigns the trend compares (`analysis_previous_campaigns`). See docs/survey-analysis.md.


# ------------------------------------------------------------------ pure part


def _present(stats: dict | None) -> dict | None:
    """Rounded figures for pages and JSON beside the exact ones."""
    if stats is None:
        return None
    out = dict(stats)
    for key, digits, scale in (
        ("mean", 2, 1),
        ("index", 1, 1),
        ("satisfied", 1, 100),
        ("margin", 1, 100),
        ("nps", 1, 1),
        ("diff", 1, 100),
        ("index_diff", 1, 1),
    ):
        if out.get(key) is not None:
            out[f"{key}_r"] = round(out[key] * scale, digits)
    return out


def _is_finding(cell: dict, versus: dict | None, target_share: float) -> bool:
    if not cell["n"]:
        return False
    below_rest = bool(versus and versus["significant"] and versus["diff"] < 0)
    return below_rest or cell["satisfied"] + (cell["margin"] or 0) < target_share


def _group(rows, z, population, weights) -> dict:
    """Overall question, NPS, per-dimension ratings and the index of one group of rows."""
    overall, promoters, per_dim, responses = [], [], defaultdict(list), set()
    for r in rows:
        responses.add(r["response"])
        if r["value"] is None:
            continue
        if r["overall"]:
            overall.append(r["value"])
        elif r["kind"] == "nps_0_10":
            promoters.append(r["value"])
        elif r["dimension"] is not None:
            per_dim[r["dimension"]].append(r["value"])
    dims = {d: st.ratings(v, z, population) for d, v in per_dim.items()}
    return {
        "responses": len(responses),
        "overall": _present(st.ratings(overall, z, population)),
        "nps": _present(st.nps(promoters)),
        "dims": {d: _present(s) for d, s in dims.items()},
        "index": st.weighted_index({d: s["index"] for d, s in dims.items()}, weights),
    }


def _by(rows, key):
    groups = defaultdict(list)
    for r in rows:
        groups[r[key]].append(r)
    return groups


def _with_change(current: dict, previous: dict | None, z: float) -> dict:
    current["change"] = _present(
        st.change(previous["overall"] if previous else None, current["overall"], z)
    )
    current["prev_index"] = previous["index"] if previous else None
    return current


def analyse(
    rows: list[dict],
    *,
    z: float,
    dimensions: dict[int, dict],
    populations: dict | None = None,
    previous_rows: list[dict] | None = None,
    weights: dict[int, float] | None = None,
    target_share: float,
) -> dict:
    """All figures of one campaign from its answer rows (and the previous quarter's).
    `target_share` (0-1) and `weights` are the regulation's (`regulation_numbers`).

    rows: {"response", "community", "building", "kind", "dimension", "overall", "value",
    "text", "id"}; dimensions: {id: {"department": id or None, …}}; populations:
    {"all": N, "community": {id: N}, "building": {id: N}} (households, for the finite
    population correction).
    """
    populations = populations or {}
    pop_c = populations.get("community", {})
    pop_b = populations.get("building", {})
    prev = previous_rows or []
    total = _group(rows, z, populations.get("all"), weights)
    before = _group(prev, z, populations.get("all"), weights) if prev else None
    _with_change(total, before, z)

    dim_rows = [r for r in rows if r["dimension"] is not None and r["value"] is not None]
    prev_dim = [r for r in prev if r["dimension"] is not None and r["value"] is not None]
    dims_prev = _by(prev_dim, "dimension")
    by_dimension = []
    for d, drows in sorted(_by(dim_rows, "dimension").items()):
        now = st.ratings([r["value"] for r in drows], z, populations.get("all"))
        was = (
            st.ratings([r["value"] for r in dims_prev[d]], z, populations.get("all"))
            if d in dims_prev
            else None
        )
        by_dimension.append(
            {
                "dimension": d,
                **_present(now),
                "change": _present(st.change(was, now, z)),
                "prev_index": was["index"] if was else None,
            }
        )

    def groups_of(key, pops):
        prev_groups = _by(prev, key)
        out = []
        for g, grows in sorted(_by(rows, key).items()):
            group = _group(grows, z, pops.get(g), weights)
            was = _group(prev_groups[g], z, pops.get(g), weights) if g in prev_groups else None
            out.append({key: g, **_with_change(group, was, z)})
        return out

    by_community = groups_of("community", pop_c)
    by_building = groups_of("building", pop_b)

    # Departments: the answers about the dimensions each department is answerable for.
    dept_of = {d: info.get("department") for d, info in dimensions.items()}
    dept_rows, dept_prev = defaultdict(list), defaultdict(list)
    for r in dim_rows:
        if dept_of.get(r["dimension"]):
            dept_rows[dept_of[r["dimension"]]].append(r["value"])
    for r in prev_dim:
        if dept_of.get(r["dimension"]):
            dept_prev[dept_of[r["dimension"]]].append(r["value"])
    by_department = []
    for dept, values in sorted(dept_rows.items()):
        now = st.ratings(values, z, populations.get("all"))
        was = st.ratings(dept_prev[dept], z, populations.get("all")) if dept in dept_prev else None
        by_department.append(
            {"department": dept, **_present(now), "change": _present(st.change(was, now, z))}
        )

    # Community × dimension; a finding is a cell significantly below the other communities.
    matrix = []
    for c, crows in sorted(_by(dim_rows, "community").items()):
        for d, cells in sorted(_by(crows, "dimension").items()):
            cell = st.ratings([r["value"] for r in cells], z, pop_c.get(c))
            rest = [r["value"] for r in dim_rows if r["dimension"] == d and r["community"] != c]
            versus = st.change(st.ratings(rest, z), cell, z) if rest else None
            matrix.append(
                {
                    "community": c,
                    "dimension": d,
                    "department": dept_of.get(d),
                    **_present(cell),
                    "versus_rest": _present(versus),
                    "finding": _is_finding(cell, versus, target_share),
                }
            )

    # Drivers: how each dimension's rating moves with the overall rating, across responses.
    overall_of = {r["response"]: r["value"] for r in rows if r["overall"] and r["value"]}
    pairs = defaultdict(list)
    for r in dim_rows:
        if r["response"] in overall_of:
            pairs[r["dimension"]].append((r["value"], overall_of[r["response"]]))
    drivers = sorted(
        (
            {"dimension": d, "r": st.pearson(p), "n": len(p)}
            for d, p in pairs.items()
            if st.pearson(p) is not None
        ),
        key=lambda x: -x["r"],
    )

    lowest = sorted((c for c in by_community if c["index"] is not None), key=lambda c: c["index"])[
        :LOWEST
    ]
    texts = [(r["id"], r["text"]) for r in rows if r["kind"] == "text" and r.get("text")]
    return {
        "z": z,
        "total": total,
        "dimensions": by_dimension,
        "communities": by_community,
        "buildings": by_building,
        "departments": by_department,
        "matrix": matrix,
        "findings": sorted((m for m in matrix if m["finding"]), key=lambda m: m["satisfied"]),
        "drivers": drivers,
        "lowest": [c["community"] for c in lowest],
        "themes": survey_themes.group(texts),
    }


# ------------------------------------------------------------------ loading


def plain_rows(queryset) -> list[dict]:
    """Answer rows (surveys.selectors.campaign_answer_rows) as the plain rows analyse() takes."""
    return [
        {
            "id": r["id"],
            "response": r["response_id"],
            "community": r["response__community_id"],
            "building": r["response__building_id"],
            "kind": r["question__kind"],
            "code": r["question__code"],
            "dimension": r["question__dimension_id"],
            "overall": r["question__is_overall"],
            "value": r["value_int"],
            "text": r["value_text"],
        }
        for r in queryset
    ]


def campaign_rows(user, campaign) -> list[dict]:
    qs = campaign_answer_rows(campaign)
    ids = community_ids(user)
    if ids is not None:
        qs = qs.filter(response__community_id__in=ids)
    return plain_rows(qs)


def previous_campaigns(user, campaign, limit=None):
    limit = limit or policy().analysis_previous_campaigns
    return list(
        campaigns_visible_to(user)
        .filter(period_start__lt=campaign.period_start)
        .order_by("-period_start")[:limit]
    )


def next_campaigns(campaign):
    return Campaign.objects.filter(period_start__gt=campaign.period_start).order_by("period_start")


def dimension_info() -> dict[int, dict]:
    return {
        d.pk: {
            "id": d.pk,
            "code": d.code,
            "label": d.label,
            "department": d.department_id,
            "department_name": d.department.name if d.department_id else "",
        }
        for d in Dimension.objects.select_related("department")
    }


def populations(user) -> dict:
    """Households (rooms) per community and building in the user's scope."""
    rooms = Room.objects.filter(archived_at__isnull=True)
    ids = community_ids(user)
    if ids is not None:
        rooms = rooms.filter(community_id__in=ids)
    by_c = dict(rooms.order_by().values_list("community_id").annotate(n=Count("id")))
    by_b = dict(rooms.order_by().values_list("building_id").annotate(n=Count("id")))
    return {"all": sum(by_c.values()), "community": by_c, "building": by_b}


def confidence_z() -> tuple[int, float]:
    confidence = policy().survey_confidence
    return confidence, st.z_of(confidence)


def regulation_numbers(dims: dict[int, dict]) -> tuple[dict[int, int], float]:
    """The dimension weights (by dimension id) and the target share (0-1) of the settings in
    force (POL-3)."""
    rules = policy()
    by_code = rules.dimension_weights()
    weights = {d: by_code.get(info["code"], 0) for d, info in dims.items()}
    return weights, rules.analysis_target_share / 100


def campaign_analysis(user, campaign) -> dict:
    """Everything the analysis page, the report and the API show for a campaign."""
    confidence, z = confidence_z()
    dims = dimension_info()
    weights, target_share = regulation_numbers(dims)
    rows = campaign_rows(user, campaign)
    earlier = previous_campaigns(user, campaign)
    prev_rows = campaign_rows(user, earlier[0]) if earlier else []
    pops = populations(user)
    data = analyse(
        rows,
        z=z,
        dimensions=dims,
        populations=pops,
        previous_rows=prev_rows,
        weights=weights,
        target_share=target_share,
    )
    community_names = dict(
        Community.objects.filter(id__in=[c["community"] for c in data["communities"]]).values_list(
            "id", "name"
        )
    )
    buildings = {
        b.pk: f"{b.community.name} {b.name}"
        for b in Building.objects.filter(
            id__in=[b["building"] for b in data["buildings"]]
        ).select_related("community")
    }
    departments = dict(Department.objects.values_list("id", "name"))
    for row in data["dimensions"] + data["matrix"] + data["drivers"]:
        info = dims.get(row["dimension"], {})
        row["label"] = info.get("label", "")
        row["code"] = info.get("code", "")
    for row in data["matrix"]:
        row["community_name"] = community_names.get(row["community"], "")
        row["department_name"] = departments.get(row["department"], "")
    for row in data["communities"]:
        row["name"] = community_names.get(row["community"], "")
    for row in data["buildings"]:
        row["name"] = buildings.get(row["building"], "")
    for row in data["departments"]:
        row["name"] = departments.get(row["department"], "")
    data["lowest"] = [c for c in data["communities"] if c["community"] in data["lowest"]]
    data["lowest"].sort(key=lambda c: c["index"])
    data["campaign"] = {
        "id": campaign.pk,
        "name": campaign.name,
        "quarter": campaign.quarter,
        "period_start": campaign.period_start.isoformat(),
        "period_end": campaign.period_end.isoformat(),
    }
    data["previous"] = {"quarter": earlier[0].quarter} if earlier else None
    data["confidence"] = confidence
    data["trend"] = trend(user, campaign, earlier, z, weights, dims)
    data["service"] = service_figures(user, campaign)
    data["dimension_list"] = list(dims.values())
    return data


def trend(user, campaign, earlier, z, weights, dims) -> list[dict]:
    """The index, overall satisfied share and NPS of this and the previous four quarters."""
    out = []
    for c in [*reversed(earlier), campaign]:
        group = _group(campaign_rows(user, c), z, None, weights)
        out.append(
            {
                "quarter": c.quarter,
                "index": round(group["index"], 1) if group["index"] is not None else None,
                "satisfied": (group["overall"] or {}).get("satisfied_r"),
                "nps": group["nps"].get("nps_r"),
                "responses": group["responses"],
                "dims": {
                    dims[d]["label"]: s.get("index_r")
                    for d, s in group["dims"].items()
                    if d in dims
                },
            }
        )
    return out


def service_figures(user, campaign) -> dict:
    """SUP-2 beside the survey: return visits and portal ratings of the same period."""
    import datetime as dt

    from django.apps import apps
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(campaign.period_start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(campaign.period_end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    ids = community_ids(user)
    visits = reached_return_visits().filter(at__gte=start, at__lt=end).exclude(satisfaction="")
    if ids is not None:
        visits = visits.filter(ticket__community_id__in=ids)
    counts = dict(visits.order_by().values_list("satisfaction").annotate(n=Count("id")))
    n = sum(counts.values())
    out = {
        "return_visits": {
            "n": n,
            "satisfied": counts.get(Satisfaction.SATISFIED, 0),
            "partly": counts.get(Satisfaction.PARTLY, 0),
            "not_satisfied": counts.get(Satisfaction.NOT_SATISFIED, 0),
            "satisfied_r": round(100 * counts.get(Satisfaction.SATISFIED, 0) / n, 1) if n else None,
        },
        "ratings": None,
    }
    try:
        rating_model = apps.get_model("channels", "Rating")
    except LookupError:  # the portal's ratings are not installed: shown as "not available"
        return out
    ratings = rating_model.objects.filter(created_at__gte=start, created_at__lt=end)
    if ids is not None:
        ratings = ratings.filter(community_id__in=ids)
    stars = list(ratings.values_list("stars", flat=True))
    if stars:
        figures = st.ratings(stars, 1.96)
        out["ratings"] = {
            "n": len(stars),
            "mean_r": round(figures["mean"], 2),
            "satisfied_r": round(100 * figures["satisfied"], 1),
        }
    else:
        out["ratings"] = {"n": 0, "mean_r": None, "satisfied_r": None}
    return out


# ------------------------------------------------------------------ improvement items


def finding_refs(user, campaign_id, dimension_id) -> dict:
    """The campaign and dimension a survey-finding item refers to, in the user's scope."""
    errors = {}
    campaign = campaigns_visible_to(user).filter(pk=campaign_id).first() if campaign_id else None
    dimension = Dimension.objects.filter(pk=dimension_id).first() if dimension_id else None
    if campaign is None:
        errors["campaign"] = ValidationError(
            _("找不到该调查活动,或不在您的权限范围内。"), code="invalid_choice"
        )
    if dimension is None:
        errors["dimension"] = ValidationError(_("找不到该服务维度。"), code="invalid_choice")
    if errors:
        raise ValidationError(errors)
    return {"campaign": campaign, "dimension": dimension}


def _cell(campaign, dimension_id, community_id, z):
    values = Answer.objects.filter(
        response__campaign=campaign,
        response__community_id=community_id,
        question__dimension_id=dimension_id,
        value_int__isnull=False,
    ).values_list("value_int", flat=True)
    return st.ratings(list(values), z)


def item_effect(user, item) -> dict | None:
    """Before/after of a survey-sourced item: its dimension and community in the campaign it
    came from, and in the first later campaign with answers for them (None until then)."""
    if item.source != "survey" or not (
        item.campaign_id and item.dimension_id and item.community_id
    ):
        return None
    _confidence, z = confidence_z()
    before = _cell(item.campaign, item.dimension_id, item.community_id, z)
    after_campaign, after = None, None
    for later in next_campaigns(item.campaign):
        figures = _cell(later, item.dimension_id, item.community_id, z)
        if figures["n"]:
            after_campaign, after = later, figures
            break
    change = st.change(before, after, z)
    return {
        "campaign_label": item.campaign.quarter,
        "dimension_label": item.dimension.label,
        "before": {**_present(before), "label": item.campaign.quarter},
        "after": {**_present(after), "label": after_campaign.quarter} if after else None,
        "significant": bool(change and change["significant"]),
        "change_pct": round(100 * change["diff"], 1) if change else None,
        "margin_pct": round(100 * change["margin"], 1) if change else None,
        "change": _present(change),
    }


# ------------------------------------------------------------------ answers behind a figure


def may_see_respondent(user) -> bool:
    return has_post(user, *SEE_RESPONDENT_POSTS)


def answers_behind(user, campaign, params: dict):
    """The answers behind one figure of the analysis, scoped to the user's communities.

    params: dimension, community, building, department (ids), question ("overall", "nps",
    "text"), satisfied ("1"/"0"), theme (a category code)."""
    qs = Answer.objects.filter(
        response__campaign=campaign,
        question__kind__in=[
            "rating_1_5",
            "nps_0_10",
            "text",
        ],
    )
    ids = community_ids(user)
    if ids is not None:
        qs = qs.filter(response__community_id__in=ids)

    def number(name):
        value = params.get(name)
        try:
            return int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None

    if number("dimension"):
        qs = qs.filter(question__dimension_id=number("dimension"))
    if number("department"):
        qs = qs.filter(question__dimension__department_id=number("department"))
    if number("community"):
        qs = qs.filter(response__community_id=number("community"))
    if number("building"):
        qs = qs.filter(response__building_id=number("building"))
    question = params.get("question")
    if question == "overall":
        qs = qs.filter(question__is_overall=True)
    elif question == "nps":
        qs = qs.filter(question__kind="nps_0_10")
    elif question == "text" or params.get("theme"):
        qs = qs.filter(question__kind="text").exclude(value_text="")
    if params.get("satisfied") == "1":
        qs = qs.filter(question__kind="rating_1_5", value_int__gte=st.SATISFIED_MIN)
    elif params.get("satisfied") == "0":
        qs = qs.filter(question__kind="rating_1_5", value_int__lt=st.SATISFIED_MIN)
    theme = params.get("theme")
    if theme:
        texts = list(qs.values_list("id", "value_text"))
        keep = [i for i, text in texts if theme in survey_themes.themes_of(text)]
        qs = qs.filter(id__in=keep)
    related = ["question__dimension", "response__community", "response__building"]
    if may_see_respondent(user):
        related += ["response__room__unit", "response__respondent"]
    return qs.select_related(*related).order_by("response__community_id", "response_id", "id")
