"""/api/v1/knowledge: every staff member reads and searches; manager and assistants write,
each save a new version; a save over a newer version is a 409."""

import pytest

from wuyedesk.tickets.knowledge import services as knowledge
from wuyedesk.tickets.models import KnowledgeArticle, KnowledgeRevision

URL = "/api/v1/knowledge"


@pytest.fixture
def articles(world, categories):
    return {a.question: a for a in knowledge.load_demo_articles(by=world.manager)}


@pytest.fixture
def parking(articles):
    return articles["停车月卡怎么办理?"]


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def new_article(categories, **fields):
    return {
        "category": categories["PARKING"].id,
        "question": "电动车可以在地库充电吗?",
        "answer": "地库禁止电动车充电,请使用小区南门的集中充电桩。",
        **fields,
    }


@pytest.mark.parametrize("persona", ["specialist", "worker", "supervisor", "executive"])
def test_every_staff_member_searches_by_a_two_character_word(world, api_as, parking, persona):
    response = api_as(getattr(world, persona)).get(URL, q="月卡")

    assert ids(response) == [parking.id]
    item = response.json()["items"][0]
    assert item["category"]["name"] == "停车"
    assert item["version"] == 1 and item["updated_by"]["name"] == "王经理"


def test_category_filter_takes_the_parent_and_children(world, api_as, articles, categories):
    api = api_as(world.specialist)

    parking = ids(api.get(URL, category=categories["PARKING"].id))
    lift = ids(api.get(URL, category=categories["LIFT"].id))

    assert {articles[q].id for q in articles if articles[q].category.code == "PARKING"} == set(
        parking
    )
    repair_general = [a.id for a in articles.values() if a.category.code == "REPAIR"]
    assert set(repair_general) <= set(lift)  # general answers of 维修 apply to 维修/电梯


def test_unknown_category_filter_is_a_422(world, api_as, articles):
    response = api_as(world.specialist).get(URL, category=999999)

    assert response.status_code == 422
    assert response.json()["field"] == "category"


def test_keyset_pagination_covers_every_article(world, api_as, articles):
    api = api_as(world.specialist)
    seen, cursor = [], None
    while True:
        page = api.get(URL, limit=4, **({"cursor": cursor} if cursor else {})).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == sorted((a.id for a in articles.values()), reverse=True)


def test_resident_is_refused(world, api_as, parking):
    response = api_as(world.resident).get(URL)

    assert response.status_code == 403
    assert api_as(world.resident).get(f"{URL}/{parking.id}").status_code == 403


@pytest.mark.parametrize("persona", ["manager", "assistant"])
def test_editors_create_an_article(world, api_as, categories, persona):
    response = api_as(getattr(world, persona)).post(URL, new_article(categories))

    assert response.status_code == 201, response.content
    article = KnowledgeArticle.objects.get(pk=response.json()["id"])
    assert article.version == 1 and article.revisions.count() == 1
    assert ids(api_as(world.specialist).get(URL, q="充电")) == [article.id]


@pytest.mark.parametrize("persona", ["specialist", "worker", "supervisor"])
def test_other_posts_may_not_write(world, api_as, categories, parking, persona):
    api = api_as(getattr(world, persona))

    created = api.post(URL, new_article(categories))
    updated = api.patch(f"{URL}/{parking.id}", {"answer": "改"})

    assert created.status_code == 403 and created.json()["code"] == "permission_denied"
    assert updated.status_code == 403
    assert KnowledgeArticle.objects.filter(question__startswith="电动车").count() == 0
    parking.refresh_from_db()
    assert parking.version == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"category": 999999}, "category"),
        ({"question": ""}, "question"),
        ({"answer": ""}, "answer"),
    ],
)
def test_invalid_article_is_a_422_and_saves_nothing(world, api_as, categories, fields, field):
    response = api_as(world.manager).post(URL, new_article(categories, **fields))

    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert not KnowledgeArticle.objects.exists()


def test_an_edit_is_a_new_version(world, api_as, parking):
    response = api_as(world.assistant).patch(
        f"{URL}/{parking.id}", {"answer": "请带行驶证、身份证到客服中心办理。", "version": 1}
    )

    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert response.json()["updated_by"]["name"] == "陈助理"
    assert response.json()["question"] == parking.question  # left as it was
    assert list(parking.revisions.values_list("version", flat=True)) == [2, 1]


def test_a_save_over_a_newer_version_is_a_409(world, api_as, parking):
    api_as(world.manager).patch(f"{URL}/{parking.id}", {"answer": "甲的修改", "version": 1})

    response = api_as(world.assistant).patch(
        f"{URL}/{parking.id}", {"answer": "乙的修改", "version": 1}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    parking.refresh_from_db()
    assert parking.answer == "甲的修改" and parking.version == 2
    assert KnowledgeRevision.objects.filter(article=parking).count() == 2


def test_archived_articles_are_listed_only_on_request_of_an_editor(world, api_as, parking):
    knowledge.article_archive(by=world.manager, article=parking)

    assert parking.id not in ids(api_as(world.manager).get(URL))
    assert parking.id in ids(api_as(world.manager).get(URL, archived=True))
    assert parking.id not in ids(api_as(world.specialist).get(URL, archived=True))
    refused = api_as(world.manager).patch(f"{URL}/{parking.id}", {"answer": "改"})
    assert refused.status_code == 403
