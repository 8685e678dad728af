"""Knowledge base (SPE-1): versions, search by 2-character words, suggestions, permissions."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wuyedesk.core.form_errors import FormInvalid
from wuyedesk.tickets.knowledge import services as knowledge
from wuyedesk.tickets.knowledge.forms import KnowledgeArticleForm
from wuyedesk.tickets.models import KnowledgeArticle, KnowledgeRevision

PARKING = {
    "question": "停车月卡怎么办理?",
    "answer": "请携带行驶证和身份证到客服中心办理。",
    "question_en": "How do I get a monthly parking permit?",
    "answer_en": "Bring your vehicle licence and ID card to the service centre.",
}


def article_data(categories, **changes):
    return {"category": categories["PARKING"].pk, **PARKING, **changes}


@pytest.fixture
def parking(world, categories):
    form = KnowledgeArticleForm(article_data(categories), user=world.manager)
    return knowledge.article_save(by=world.manager, form=form)


@pytest.mark.parametrize("persona", ["manager", "assistant"])
def test_editors_create_and_edit_through_the_pages(world, categories, client_as, persona):
    client = client_as(getattr(world, persona))
    response = client.post("/knowledge/new/", article_data(categories))
    article = KnowledgeArticle.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/knowledge/{article.pk}/"
    assert article.version == 1 and article.updated_by == getattr(world, persona)
    response = client.post(
        f"/knowledge/{article.pk}/edit/",
        article_data(
            categories, answer="请带行驶证、身份证和房产证明到客服中心办理。", seen_version=1
        ),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.version == 2
    assert list(article.revisions.values_list("version", flat=True)) == [2, 1]
    assert "房产" in article.search_text  # the index follows the edit
    page = client.get(f"/knowledge/{article.pk}/").content.decode()
    assert "v2" in page and "v1" in page and "请携带行驶证和身份证" in page  # old text kept


def test_a_save_over_a_newer_version_is_refused(world, categories, parking):
    first = KnowledgeArticleForm(
        article_data(categories, answer="甲的修改", seen_version=1),
        instance=KnowledgeArticle.objects.get(pk=parking.pk),
        user=world.manager,
    )
    knowledge.article_save(by=world.manager, form=first)
    second = KnowledgeArticleForm(
        article_data(categories, answer="乙的修改", seen_version=1),
        instance=KnowledgeArticle.objects.get(pk=parking.pk),
        user=world.assistant,
    )
    with pytest.raises(FormInvalid) as refused:
        knowledge.article_save(by=world.assistant, form=second)
    assert "已被他人修改" in str(refused.value.form.non_field_errors())
    parking.refresh_from_db()
    assert parking.answer == "甲的修改" and parking.version == 2
    assert KnowledgeRevision.objects.filter(article=parking).count() == 2


def test_invalid_article_keeps_the_form_and_saves_nothing(world, categories, client_as):
    client = client_as(world.assistant)
    response = client.post("/knowledge/new/", article_data(categories, answer=""))
    assert response.status_code == 200
    assert not KnowledgeArticle.objects.exists()
    page = response.content.decode()
    assert "is-invalid" in page and "停车月卡怎么办理" in page


def test_specialist_reads_but_cannot_write(world, client_as, parking):
    client = client_as(world.specialist)
    assert client.get("/knowledge/").status_code == 200
    assert client.get(f"/knowledge/{parking.pk}/").status_code == 200
    assert client.get("/knowledge/new/").status_code == 403
    assert client.post("/knowledge/new/", {}).status_code == 403
    assert client.get(f"/knowledge/{parking.pk}/edit/").status_code == 403
    assert client.post(f"/knowledge/{parking.pk}/archive/").status_code == 403
    with pytest.raises(PermissionDenied):
        knowledge.article_save(
            by=world.specialist, form=KnowledgeArticleForm({}, user=world.specialist)
        )


def test_department_staff_read_the_knowledge_base(world, client_as, parking):
    assert client_as(world.worker).get(f"/knowledge/{parking.pk}/").status_code == 200


def test_resident_gets_403_on_every_page(world, client_as, parking):
    client = client_as(world.resident)
    for url in [
        "/knowledge/",
        "/knowledge/new/",
        f"/knowledge/{parking.pk}/",
        f"/knowledge/{parking.pk}/edit/",
    ]:
        assert client.get(url).status_code == 403, url
    for url in [f"/knowledge/{parking.pk}/archive/", "/knowledge/suggest/"]:
        assert client.post(url, {"description": "停车"}).status_code == 403, url


def test_search_finds_an_article_by_a_two_character_word(world, categories, parking):
    knowledge.load_demo_articles(by=world.admin)
    found = knowledge.article_search("停车")
    assert parking in found and len(found) <= 5
    assert all("停车" in a.question + a.answer for a in found)
    assert knowledge.article_search("停车 月卡")[0] == parking
    assert knowledge.article_search("parking permit", category=categories["PARKING"])[0] == parking
    assert knowledge.article_search("停车", category=categories["LIFT"]) == []
    assert knowledge.article_search("") == []


def test_list_page_searches_and_filters_by_category(world, categories, client_as, parking):
    knowledge.load_demo_articles(by=world.admin)
    client = client_as(world.specialist)
    page = client.get("/knowledge/", {"q": "停车"}).content.decode()
    assert "停车月卡怎么办理" in page and "门禁卡丢了" not in page
    page = client.get("/knowledge/", {"category": categories["ACCESS"].pk}).content.decode()
    assert "门禁卡丢了" in page and "停车月卡怎么办理" not in page


def test_archived_articles_leave_search_and_come_back(world, parking, client_as):
    client = client_as(world.manager)
    client.post(f"/knowledge/{parking.pk}/archive/")
    assert knowledge.article_search("停车") == []
    assert "停车月卡" not in client.get("/knowledge/").content.decode()
    assert "停车月卡" in client.get("/knowledge/", {"archived": "1"}).content.decode()
    client.post(f"/knowledge/{parking.pk}/archive/", {"restore": "1"})
    assert knowledge.article_search("停车") == [parking]


def test_suggestions_rank_articles_for_a_description(world, parking, client_as):
    knowledge.load_demo_articles(by=world.admin)
    response = client_as(world.specialist).post(
        "/knowledge/suggest/", {"description": "业主问停车月卡怎么办理", "kind": "inquiry"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("停车月卡怎么办理") < page.find("访客车辆") or "访客车辆" not in page
    assert f'"article": "{parking.pk}"' in page  # the insert button


def test_no_suggestions_for_a_complaint(world, parking, client_as):
    response = client_as(world.specialist).post(
        "/knowledge/suggest/", {"description": "停车月卡", "kind": "complaint"}
    )
    assert "停车月卡" not in response.content.decode()


def test_demo_articles_load_once(world, categories):
    made = knowledge.load_demo_articles(by=world.admin)
    assert 10 <= len(made) <= 15
    assert all(a.question_en and a.answer_en and a.version == 1 for a in made)
    assert KnowledgeRevision.objects.count() == len(made)
    assert knowledge.load_demo_articles(by=world.admin) == []


def test_list_page_query_count_does_not_grow(world, categories, client_as):
    client = client_as(world.specialist)
    client.get("/knowledge/")  # the session and the user's posts, once
    knowledge.load_demo_articles(by=world.admin)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/knowledge/").status_code == 200
        return len(queries)

    many = count()
    KnowledgeArticle.objects.exclude(pk__in=KnowledgeArticle.objects.order_by("pk")[:2]).delete()
    assert count() == many


def test_seeded_company_has_the_demo_knowledge_base(db):
    call_command("seed", communities=1, households=5, seed=1)
    articles = KnowledgeArticle.objects.select_related("updated_by")
    assert 10 <= articles.count() <= 15
    assert {a.updated_by.username for a in articles} == {"admin"}
    assert knowledge.article_search("停车")
