"""Personal data (PIPL, MGT-3): masked by default, revealed only on purpose, every reveal logged."""

import pytest

from wuyedesk.audit.models import AuditAction, AuditEntry
from wuyedesk.lib.privacy import mask_address, mask_id_number, mask_phone
from wuyedesk.properties.services import company_get


def test_masks():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("11010519491231002X") == "110***********002X"
    assert mask_address("上海市浦东新区锦绣路1号") == "上海市浦****"
    assert mask_phone("") == ""


@pytest.mark.parametrize("persona", ["specialist", "worker", "supervisor", "manager"])
def test_pages_show_only_masked_numbers(world, client_as, persona):
    client = client_as(getattr(world, persona))
    for url in (
        "/residents/",
        f"/residents/{world.resident_a.pk}/",
        f"/rooms/{world.rooms_a[0].pk}/",
    ):
        page = client.get(url).content.decode()
        assert "13812345678" not in page
        assert "11010519491231002X" not in page
    assert "138****5678" in client.get(f"/residents/{world.resident_a.pk}/").content.decode()


def test_reveal_returns_number_and_writes_one_audit_row(world, client_as):
    client = client_as(world.specialist)
    response = client.post(
        f"/residents/{world.resident_a.pk}/reveal/phone/", REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 200
    assert "13812345678" in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.REVEAL)
    assert entry.actor == world.specialist
    assert entry.object_id == world.resident_a.pk
    assert entry.changes == {"field": "phone"}
    assert entry.ip == "10.1.2.3"
    assert entry.community_id == world.a.pk


@pytest.mark.parametrize("persona", ["worker", "supervisor"])
def test_posts_without_the_need_cannot_reveal(world, client_as, persona):
    client = client_as(getattr(world, persona))
    page = client.get(f"/residents/{world.resident_a.pk}/").content.decode()
    assert "data-reveal" not in page
    response = client.post(f"/residents/{world.resident_a.pk}/reveal/phone/")
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


def test_specialist_without_the_need_when_company_setting_excludes_them(world, client_as):
    company = company_get()
    company.reveal_posts = ["manager"]
    company.save()
    client = client_as(world.specialist)
    assert client.post(f"/residents/{world.resident_a.pk}/reveal/phone/").status_code == 403
    assert "data-reveal" not in client.get(f"/residents/{world.resident_a.pk}/").content.decode()


def test_reveal_out_of_scope_is_404_and_unknown_field_404(world, client_as):
    client = client_as(world.specialist_b)
    assert client.post(f"/residents/{world.resident_a.pk}/reveal/phone/").status_code == 404
    client = client_as(world.specialist)
    assert client.post(f"/residents/{world.resident_a.pk}/reveal/name/").status_code == 404
    assert client.get(f"/residents/{world.resident_a.pk}/reveal/phone/").status_code == 405


def test_manager_searches_the_audit_log(world, client_as):
    client_as(world.specialist).post(f"/residents/{world.resident_a.pk}/reveal/phone/")
    client = client_as(world.manager)
    page = client.get("/audit/?action=reveal").content.decode()
    assert "刘专员" in page and "张伟" in page
    assert "13812345678" not in page
    assert client.get("/audit/?actor=nobody").context["page"].paginator.count == 0


def test_manager_does_not_see_audit_rows_of_other_communities(world, client_as):
    client_as(world.specialist_b).post(f"/residents/{world.resident_b.pk}/reveal/phone/")
    page = client_as(world.manager).get("/audit/").context["page"]
    assert page.paginator.count == 0
    assert client_as(world.admin).get("/audit/").context["page"].paginator.count == 1


def test_only_manager_and_admin_open_the_audit_log(world, client_as):
    for persona in ("specialist", "assistant", "supervisor", "executive", "worker"):
        assert client_as(getattr(world, persona)).get("/audit/").status_code == 403


def test_phone_never_appears_in_urls_of_pages(world, client_as):
    page = client_as(world.manager).get(f"/residents/{world.resident_a.pk}/").content.decode()
    assert "13812345678" not in page
    assert "phone=" not in page


def test_searching_by_phone_posts_and_keeps_the_number_out_of_links(world, client_as):
    from wuyedesk.testing import make_resident

    for i in range(60):  # two pages of namesakes, so the page has pagination links
        make_resident(world.rooms_a[1], name="张伟", phone=f"1370000{i:04d}")
    client = client_as(world.manager)
    home = client.get("/").content.decode()
    assert 'method="post" action="/residents/"' in home
    page = client.post("/residents/", {"q": "138 1234 5678"}).content.decode()
    assert "张伟" in page
    by_name = client.post("/residents/", {"q": "张伟", "community": world.a.pk}).content.decode()
    assert "q=%E5%BC%A0%E4%BC%9F" in by_name  # a name may travel in the next-page link
    assert "page=2" in by_name


def test_looks_like_phone():
    from wuyedesk.lib.privacy import looks_like_phone

    assert looks_like_phone("138 1234 5678") and looks_like_phone("11010519491231002X")
    assert not looks_like_phone("3栋 1502") and not looks_like_phone("张伟")
